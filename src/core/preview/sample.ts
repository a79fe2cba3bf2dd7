import type { AppRecord } from "../api/records.ts";
import { BUDGET, DEFAULT_BASE_URL, INTERVAL, type CobaltSource } from "../settings/model.ts";
import { sourceKey } from "../settings/fingerprint.ts";
import { STATUS_VERSION, type AccountStatus, type HealthyApps, type Status } from "../status/model.ts";
import { SAMPLE_ICON_DIR, SAMPLE_SOURCE_ID } from "./state.ts";
import { dict } from "../kit/dict.ts";

/*
 * The demo org of the sample-data preview, built in memory, never stored and never fetched: the
 * same customers and apps as `npm start`'s showcase org (test/fake-cobalt/showcase-org.ts), so the
 * preview and the screenshots tell one story. Its icons are files of the extension itself
 * (public/preview-icons/), monograms drawn for it, not the vendors' logos.
 */

/** A test key (tk…), as a reviewer's first key would be; never sent anywhere. */
export const SAMPLE_API_KEY = "tk_sample_0000000000000000";

interface SampleApp {
  slug: string;
  name: string;
  authType: "oauth2" | "keybased";
}

const APPS = {
  salesforce: { slug: "salesforce", name: "Salesforce", authType: "oauth2" },
  hubspot: { slug: "hubspot", name: "HubSpot", authType: "oauth2" },
  slack: { slug: "slack", name: "Slack", authType: "oauth2" },
  quickbooks: { slug: "quickbooks", name: "QuickBooks Online", authType: "oauth2" },
  netsuite: { slug: "netsuite", name: "NetSuite", authType: "keybased" },
  zendesk: { slug: "zendesk", name: "Zendesk", authType: "oauth2" },
  jira: { slug: "jira", name: "Jira", authType: "oauth2" },
  stripe: { slug: "stripe", name: "Stripe", authType: "keybased" },
  intercom: { slug: "intercom", name: "Intercom", authType: "oauth2" },
  shopify: { slug: "shopify", name: "Shopify", authType: "oauth2" },
  mailchimp: { slug: "mailchimp", name: "Mailchimp", authType: "keybased" },
  google_drive: { slug: "google_drive", name: "Google Drive", authType: "oauth2" },
  xero: { slug: "xero", name: "Xero", authType: "oauth2" },
  pipedrive: { slug: "pipedrive", name: "Pipedrive", authType: "keybased" },
} satisfies Record<string, SampleApp>;

type AppName = keyof typeof APPS;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Each customer's apps needing re-authentication (with how long before the preview they broke) and healthy ones. */
const CUSTOMERS: { id: string; name: string; broken: [AppName, number][]; healthy: AppName[] }[] = [
  { id: "northwind", name: "Northwind Traders", broken: [["salesforce", 3 * HOUR], ["quickbooks", 2 * DAY]], healthy: ["slack", "google_drive"] },
  { id: "contoso", name: "Contoso Ltd.", broken: [["netsuite", 40 * MINUTE]], healthy: ["hubspot", "zendesk"] },
  { id: "globex", name: "Globex Corporation", broken: [["shopify", 5 * DAY]], healthy: ["mailchimp", "stripe"] },
  { id: "fabrikam", name: "Fabrikam, Inc.", broken: [], healthy: ["jira", "intercom", "stripe"] },
  { id: "tailspin", name: "Tailspin Toys", broken: [], healthy: ["xero", "pipedrive"] },
];

/** The app slugs whose icons the package must hold. */
export const SAMPLE_ICON_SLUGS: readonly string[] = Object.keys(APPS);

export interface SampleOrg {
  source: CobaltSource;
  status: Status;
  healthy: HealthyApps;
}

/**
 * The demo org as the popup, the badge and the options page read a checked source: set up, its
 * results current for it, "checked" when the preview began. `iconUrl` turns a path in the
 * package into a URL the pages can load (the runtime's getURL); core has no browser API.
 */
export function sampleOrg(startedAt: number, iconUrl: (path: string) => string): SampleOrg {
  const source: CobaltSource = {
    id: SAMPLE_SOURCE_ID,
    kind: "cobalt",
    label: "",
    apiKey: SAMPLE_API_KEY,
    baseUrl: DEFAULT_BASE_URL,
    linkedAccountIds: [],
    intervalMinutes: INTERVAL.default,
    requestsPerMinute: BUDGET.default,
  };
  const record = (name: AppName): AppRecord => {
    const app = APPS[name];
    return { slug: app.slug, name: app.name, authType: app.authType, icon: iconUrl(`${SAMPLE_ICON_DIR}/${app.slug}.svg`) };
  };
  const accounts: AccountStatus[] = [];
  const healthy: HealthyApps = dict();
  for (const customer of CUSTOMERS) {
    const reauth = customer.broken.map(([name, ago]) => ({ ...record(name), since: startedAt - ago }));
    accounts.push({ id: customer.id, name: customer.name, checkedAt: startedAt, reauth, healthyCount: customer.healthy.length });
    healthy[customer.id] = customer.healthy.map(record);
  }
  // What a real check of this org would have cost: one listing page and the accounts it flags,
  // plus this cycle's share of full checks.
  const status: Status = {
    schemaVersion: STATUS_VERSION,
    source: sourceKey(source),
    checkedAt: startedAt,
    accountsTotal: accounts.length,
    accounts,
    lastRun: { ms: 1_400, requests: 5 },
  };
  return { source, status, healthy };
}
