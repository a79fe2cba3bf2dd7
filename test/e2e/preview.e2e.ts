import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { axeViolations, describeViolations } from "./support/axe.ts";
import { browserUnderTest, launchExtension, type Badge, type ColorScheme, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { fireCheckAlarm, waitForDecision } from "./support/setup.ts";
import { MAIN_KEYS } from "./support/stored.ts";

// The sample-data preview: a demo org built into the extension, for people without a
// Cobalt account and for store reviewers. Turned on from the options page, it fills the badge and
// the popup, says everywhere that it is sample data, explains Reconnect and Copy link instead of
// doing them, and makes no request at all; leaving it brings the user's own settings and results
// back exactly as they were, and checks resume.

const SAMPLE_TITLE = /^Sample data, not your org\. Cobalt Integration Status: 4 apps need re-authentication across 3 linked accounts/;
const POPUP_BANNER = "A demo org built into the extension, not yours.";
const OPTIONS_BANNER = "The popup and the badge show a demo org built into the extension";
const DEMO_APPS = ["Salesforce", "QuickBooks Online", "NetSuite", "Shopify"];

/**
 * The browsers' own services (Chromium signs in to nothing but still opens a tunnel to
 * accounts.google.com now and then; Firefox asks Mozilla's). No page of the extension names them:
 * what is left is what the extension asked for, the sample org's API (api.gocobalt.io) included.
 */
const BROWSER_SERVICE = /(^|\.)(google\.com|googleapis\.com|gstatic\.com|mozilla\.(com|net|org)|firefox\.com)$/;
const requestsOf = (ext: ExtensionSession) => ext.requests().map((r) => r.url).filter((url) => !BROWSER_SERVICE.test(new URL(url).hostname));

/** Every app icon has loaded (none hidden after failing): the sample's icons are the package's own. */
async function iconsLoaded(page: ExtPage): Promise<string[]> {
  await expect
    .poll(() => page.evaluate(() => [...document.querySelectorAll<HTMLImageElement>(".icon img")].every((img) => !img.hidden && img.complete && img.naturalWidth > 0)), { timeout: 10_000 })
    .toBe(true);
  return page.evaluate(() => [...document.querySelectorAll<HTMLImageElement>(".icon img")].map((img) => img.src));
}

/** axe-core finds nothing, of any impact, in the page as it is now, in the scheme under test. */
async function expectNoViolations(page: ExtPage, scheme: ColorScheme): Promise<void> {
  expect(await page.evaluate(`matchMedia("(prefers-color-scheme: dark)").matches`)).toBe(scheme === "dark");
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}

/** Turns the sample data on from the options page, as a user does, and waits for the badge to show it. */
async function showSampleData(ext: ExtensionSession, options: ExtPage): Promise<Badge> {
  await options.waitForText("No Cobalt account at hand");
  await options.clickByRole("button", "Show sample data");
  await options.waitForText(OPTIONS_BANNER);
  return ext.waitForBadge((b) => b.text === "4" && SAMPLE_TITLE.test(b.title));
}

describe(`sample data without an account, in ${browserUnderTest()}`, () => {
  let ext: ExtensionSession;
  let popup: ExtPage;

  beforeAll(async () => {
    ext = await launchExtension();
    await ext.waitForBadge((b) => b.text === "SET");
    ext.clearRequests();
  });

  afterAll(async () => {
    await ext?.close();
  });

  it("turns on from the options page before any setup: the badge counts the demo org and says it is sample data", async () => {
    const options = await ext.openPage(ext.optionsPath);
    const badge = await showSampleData(ext, options);
    expect(badge.title).toMatch(SAMPLE_TITLE);
    await options.close();
  });

  it("shows the demo org's settings on the options page, locked, with what its check found", async () => {
    const options = await ext.openPage(ext.optionsPath);
    await options.waitForText(OPTIONS_BANNER);
    await options.waitForText("Connected (test environment): 5 linked accounts, 4 apps need re-authentication in 3 linked accounts.");
    expect(await options.valueOfLabelled("API base URL")).toBe("https://api.gocobalt.io");
    expect(await options.evaluate(() => [...document.querySelectorAll<HTMLInputElement | HTMLButtonElement>("form input, form textarea, form button")].every((el) => el.matches(":disabled")))).toBe(true);
    // The notifications preference is the user's own setting: the demo org's page cannot change it.
    expect(await options.evaluate(() => document.querySelector<HTMLInputElement>(".notifications input[type=checkbox]")?.disabled)).toBe(true);
    expect(await options.text()).not.toContain("No Cobalt account at hand");
    await options.close();
  });

  it("lists the demo apps in the popup under the sample banner, with the package's own icons", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText(POPUP_BANNER);
    await popup.waitForText("4 apps need re-authentication across 3 of 5 linked accounts");
    expect(await popup.count("li.app")).toBe(4);
    const text = await popup.text();
    for (const app of DEMO_APPS) expect(text).toContain(app);
    expect(text).toMatch(/Northwind Traders \(northwind\)[\s\S]*Salesforce[\s\S]*Contoso Ltd\. \(contoso\)[\s\S]*NetSuite/);
    const icons = await iconsLoaded(popup);
    expect(icons.length).toBe(4);
    for (const src of icons) expect(src.startsWith(`${ext.baseUrl}preview-icons/`), src).toBe(true);
    await popup.click("details.healthy summary");
    await popup.waitForText("Google Drive");
  });

  it("Reconnect and Copy link say what they would do in the user's org, and open nothing", async () => {
    const tabs = await ext.tabUrls();
    await popup.clickByRole("button", "Reconnect Salesforce");
    await popup.waitForText("Sample data: nothing was opened. In your org, Reconnect asks Cobalt for a fresh link and opens Salesforce's consent page for Northwind Traders (northwind) in a new tab.");
    await popup.clickByRole("button", "Reconnect NetSuite");
    await popup.waitForText("opens Cobalt's hosted portal for Contoso Ltd. (contoso) in a new tab, where NetSuite is connected again.");
    await popup.clickByRole("button", "Copy link to reconnect Shopify");
    await popup.waitForText("Sample data: nothing was copied. In your org, Copy link puts a fresh link to Shopify's consent page for Globex Corporation (globex) on the clipboard");
    expect(await ext.tabUrls()).toEqual(tabs);
  });

  it("made no request at all", () => {
    expect(requestsOf(ext)).toEqual([]);
  });

  it("leaves from the popup's banner, back to the extension not set up, which offers the sample data again", async () => {
    await popup.clickByRole("button", "Leave the preview");
    await popup.waitForText("Not set up");
    await popup.waitForNoText(POPUP_BANNER);
    await popup.clickByRole("button", "Show sample data");
    await popup.waitForText(POPUP_BANNER);
    await popup.clickByRole("button", "Leave the preview");
    await ext.waitForBadge((b) => b.text === "SET");
    await popup.close();
  });
});

