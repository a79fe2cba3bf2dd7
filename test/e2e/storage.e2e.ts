import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type ExtensionSession } from "./support/browsers.ts";
import { configureThroughOptions } from "./support/setup.ts";

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
  good = await ext.storageGet(["settings", "status", "healthy"]);
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

async function restore(): Promise<void> {
  await ext.storageSet(good);
  await ext.waitForBadge((b) => b.text === "3");
}

// Built when the test runs: `good` is only known after beforeAll.
const settingsField = (field: string, value: unknown) => () => ({ settings: { ...(good.settings as object), [field]: value } });

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
    await ext.storageSet({ status: { schemaVersion: "one", accounts: "many" } });
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
  });

  it("a damaged list of healthy apps says so when opened, and the rest still works", async () => {
    await ext.storageSet({ healthy: [1, 2, 3] });
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    await popup.click("details.healthy summary");
    await popup.waitForText("The stored list of healthy apps could not be read");
    await popup.close();
    await restore();
  });
});
