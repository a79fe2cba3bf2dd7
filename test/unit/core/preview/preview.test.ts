import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { badgeFor } from "../../../../src/core/badge/badge.ts";
import { COUNT_COLOR } from "../../../../src/core/badge/table.ts";
import { noticeText } from "../../../../src/core/words/notices.ts";
import { markSampleBadge, SAMPLE_BADGE_COLOR, sampleLinkText } from "../../../../src/core/preview/explain.ts";
import { parseStoredPreview } from "../../../../src/core/preview/parse.ts";
import { SAMPLE_ICON_SLUGS, sampleOrg } from "../../../../src/core/preview/sample.ts";
import { isSampleSource, SAMPLE_ICON_DIR, SAMPLE_SOURCE_ID } from "../../../../src/core/preview/state.ts";
import { keyEnvironment } from "../../../../src/core/settings/source-ids.ts";
import { parseStoredSettings, serializeSettings } from "../../../../src/core/settings/parse.ts";
import { reauthCount } from "../../../../src/core/status/model.ts";
import { connectionSummary } from "../../../../src/core/words/summary.ts";
import { currentError, isCurrent } from "../../../../src/core/status/view-state.ts";
import { de, en, ja } from "../../support/i18n.ts";

// The sample-data preview's demo org, built without any browser API, and its words.

// Local noon, so "today" is the same day in any time zone the tests run in.
const STARTED = new Date(2026, 6, 1, 12, 0).getTime();
const BASE = "chrome-extension://abcdefghijklmnop/";
const iconUrl = (path: string) => `${BASE}${path}`;
const org = sampleOrg(STARTED, iconUrl);
const reauthApps = org.status.accounts.flatMap((account) => account.reauth);

describe("the demo org", () => {
  it("is one set-up source with a test key, checked when the preview began, its results current", () => {
    expect(org.source.id).toBe(SAMPLE_SOURCE_ID);
    expect(isSampleSource(org.source)).toBe(true);
    expect(keyEnvironment(org.source.apiKey)).toBe("test");
    expect(org.status.checkedAt).toBe(STARTED);
    expect(isCurrent(org.source, org.status)).toBe(true);
    expect(currentError(org.source, org.status)).toBeUndefined();
  });

  it("has an id no stored source can have, so nothing of the user's is ever taken for it", () => {
    const stored = serializeSettings({ sources: [org.source] });
    const read = parseStoredSettings(JSON.parse(JSON.stringify(stored))).settings.sources[0]!;
    expect(read.id).not.toBe(SAMPLE_SOURCE_ID);
    expect(isSampleSource(read)).toBe(false);
    expect(read.kind === "cobalt" && read.apiKey).toBe(org.source.apiKey);
  });

  it("names its customers, and lists real-looking apps needing re-authentication, OAuth and key-based", () => {
    expect(org.status.accounts.map((account) => account.name)).toEqual(["Northwind Traders", "Contoso Ltd.", "Globex Corporation", "Fabrikam, Inc.", "Tailspin Toys"]);
    expect(reauthApps.map((app) => app.name)).toEqual(["Salesforce", "QuickBooks Online", "NetSuite", "Shopify"]);
    expect(reauthApps.some((app) => app.authType === "oauth2")).toBe(true);
    expect(reauthApps.some((app) => app.authType !== "oauth2")).toBe(true);
    expect(reauthCount(org.status)).toBe(4);
  });

  it("says when each app broke, before the preview began", () => {
    for (const app of reauthApps) expect(app.since).toBeLessThan(STARTED);
  });

  it("has icons from the extension's own package, every one of them a file there", () => {
    const apps = [...reauthApps, ...Object.values(org.healthy).flat()];
    for (const app of apps) expect(app.icon).toBe(`${BASE}${SAMPLE_ICON_DIR}/${app.slug}.svg`);
    for (const slug of SAMPLE_ICON_SLUGS) expect(existsSync(`public/${SAMPLE_ICON_DIR}/${slug}.svg`), slug).toBe(true);
    expect(new Set(apps.map((app) => app.slug))).toEqual(new Set(SAMPLE_ICON_SLUGS));
  });

  it("keeps its healthy apps per account, as many as each account counts, none also needing re-authentication", () => {
    for (const account of org.status.accounts) {
      const healthy = org.healthy[account.id] ?? [];
      expect(healthy.length, account.id).toBe(account.healthyCount);
      const broken = new Set(account.reauth.map((app) => app.slug));
      expect(healthy.filter((app) => broken.has(app.slug)), account.id).toEqual([]);
    }
  });

  it("is the same for the same start, so the pages and the badge agree", () => {
    expect(sampleOrg(STARTED, iconUrl)).toEqual(org);
    expect(sampleOrg(STARTED + 1, iconUrl).status.checkedAt).toBe(STARTED + 1);
  });

  it("reads like a checked org on the badge and the options page", () => {
    const badge = badgeFor({ sources: [org.source] }, { [org.source.id]: org.status }, STARTED + 60_000, en);
    expect(badge.text).toBe("4");
    expect(badge.title).toContain("4 apps need re-authentication across 3 linked accounts");
    expect(connectionSummary(en, org.source, org.status).text).toBe(
      "Connected (test environment): 5 linked accounts, 4 apps need re-authentication in 3 linked accounts.",
    );
  });
});

