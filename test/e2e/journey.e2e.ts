import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { screenshotPath } from "./support/screenshots.ts";
import { storedSource } from "./support/stored.ts";

// The core journey of a new user, in the real browser: set up in Options, see the badge, open the
// popup, reconnect an OAuth app and a key-based app, copy a link, survive a revoked key.

const KEY = "tk_demo_key";
let fake: FakeCobalt;
let ext: ExtensionSession;
let popup: ExtPage;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension();
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

describe(`core journey in ${browserUnderTest()}`, () => {
  it("says it is not set up before a key is saved, and offers no summary of nothing", async () => {
    const badge = await ext.waitForBadge((b) => b.text === "SET");
    expect(badge.title).toContain("Not set up");
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Options");
    expect(await popup.count("button")).toBeGreaterThan(0);
    expect(await popup.text("footer")).not.toContain("Copy summary");
    await popup.close();
  });

  it("saves the options, checks at once and says in words that it works", async () => {
    const options = await ext.openPage(ext.optionsPath);
    await options.fillLabelled("API key", KEY);
    await options.fillLabelled("API base URL", fake.origin);
    await options.fillLabelled("Linked account IDs", "acme-corp, globex\ninitech");
    await options.fillLabelled("Check every (minutes)", "7");
    await options.clickByRole("button", "Save");
    await options.waitForText("Connected (test environment): 3 linked accounts, 3 apps need re-authentication in 2 linked accounts.");
    // The key is shown masked, never in clear, unless the user asks.
    expect(await options.attr("#apiKey", "type")).toBe("password");
    await options.waitForText(/Saved key: tk_d•+_key/);
    expect(await storedSource(ext)).toMatchObject({ apiKey: KEY, baseUrl: fake.origin, linkedAccountIds: ["acme-corp", "globex", "initech"], intervalMinutes: 7 });
    await options.close();
  });

  it("counts the apps that need re-authentication on the badge, with a title in words", async () => {
    const badge = await ext.waitForBadge((b) => b.text === "3");
    expect(badge.title).toContain("3 apps need re-authentication across 2 linked accounts");
  });

  it("schedules the background check at the chosen interval", async () => {
    const alarm = await ext.evalInBackground<{ periodInMinutes?: number } | undefined>(`(globalThis.browser ?? chrome).alarms.get("check.main")`);
    expect(alarm?.periodInMinutes).toBe(7);
  });

  it("lists each app to fix with its linked account, and the healthy ones collapsed", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("3 apps need re-authentication across 2 of 3 linked accounts");
    expect(await popup.count("li.app")).toBe(3);
    const items = await popup.text("section.group");
    expect(items).toContain("Hubspot");
    expect(await popup.text()).toMatch(/acme-corp[\s\S]*Hubspot[\s\S]*Copper[\s\S]*globex[\s\S]*Salesforce/);
    expect(await popup.text()).toContain("Healthy connected apps (4)");
    expect(await popup.text()).toMatch(/Last checked (just now|1 minute ago)/);
    if (browserUnderTest() === "chromium") {
      const out = screenshotPath("docs", "popup.png");
      mkdirSync(dirname(out), { recursive: true });
      const height = await popup.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
      await popup.screenshot(out, { width: 400, height });
    }
  });

  it("Reconnect on an OAuth app opens that app's consent page for the right linked account", async () => {
    const opened = ext.waitForTab((url) => url.includes("/oauth/authorize/hubspot"));
    await popup.clickByRole("button", "Reconnect Hubspot");
    const url = new URL(await opened);
    expect(url.origin).toBe(fake.altOrigin);
    expect(url.searchParams.get("linked_account_id")).toBe("acme-corp");
  });

  it("Reconnect on a key-based app opens Cobalt's hosted portal for that linked account", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Copper");
    fake.clearRequests();
    const opened = ext.waitForTab((url) => url.includes("/connect/"));
    await popup.clickByRole("button", "Reconnect Copper");
    const url = await opened;
    expect(url.startsWith(`${fake.altOrigin}/connect/`)).toBe(true);
    const tokenCall = fake.requests.find((r) => r.path === "/api/v2/public/session-token");
    expect(tokenCall?.linkedAccountId).toBe("acme-corp");
    const connectCall = fake.requests.find((r) => r.path === "/api/v2/public/connect-url");
    expect(connectCall?.headers.authorization).toMatch(/^Bearer /);
    expect(connectCall?.headers["x-api-key"]).toBeUndefined();
  });

  it("Copy puts a fresh reconnect link on the clipboard", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Salesforce");
    fake.clearRequests();
    await popup.clickByRole("button", "Copy link to reconnect Salesforce");
    await popup.waitForText("Copied");
    const asked = fake.requests.find((r) => r.path.startsWith("/api/v2/public/linked-account/integration/oauth-url/salesforce"));
    expect(asked?.linkedAccountId).toBe("globex");
    const clipboard = await ext.readClipboard(popup);
    expect(clipboard).toMatch(new RegExp(`^${fake.altOrigin}/oauth/authorize/salesforce\\?linked_account_id=globex&state=`));
  });

  it("updates the badge from the background schedule with the popup closed", async () => {
    await popup.close();
    const globex = fake.accounts().find((a) => a.account_id === "globex")!;
    for (const app of globex.apps) if (app.slug === "salesforce") app.reauth_required = false;
    // Fire the real alarm now, keeping its period: the same path the schedule takes.
    await ext.evalInBackground(`(globalThis.browser ?? chrome).alarms.create("check.main", { when: Date.now() + 50, periodInMinutes: 7 })`);
    const badge = await ext.waitForBadge((b) => b.text === "2", 15_000);
    expect(badge.title).toContain("2 apps need re-authentication across 1 linked account");
  });

  it("after the key is revoked, Refresh says the key was rejected and keeps the last good data", async () => {
    fake.revokeKey(KEY);
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("API key rejected");
    await popup.waitForText("Invalid Credentials");
    await popup.waitForText("Showing the last good data");
    expect(await popup.count("li.app")).toBe(2);
    const badge = await ext.waitForBadge((b) => b.text === "KEY");
    expect(badge.title).toContain("API key rejected");
    expect(await storedSource(ext)).toMatchObject({ apiKey: KEY, baseUrl: fake.origin });
    await popup.close();
  });
});
