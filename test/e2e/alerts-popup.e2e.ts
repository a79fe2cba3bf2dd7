import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, v3App, type FakeCobalt } from "../fake-cobalt/server.ts";
import { axeViolations, describeViolations } from "./support/axe.ts";
import { browserUnderTest, defaultExtensionDir, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { screenshotPath } from "./support/screenshots.ts";
import { checkNow, configureThroughOptions, inExtensionPage, setBroken } from "./support/setup.ts";
import { encodedResults, storedResults } from "./support/stored.ts";

// The alerts in the popup, in the real browser: since when each app is broken (kept over a browser
// restart), oldest first; Mute (an app or a whole linked account, from the keyboard too) takes it
// off the badge and into a Muted section, over a restart; the follow-up after Reconnect or Copy
// link, in a background the browser stopped; Copy summary; the keyboard shortcut.

const KEY = "tk_demo_key";
const HOUR = 3_600_000;
const profile = mkdtempSync(join(tmpdir(), "cobalt-alerts-popup-"));
let fake: FakeCobalt;
let ext: ExtensionSession;
let popup: ExtPage;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension({ userDataDir: profile });
  await configureThroughOptions(ext, fake, { key: KEY, ids: "acme-corp globex initech", expect: "3 apps need re-authentication" });
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});



/** The since-when line of an app's row: its text and its tooltip. */
async function sinceOf(page: ExtPage, app: string): Promise<{ text: string; title: string } | null> {
  return page.evaluate(`(() => {
    const row = [...document.querySelectorAll(".groups li.app")].find((li) => li.querySelector(".app-name")?.textContent === ${JSON.stringify(app)});
    const since = row?.querySelector(".since");
    return since ? { text: since.textContent, title: since.getAttribute("title") } : null;
  })()`);
}