describe("the sample badge", () => {
  const badge = badgeFor({ sources: [org.source] }, { [org.source.id]: org.status }, STARTED + 60_000, en);

  it("keeps the count, in a colour of its own, and its tooltip starts by saying it is sample data", () => {
    const marked = markSampleBadge(badge, en);
    expect(marked.text).toBe("4");
    expect(marked.color).toBe(SAMPLE_BADGE_COLOR);
    expect(marked.color).not.toBe(COUNT_COLOR);
    expect(marked.title).toBe(`Sample data, not your org. ${badge.title}`);
  });

  it("says so in every language", () => {
    expect(markSampleBadge(badge, de).title).toMatch(/^Beispieldaten/);
    expect(markSampleBadge(badge, ja).title).toMatch(/^サンプルデータ/);
  });
});

describe("what Reconnect and Copy link would do", () => {
  const salesforce = reauthApps.find((app) => app.slug === "salesforce")!;
  const netsuite = reauthApps.find((app) => app.slug === "netsuite")!;

  it("opens an OAuth app's consent page, and Cobalt's hosted portal for any other app", () => {
    expect(sampleLinkText(en, "reconnect", salesforce, "Northwind Traders")).toBe(
      "Sample data: nothing was opened. In your org, Reconnect asks Cobalt for a fresh link and opens Salesforce's consent page for Northwind Traders in a new tab.",
    );
    expect(sampleLinkText(en, "reconnect", netsuite, "Contoso Ltd.")).toContain("opens Cobalt's hosted portal for Contoso Ltd. in a new tab, where NetSuite is connected again");
  });

  it("copies the same links, for the customer", () => {
    expect(sampleLinkText(en, "copy", salesforce, "Northwind Traders")).toContain("nothing was copied. In your org, Copy link puts a fresh link to Salesforce's consent page for Northwind Traders on the clipboard");
    expect(sampleLinkText(en, "copy", netsuite, "Contoso Ltd.")).toContain("a fresh link to Cobalt's hosted portal for Contoso Ltd.");
  });

  it("names the app and the account in every language", () => {
    for (const t of [en, de, ja]) {
      for (const action of ["reconnect", "copy"] as const) {
        for (const app of [salesforce, netsuite]) {
          const text = sampleLinkText(t, action, app, "Northwind Traders");
          expect(text, `${t.language} ${action} ${app.slug}`).toContain(app.name);
          expect(text).toContain("Northwind Traders");
        }
      }
    }
  });
});

describe("the stored preview", () => {
  it("is off when nothing is stored, with nothing to say", () => {
    expect(parseStoredPreview(undefined)).toEqual({});
  });

  it("is on with its start, and accepts fields a later version adds", () => {
    expect(parseStoredPreview({ startedAt: STARTED })).toEqual({ preview: { startedAt: STARTED } });
    expect(parseStoredPreview({ startedAt: STARTED, theme: "dark" })).toEqual({ preview: { startedAt: STARTED } });
  });

  it.each([["a word", "yes"], ["null", null], ["a start that is not a number", { startedAt: "noon" }], ["an array", [STARTED]]])(
    "damaged (%s) is off, with a notice in words: the user's own data is what is shown",
    (_name, raw) => {
      const parsed = parseStoredPreview(raw);
      expect(parsed.preview).toBeUndefined();
      expect(parsed.notice).toEqual({ code: "preview-unreadable" });
      expect(noticeText(en, parsed.notice!)).toBe("The saved choice to show sample data could not be read, so your own data is shown.");
    },
  );
});
