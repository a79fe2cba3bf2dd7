import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { configureThroughOptions } from "./support/setup.ts";
import { MAIN_KEYS, RESULT_KEYS, encodedResults, reshard, storageRemove, storedResults } from "./support/stored.ts";

// Each stored value is corrupted in turn: the extension falls back for that value alone, says so,
// never shows a blank popup, and the user's other settings survive.

const KEY = "tk_demo_key";
let fake: FakeCobalt;
let ext: ExtensionSession;
let good: Record<string, unknown>;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension();
  await configureThroughOptions(ext, fake, { key: KEY, ids: "acme-corp globex initech", expect: "3 apps need re-authentication" });
  good = await ext.storageGet();
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

/** Back to the state after the first check: the same keys, with the same values. */
async function restore(): Promise<void> {
  const extra = Object.keys(await ext.storageGet()).filter((key) => !(key in good));
  if (extra.length > 0) await storageRemove(ext, extra);
  await ext.storageSet(good);
  await ext.waitForBadge((b) => b.text === "3");
}

/** Starts collecting, in an extension page, the keys of every storage.local write. */
async function recordWrites(page: ExtPage): Promise<void> {
  await page.evaluate(`(() => {
    globalThis.written = [];
    (globalThis.browser ?? chrome).storage.onChanged.addListener((changes, area) => {
      if (area === "local") globalThis.written.push(...Object.keys(changes));
    });
  })()`);
}

/**
 * The keys written since recordWrites, once the check's results have come. The background also
 * writes small records of its own before a check ends (its decision, the progress mark), so only
 * a results key says the check is over: its end lands in that same write.
 */
async function resultWrites(page: ExtPage): Promise<string[]> {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const keys = await page.evaluate<string[]>("globalThis.written");
    if (keys.some((key) => RESULT_KEYS.owns(key))) return keys;
  }
  throw new Error("no check results were written");
}

/** Opening the popup checks at once when the data looks stale; a fresh checkedAt keeps it still. */
const fresh = <T extends object>(value: T): T => ({ ...value, checkedAt: Date.now() });

// Built when the test runs: `good` is only known after beforeAll. One field of the (only) source.
const settingsField = (field: string, value: unknown) => () => {
  const settings = good.settings as { sources: object[] };
  return { settings: { ...settings, sources: [{ ...settings.sources[0], [field]: value }] } };
};

