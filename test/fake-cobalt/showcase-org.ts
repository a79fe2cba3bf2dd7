/**
 * The showcase org: what `npm start` and the store screenshots show. Named customers, apps with
 * the names a Cobalt org really connects to, an icon for each (served by the fake server itself:
 * there is no internet here), and four apps that need re-authentication across three customers:
 * OAuth apps (an expired connection, a reauth flag) and a key-based one.
 *
 * The icons are plain monograms in a colour of their own, drawn here; they are not the vendors'
 * logos. The tests' smaller org (seedDemoOrg in server.ts) stays as it is.
 */
import { v3App, type FakeCobalt } from "./server.ts";

export const SHOWCASE_KEY = "tk_demo_key";

interface AppSpec {
  slug: string;
  name: string;
  /** Two letters at most, drawn on the icon. */
  mark: string;
  color: string;
  authType?: "oauth2" | "keybased";
}

const APPS = {
  salesforce: { slug: "salesforce", name: "Salesforce", mark: "S", color: "#0b8fd8" },
  hubspot: { slug: "hubspot", name: "HubSpot", mark: "H", color: "#f26b3a" },
  slack: { slug: "slack", name: "Slack", mark: "S", color: "#4a154b" },
  quickbooks: { slug: "quickbooks", name: "QuickBooks Online", mark: "qb", color: "#2ca01c" },
  netsuite: { slug: "netsuite", name: "NetSuite", mark: "N", color: "#1f3b57", authType: "keybased" },
  zendesk: { slug: "zendesk", name: "Zendesk", mark: "Z", color: "#03363d" },
  jira: { slug: "jira", name: "Jira", mark: "J", color: "#1868db" },
  stripe: { slug: "stripe", name: "Stripe", mark: "S", color: "#635bff", authType: "keybased" },
  intercom: { slug: "intercom", name: "Intercom", mark: "I", color: "#1f8ded" },
  shopify: { slug: "shopify", name: "Shopify", mark: "S", color: "#5e8e3e" },
  mailchimp: { slug: "mailchimp", name: "Mailchimp", mark: "M", color: "#e0a800", authType: "keybased" },
  google_drive: { slug: "google_drive", name: "Google Drive", mark: "D", color: "#1e8e3e" },
  xero: { slug: "xero", name: "Xero", mark: "X", color: "#13b5ea" },
  pipedrive: { slug: "pipedrive", name: "Pipedrive", mark: "P", color: "#1a1a1a", authType: "keybased" },
} satisfies Record<string, AppSpec>;

type AppName = keyof typeof APPS;

/** A 64×64 rounded tile with the app's mark, white on its colour. */
export function monogramSvg(mark: string, color: string): string {
  const size = mark.length > 1 ? 30 : 36;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="${color}"/><text x="32" y="33" dominant-baseline="central" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-weight="700" font-size="${size}" fill="#fff">${mark}</text></svg>`;
}

/** healthy: connected and fine. expired: its connection's status is expired. flagged: Cobalt's reauth_required. idle: not connected. */
type State = "healthy" | "expired" | "flagged" | "idle";

const CUSTOMERS: { id: string; name: string; apps: [AppName, State][] }[] = [
  {
    id: "northwind",
    name: "Northwind Traders",
    apps: [["salesforce", "expired"], ["quickbooks", "flagged"], ["slack", "healthy"], ["google_drive", "healthy"], ["zendesk", "idle"]],
  },
  { id: "contoso", name: "Contoso Ltd.", apps: [["netsuite", "flagged"], ["hubspot", "healthy"], ["zendesk", "healthy"], ["slack", "idle"]] },
  { id: "globex", name: "Globex Corporation", apps: [["shopify", "expired"], ["mailchimp", "healthy"], ["stripe", "healthy"]] },
  { id: "fabrikam", name: "Fabrikam, Inc.", apps: [["jira", "healthy"], ["intercom", "healthy"], ["stripe", "healthy"], ["salesforce", "idle"]] },
  { id: "tailspin", name: "Tailspin Toys", apps: [["xero", "healthy"], ["pipedrive", "healthy"], ["hubspot", "idle"]] },
];

function appItem(fake: FakeCobalt, spec: AppSpec, state: State): Record<string, unknown> {
  const icon = fake.setIcon(spec.slug, monogramSvg(spec.mark, spec.color));
  const base = { name: spec.name, authType: spec.authType ?? "oauth2", icon } as const;
  switch (state) {
    case "healthy":
      return v3App(spec.slug, { ...base, status: "active" });
    case "expired":
      return v3App(spec.slug, { ...base, status: "expired" });
    case "flagged":
      return v3App(spec.slug, { ...base, status: "active", reauthRequired: true });
    case "idle":
      return v3App(spec.slug, base);
  }
}

/** Seeds the showcase org (v3 field set) with the test key SHOWCASE_KEY. Badge: 4. */
export function seedShowcaseOrg(fake: FakeCobalt): void {
  fake.flavor = "v3";
  fake.addKey(SHOWCASE_KEY, "test");
  for (const customer of CUSTOMERS) {
    fake.setAccount({
      account_id: customer.id,
      name: customer.name,
      apps: customer.apps.map(([app, state]) => appItem(fake, APPS[app], state)),
    });
  }
}

/** What the showcase org shows once checked, for the scripts and tests that wait for it. */
export const SHOWCASE_EXPECTED = { badge: "4", accounts: CUSTOMERS.length, accountsNeedingReauth: 3 } as const;