describe(`a user with their own org previews the sample data and leaves, in ${browserUnderTest()}`, () => {
  const KEY = "tk_demo_key";
  let fake: FakeCobalt;
  let ext: ExtensionSession;
  /** Everything stored before the preview, but the background's own note of its last decision. */
  let before: Record<string, unknown>;

  const storedButDecision = async () => {
    const { [MAIN_KEYS.lastDecision]: _decision, ...rest } = await ext.storageGet();
    return rest;
  };

  beforeAll(async () => {
    fake = await startFakeCobalt({ flavor: "v3" });
    seedDemoOrg(fake);
    ext = await launchExtension();
    // An hour between checks: nothing but the test's own alarm checks while it runs.
    const options = await ext.openPage(ext.optionsPath);
    await options.fillLabelled("API key", KEY);
    await options.fillLabelled("API base URL", fake.origin);
    await options.fillLabelled("Linked account IDs", "acme-corp globex initech");
    await options.fillLabelled("Check every (minutes)", "60");
    await options.clickByRole("button", "Save");
    await options.waitForText("3 apps need re-authentication", { timeoutMs: 30_000 });
    await options.close();
    await ext.waitForBadge((b) => b.text === "3");
    before = await storedButDecision();
    expect(before[MAIN_KEYS.progress] ?? null).toBeNull();
  });

  afterAll(async () => {
    await ext?.close();
    await fake?.close();
  });

  it("while the sample data is on, neither the popup, nor Refresh, nor the alarm asks anything of anyone", async () => {
    const options = await ext.openPage(ext.optionsPath);
    // The page checks the key as it opens (before the preview): let that be over first.
    await options.waitForText("Key accepted");
    fake.clearRequests();
    ext.clearRequests();
    await showSampleData(ext, options);
    await options.close();
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText(POPUP_BANNER);
    // The popup's opening asks the background for a check: it declines, and says why.
    await waitForDecision(ext, (d) => d.trigger === "open" && d.reason === "sample data preview");
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("Last checked");
    await popup.clickByRole("button", "Reconnect Shopify");
    await popup.waitForText("nothing was opened");
    await popup.close();
    const tick = await fireCheckAlarm(ext);
    expect(tick).toMatchObject({ run: false, reason: "sample data preview" });
    expect(fake.requests.map((r) => r.path)).toEqual([]);
    expect(requestsOf(ext)).toEqual([]);
    // The alarm is still there, at the user's interval, for when the preview ends.
    const alarm = await ext.evalInBackground<{ periodInMinutes?: number } | undefined>(`(globalThis.browser ?? chrome).alarms.get("check.main")`);
    expect(alarm?.periodInMinutes).toBe(60);
  });

  it("kept the user's settings and results as they were, under the sample data", async () => {
    const { preview, ...rest } = await storedButDecision();
    expect(preview).toMatchObject({ startedAt: expect.any(Number) });
    expect(rest).toEqual(before);
  });

  it("leaving brings back the user's own settings and last results, unchanged, and checks resume", async () => {
    const options = await ext.openPage(ext.optionsPath);
    await options.waitForText(OPTIONS_BANNER);
    await options.clickByRole("button", "Leave the preview");
    await options.waitForText("No Cobalt account at hand");
    expect(await options.valueOfLabelled("API key")).toBe(KEY);
    expect(await options.valueOfLabelled("API base URL")).toBe(fake.origin);
    await options.close();
    const badge = await ext.waitForBadge((b) => b.text === "3");
    expect(badge.title).toMatch(/^Cobalt Integration Status: 3 apps need re-authentication across 2 linked accounts/);
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    expect(await popup.text()).not.toContain(POPUP_BANNER);
    expect(await popup.count("li.app")).toBe(3);
    await popup.close();
    expect(await storedButDecision()).toEqual(before);
    // The schedule checks again: the alarm's tick reaches the user's own server.
    fake.clearRequests();
    const tick = await fireCheckAlarm(ext);
    expect(tick.run).toBe(true);
    await expect.poll(() => fake.requests.filter((r) => r.path === "/api/v2/public/application").length, { timeout: 15_000 }).toBeGreaterThan(0);
  });
});

for (const scheme of ["light", "dark"] as const) {
  describe(`the sample data's pages are accessible in ${browserUnderTest()}, ${scheme} colour scheme`, () => {
    let ext: ExtensionSession;

    beforeAll(async () => {
      ext = await launchExtension({ colorScheme: scheme, recordRequests: false });
    });

    afterAll(async () => {
      await ext?.close();
    });

    it("the options page's offer, the banners, the locked form and a row's explanation", async () => {
      const options = await ext.openPage(ext.optionsPath);
      await options.waitForText("No Cobalt account at hand");
      await expectNoViolations(options, scheme);
      await showSampleData(ext, options);
      await options.waitForText("Connected (test environment)");
      await expectNoViolations(options, scheme);
      const popup = await ext.openPage(ext.popupPath);
      await popup.waitForText(POPUP_BANNER);
      await popup.clickByRole("button", "Copy link to reconnect NetSuite");
      await popup.waitForText("nothing was copied");
      await expectNoViolations(popup, scheme);
      await popup.close();
      await options.close();
    });
  });
}