async function appOrder(page: ExtPage): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll(".groups li.app .app-name")].map((n) => n.textContent)`);
}

/** Presses a key in the page, as the keyboard does. */
async function press(page: ExtPage, key: "Enter" | "Escape" | "Tab"): Promise<void> {
  if (page.raw.kind === "playwright") await page.raw.page.keyboard.press(key);
  else await page.raw.page.keyboard.press(key);
}

async function focusedName(page: ExtPage): Promise<string> {
  return page.evaluate(`(() => { const el = document.activeElement; return (el?.getAttribute("aria-label") || el?.textContent || "").trim(); })()`);
}

async function restartBrowser(): Promise<void> {
  await ext.close();
  ext = await launchExtension({ userDataDir: profile });
}

describe(`alerts in the popup, ${browserUnderTest()}`, () => {
  it("says since when each app needs re-authentication, with the full moment in its tooltip, oldest first", async () => {
    setBroken(fake, "acme-corp", "slack", true);
    await checkNow(ext);
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Slack");
    const hubspot = await sinceOf(popup, "Hubspot");
    expect(hubspot?.text).toMatch(/^broken for \d+ minutes?$/);
    expect(hubspot?.title).toMatch(/^Needs re-authentication since .+, \d/);
    expect((await sinceOf(popup, "Slack"))?.text).toBe("broken for 1 minute");
    // Slack comes first in Cobalt's answer, but broke last: it is listed after Acme's older breaks.
    expect(await appOrder(popup)).toEqual(["Hubspot", "Copper", "Slack", "Salesforce"]);
    await popup.close();
  });

  it("keeps since-when over a browser restart", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    const before = await sinceOf(popup, "Hubspot");
    await popup.close();
    await restartBrowser();
    await ext.waitForBadge((b) => b.text === "4");
    await checkNow(ext);
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    expect((await sinceOf(popup, "Hubspot"))?.title).toBe(before?.title);
    await popup.close();
  });

  it("Mute takes an app off the badge, into a Muted section with its time left, and it stays muted over a restart", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Salesforce");
    // The badge must follow from a background the browser had stopped: the change wakes it.
    await ext.stopBackground();
    await popup.clickByRole("button", "Mute Salesforce");
    await popup.clickByRole("button", "1 day", { within: "Mute Salesforce for" });
    await ext.waitForBadge((b) => b.text === "3");
    expect((await ext.badge()).title).toContain("1 muted app is not counted.");
    await popup.waitForText("Muted (1)");
    await popup.click("details.muted-apps summary");
    await popup.waitForText("24 hours left");
    expect(await popup.text("details.muted-apps")).toContain("Salesforce");
    expect(await popup.count(".groups li.app")).toBe(3);
    await popup.close();
    await restartBrowser();
    await ext.waitForBadge((b) => b.text === "3");
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Muted (1)");
    await popup.close();
  });

  it("mutes a whole linked account until fixed from the keyboard; Escape closes the choices", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Copper");
    await popup.evaluate(`document.querySelector('button[aria-label="Mute Copper"]').focus()`);
    await press(popup, "Enter");
    await expect.poll(() => focusedName(popup)).toBe("1 hour");
    expect(describeViolations(await axeViolations(popup))).toEqual([]);
    await press(popup, "Escape");
    await expect.poll(() => focusedName(popup)).toBe("Mute Copper");
    expect(await popup.count(".mute-menu")).toBe(0);
    await press(popup, "Enter");
    await expect.poll(() => focusedName(popup)).toBe("1 hour");
    // Past this app's four choices to the account's "Until fixed".
    for (let i = 0; i < 7; i++) await press(popup, "Tab");
    expect(await focusedName(popup)).toBe("Until fixed");
    await press(popup, "Enter");
    // Acme's three apps leave the count; the focus goes where they went.
    await ext.waitForBadge((b) => b.text === "");
    await popup.waitForText("Muted (4)");
    await expect.poll(() => focusedName(popup)).toBe("Muted (4)");
    await press(popup, "Enter");
    await popup.waitForText("until fixed · whole linked account");
    expect(describeViolations(await axeViolations(popup))).toEqual([]);
    // Unmute from the keyboard too: the account's mute ends for all its apps.
    await popup.evaluate(`document.querySelector('details.muted-apps button[aria-label^="Unmute Acme"], details.muted-apps button[aria-label^="Unmute acme"]').focus()`);
    await press(popup, "Enter");
    await ext.waitForBadge((b) => b.text === "3");
    await popup.waitForText("Muted (1)");
    await popup.close();
  });

  it("after Reconnect, a background stopped meanwhile re-checks when the tab closes, and the row says the app was reconnected", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    const opened = ext.waitForTab((url) => url.includes("/oauth/authorize/hubspot"));
    await popup.clickByRole("button", "Reconnect Hubspot");
    await opened;
    await popup.waitForText("Checking again over the next minutes");
    const { followups } = (await ext.storageGet("followups")) as { followups: { slug: string; tabId?: number }[] };
    const tabId = followups.find((f) => f.slug === "hubspot")!.tabId!;
    // The customer fixes it in the tab, and closes it; by then the browser had stopped the background.
    const acme = fake.accounts().find((a) => a.account_id === "acme-corp")!;
    fake.setAccount({ ...acme, apps: acme.apps.map((app) => (app.slug === "hubspot" ? v3App("hubspot", { status: "active", icon: fake.iconUrl("hubspot") }) : app)) });
    await ext.stopBackground();
    fake.clearRequests();
    await inExtensionPage(ext, `(globalThis.browser ?? chrome).tabs.remove(${tabId})`);
    await popup.waitForText(/Reconnected at \d/, { timeoutMs: 15_000 });
    await ext.waitForBadge((b) => b.text === "2");
    // One re-check of that linked account, nothing more.
    expect(fake.requests.filter((r) => r.path === "/api/v2/public/application").map((r) => r.linkedAccountId)).toEqual(["acme-corp"]);
    expect(await popup.text(".fixed-apps")).toContain("Hubspot");
    await popup.close();
  });

  it("after Copy link, the last follow-up that still finds the app broken says so", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Copper");
    await popup.clickByRole("button", "Copy link to reconnect Copper");
    await popup.waitForText("Checking again over the next minutes");
    // Its re-checks are minutes away: bring the last one forward, stop the background, and let the real alarm fire.
    const { followups } = (await ext.storageGet("followups")) as { followups: { slug: string; kind: string; due: number[] }[] };
    expect(followups.find((f) => f.slug === "copper")).toMatchObject({ kind: "copy", due: [expect.any(Number), expect.any(Number), expect.any(Number), expect.any(Number)] });
    await ext.storageSet({ followups: followups.map((f) => (f.slug === "copper" ? { ...f, due: [Date.now() - 1] } : f)) });
    await ext.stopBackground();
    await inExtensionPage(ext, `(globalThis.browser ?? chrome).alarms.create("followups", { when: Date.now() + 50 })`);
    await popup.waitForText(/Still needs re-authentication \(checked at \d/, { timeoutMs: 15_000 });
    await popup.close();
  });

  it("Copy summary puts the list on the clipboard, grouped by linked account, muted apps marked", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Copper");
    await popup.clickByRole("button", "Copy summary");
    await popup.waitForText("Summary copied");
    const text = await ext.readClipboard(popup);
    expect(text).toMatch(/^3 apps need re-authentication in 2 linked accounts \(1 muted\)\n\nLinked account acme-corp:\n- Copper \(since .+\)\n- Slack \(since .+\)\n\nLinked account globex:\n- Salesforce \(since .+; muted\)$/);
    await popup.close();
  });

  it("a timed mute ends by itself: the alarm at its end wakes a stopped background, and the app counts again", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Slack");
    await popup.clickByRole("button", "Mute Slack");
    await popup.clickByRole("button", "1 hour", { within: "Mute Slack for" });
    await ext.waitForBadge((b) => b.text === "1");
    await popup.close();
    // The hour is over in a few seconds: its end moved forward in storage, as time would.
    const { mutes } = (await ext.storageGet("mutes")) as { mutes: { slug?: string; until?: number }[] };
    const until = Date.now() + 3000;
    await ext.storageSet({ mutes: mutes.map((m) => (m.slug === "slack" ? { ...m, until } : m)) });
    await expect.poll(() => inExtensionPage<{ scheduledTime: number } | undefined>(ext, `(globalThis.browser ?? chrome).alarms.get("mutes")`).then((a) => a?.scheduledTime)).toBe(until);
    await ext.stopBackground();
    await ext.waitForBadge((b) => b.text === "2", 15_000);
    expect(((await ext.storageGet("mutes")) as { mutes: { slug?: string }[] }).mutes.map((m) => m.slug)).toEqual(["salesforce"]);
  });

  it("a mute alarm that fires early is set again for the mute's end, which then counts the app again", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Slack");
    await popup.clickByRole("button", "Mute Slack");
    await popup.clickByRole("button", "1 hour", { within: "Mute Slack for" });
    await ext.waitForBadge((b) => b.text === "1");
    await popup.close();
    const { mutes } = (await ext.storageGet("mutes")) as { mutes: { slug?: string; until?: number }[] };
    const until = Date.now() + 5000;
    await ext.storageSet({ mutes: mutes.map((m) => (m.slug === "slack" ? { ...m, until } : m)) });
    const alarmAt = () => inExtensionPage<{ scheduledTime: number } | undefined>(ext, `(globalThis.browser ?? chrome).alarms.get("mutes")`).then((a) => a?.scheduledTime);
    await expect.poll(alarmAt).toBe(until);
    // The browser wakes the alarm before its time: no mute has ended yet.
    await inExtensionPage(ext, `(globalThis.browser ?? chrome).alarms.create("mutes", { when: Date.now() + 50 })`);
    await expect.poll(alarmAt, { timeout: 10_000 }).toBe(until);
    expect((await ext.badge()).text).toBe("1");
    await ext.stopBackground();
    await ext.waitForBadge((b) => b.text === "2", 15_000);
  });

  it("the open Healthy section follows a check that fixes an app", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Slack");
    await popup.click(".source details.healthy summary, details.healthy summary");
    await popup.waitForText("Twilio", { selector: "details.healthy" });
    expect(await popup.text("details.healthy")).not.toContain("Slack");
    setBroken(fake, "acme-corp", "slack", false);
    await checkNow(ext);
    await popup.waitForText("Slack", { selector: "details.healthy", timeoutMs: 15_000 });
    await popup.close();
    setBroken(fake, "acme-corp", "slack", true);
    await checkNow(ext);
  });

  // The README's picture is Chromium's, like docs/popup.png (journey.e2e.ts).
  if (browserUnderTest() === "chromium") {
    it("pictures the popup for the README: since when, a reconnected app, the Muted section", async () => {
      // Breaks of different ages, as weeks of use leave them: the stored results with earlier since-when.
      const { status, healthy } = await storedResults(ext);
      const ages: Record<string, number> = { copper: 26 * HOUR, slack: 3 * HOUR, salesforce: 50 * HOUR };
      const aged = { ...status, accounts: status.accounts.map((a) => ({ ...a, reauth: a.reauth.map((app) => ({ ...app, since: Date.now() - (ages[app.slug] ?? 0) })) })) };
      await ext.storageSet(encodedResults(aged, healthy));
      popup = await ext.openPage(ext.popupPath);
      await popup.waitForText("broken for 26 hours");
      await popup.click("details.muted-apps summary");
      await popup.waitForText("hours left");
      const height = await popup.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
      await popup.screenshot(screenshotPath("docs", "popup-alerts.png"), { width: 400, height });
      await popup.close();
    });
  }

  it("declares its keyboard shortcut, which the browser takes", async () => {
    const built = JSON.parse(readFileSync(join(defaultExtensionDir(browserUnderTest()), "manifest.json"), "utf8")) as { commands?: Record<string, { suggested_key?: { default?: string } }> };
    expect(built.commands?._execute_action?.suggested_key?.default).toBe("Alt+Shift+K");
    const commands = await ext.evalInBackground<{ name?: string; shortcut?: string }[]>(`(globalThis.browser ?? chrome).commands.getAll()`);
    // A browser leaves a suggested key unassigned when it uses it itself: it must have taken this one.
    expect(commands.find((c) => c.name === "_execute_action")?.shortcut).toBe("Alt+Shift+K");
  });
});