describe(`corrupted storage in ${browserUnderTest()}`, () => {
  it.each([
    ["interval", settingsField("intervalMinutes", "every now and then"), 'The saved "Check every (minutes)" could not be read'],
    ["request budget", settingsField("requestsPerMinute", { lots: true }), 'The saved "Requests per minute" could not be read'],
    ["linked account IDs", settingsField("linkedAccountIds", { 0: "acme-corp" }), 'The saved "Linked account IDs" could not be read'],
  ])("a damaged %s falls back alone, with a notice", async (_name, damaged, notice) => {
    await ext.storageSet(damaged());
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Integration status");
    await popup.waitForText(notice);
    // The key and base URL were untouched, so the data is still shown.
    await popup.waitForText("Hubspot");
    const options = await ext.openPage(ext.optionsPath);
    await options.waitForText("API base URL");
    expect(await options.valueOfLabelled("API key")).toBe(KEY);
    expect(await options.valueOfLabelled("API base URL")).toBe(fake.origin);
    await options.waitForText(notice);
    await options.close();
    await popup.close();
    await restore();
  });

  it("an unversioned settings object from an older layout is migrated, not reset", async () => {
    const old = { apiKey: KEY, baseUrl: fake.origin, linkedAccountIds: "acme-corp, globex\ninitech", intervalMinutes: 5 };
    await ext.storageSet({ settings: old });
    const options = await ext.openPage(ext.optionsPath);
    await options.waitForText("API key");
    expect(await options.valueOfLabelled("Linked account IDs")).toBe("acme-corp\nglobex\ninitech");
    expect(await options.text()).not.toContain("could not be read");
    await options.close();
    await restore();
  });

  it("a damaged API key shows not set up and names the field; nothing crashes", async () => {
    await ext.storageSet(settingsField("apiKey", 12345)());
    const badge = await ext.waitForBadge((b) => b.text === "SET");
    expect(badge.title).toContain("Not set up");
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText('The saved "API key" could not be read');
    await popup.waitForText("Open Options");
    await popup.close();
    await restore();
  });

  it("settings that are not an object at all fall back to the defaults, with a notice", async () => {
    await ext.storageSet({ settings: "}{ not json" });
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("The saved settings could not be read");
    await popup.close();
    await restore();
  });

  it("damaged check results are set aside and rebuilt by the next check", async () => {
    await ext.storageSet({ [RESULT_KEYS.header]: { schemaVersion: "one", accounts: "many" } });
    // The options page only reads: it shows the notice, and the badge does not crash.
    const options = await ext.openPage(ext.optionsPath);
    await options.waitForText("The stored check results could not be read");
    await ext.waitForBadge((b) => b.text === "…");
    await options.close();
    // Opening the popup wakes the background, which sees no usable data and checks at once.
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot", { timeoutMs: 15_000 });
    await popup.waitForNoText("could not be read");
    await ext.waitForBadge((b) => b.text === "3");
    await popup.close();
    await restore();
  });

  it("a damaged shard of the results loses its accounts alone, until the next check rebuilds them", async () => {
    const stored = await ext.storageGet();
    const results = Object.fromEntries(Object.entries(stored).filter(([key]) => RESULT_KEYS.owns(key)));
    // Eight shards, as for a larger org: acme-corp, globex and initech each get their own.
    const spread = reshard({ ...results, [RESULT_KEYS.header]: fresh(results[RESULT_KEYS.header] as object) }, 8);
    await storageRemove(ext, Object.keys(results));
    await ext.storageSet({ ...spread, [RESULT_KEYS.shard(2)]: [{ i: 12 }] });
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("The stored check results of 1 linked account could not be read");
    // Globex's app is still listed; Acme's (the damaged shard) are not.
    await popup.waitForText("Salesforce");
    expect(await popup.text()).not.toContain("Copper");
    await ext.waitForBadge((b) => b.text === "1");
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("Copper", { timeoutMs: 15_000 });
    await popup.waitForNoText("could not be read");
    await ext.waitForBadge((b) => b.text === "3");
    await popup.close();
    await restore();
  });

  it("a check that finds nothing new writes the small header alone", async () => {
    const page = await ext.openPage(ext.optionsPath);
    await recordWrites(page);
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    await popup.clickByRole("button", "Refresh");
    const keys = new Set(await resultWrites(page));
    await popup.close();
    await page.close();
    // Of the results, the header alone; besides them only the background's few-byte records: the
    // decision on each event (the popup's opening, the Refresh) and the check's progress mark.
    expect([...keys].sort()).toEqual([MAIN_KEYS.lastDecision, MAIN_KEYS.progress, RESULT_KEYS.header].sort());
  });

  it("an existing user's data in the older layout survives the upgrade, through a failed check", async () => {
    // The layout before sharding: the whole status under `status`, healthy apps under `healthy`.
    const { status, healthy } = await storedResults(ext);
    const legacyApp = { slug: "legacy_crm", name: "Legacy CRM", authType: "oauth2" };
    const legacy = {
      status: { ...fresh(status), accounts: status.accounts.map((a) => (a.id === "initech" ? { ...a, reauth: [legacyApp] } : a)) },
      healthy: { ...healthy, initech: [{ slug: "old_drive", name: "Old Drive" }] },
    };
    await storageRemove(ext, Object.keys(await ext.storageGet()).filter((key) => RESULT_KEYS.owns(key)));
    await ext.storageSet(JSON.parse(JSON.stringify(legacy)) as Record<string, unknown>);
    // Read as it is, before any write.
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Legacy CRM");
    // A check that fails keeps the last good data: the first write migrates it as it is.
    fake.fault({ path: "/api/v2/public/application" }, { kind: "status", status: 503 });
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("Cobalt's server is failing", { timeoutMs: 15_000 });
    const after = await ext.storageGet();
    expect(after.status).toBeUndefined();
    expect(after.healthy).toBeUndefined();
    expect(after[RESULT_KEYS.header]).toBeDefined();
    await popup.close();
    const reopened = await ext.openPage(ext.popupPath);
    await reopened.waitForText("Legacy CRM");
    await reopened.click("details.healthy summary");
    await reopened.waitForText("Old Drive");
    await reopened.close();
    fake.clearFaults();
    await restore();
  });

  it("a damaged list of healthy apps in the older layout says so when opened, and the rest still works", async () => {
    const { status } = await storedResults(ext);
    await storageRemove(ext, Object.keys(await ext.storageGet()).filter((key) => RESULT_KEYS.owns(key)));
    await ext.storageSet({ status: JSON.parse(JSON.stringify(fresh(status))) as unknown, healthy: [1, 2, 3] });
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    await popup.click("details.healthy summary");
    await popup.waitForText("The stored list of healthy apps could not be read");
    await popup.close();
    await restore();
  });
});
