import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { ALARM_NOW, configureThroughOptions, inExtensionPage, waitForDecision } from "./support/setup.ts";
import { parseStoredSettings } from "../../src/core/settings/parse.ts";
import { sourceKey } from "../../src/core/settings/fingerprint.ts";
import { type CobaltSource } from "../../src/core/settings/model.ts";
import { MAIN_KEYS, storedSource, storedStatus, storedWithStatus } from "./support/stored.ts";

// The background may be stopped at any moment, and the browser restarted: the extension comes
// back with its alarm, its settings and its last data, and is never stuck "checking".

const KEY = "tk_demo_key";
const IDS = "acme-corp globex initech";
const APPLICATIONS = "/api/v2/public/application";
let fake: FakeCobalt;
let other: FakeCobalt | undefined;
let ext: ExtensionSession | undefined;
const profile = mkdtempSync(join(tmpdir(), "cobalt-status-profile-"));

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
  await other?.close();
});

describe(`background lifecycle in ${browserUnderTest()}`, () => {
  it("recreates a missing alarm when the background starts", async () => {
    ext = await launchExtension({ userDataDir: profile });
    await configureThroughOptions(ext, fake, { key: KEY, ids: IDS, expect: "3 apps need re-authentication" });
    await ext.evalInBackground(`(globalThis.browser ?? chrome).alarms.clearAll()`);
    expect(await ext.evalInBackground(`(globalThis.browser ?? chrome).alarms.get("check.main")`)).toBeFalsy();
    // A reload of the extension restarts its background exactly as a browser start does.
    await ext.restartBackground!();
    const alarm = await waitFor(() => ext!.evalInBackground<{ periodInMinutes?: number } | undefined>(`(globalThis.browser ?? chrome).alarms.get("check.main")`));
    expect(alarm?.periodInMinutes).toBe(5);
  });

  it("a background stopped in the middle of a check is not left 'checking'", async () => {
    fake.fault({ path: "/api/v2/public/application" }, { kind: "hang" });
    const popup = await ext!.openPage(ext!.popupPath);
    await popup.waitForText("Hubspot");
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("Checking…");
    await popup.close();
    await ext!.restartBackground!();
    fake.clearFaults();
    const again = await ext!.openPage(ext!.popupPath);
    await again.waitForNoText("Checking…", { timeoutMs: 10_000 });
    await again.waitForText("Hubspot");
    expect((await ext!.storageGet(MAIN_KEYS.progress))[MAIN_KEYS.progress] ?? null).toBeNull();
    await again.close();
  });

  // The event that wakes a stopped background starts its check before the
  // background's start-up code runs; when that check decided not to run, the stopped check's
  // mark stayed, with "Checking…" and a disabled Refresh.
  it("a stopped background woken by the popup clears a stopped check's mark, though it decides not to check", async () => {
    await leaveACheckBehind();
    // The data is fresh: the check the popup asks for decides not to run.
    const opened = Date.now();
    const popup = await ext!.openPage(ext!.popupPath);
    expect(await waitForDecision(ext!, (d) => d.trigger === "open" && d.at >= opened)).toMatchObject({ run: false, reason: "fresh enough" });
    await popup.waitForNoText("Checking…");
    expect(await refreshButton(popup)).toEqual({ text: "Refresh", disabled: false });
    expect((await ext!.storageGet(MAIN_KEYS.progress))[MAIN_KEYS.progress] ?? null).toBeNull();
    await popup.close();
  });

  it("a stopped background woken by an alarm clears a stopped check's mark, though it decides not to check", async () => {
    fake.fault({ path: APPLICATIONS }, { kind: "status", status: 403, body: { message: "Role lacks access to applications" } });
    const popup = await ext!.openPage(ext!.popupPath);
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("Access refused");
    await popup.close();
    fake.clearFaults();
    // A Refresh checks despite the refused key; it is stopped mid-check.
    await leaveACheckBehind();
    const fired = Date.now();
    await inExtensionPage(ext!, ALARM_NOW);
    expect(await waitForDecision(ext!, (d) => d.trigger === "alarm" && d.at >= fired)).toMatchObject({ run: false, reason: "waiting for the user" });
    expect(await waitFor(async () => ((await ext!.storageGet(MAIN_KEYS.progress))[MAIN_KEYS.progress] ?? null) === null)).toBe(true);
    const again = await ext!.openPage(ext!.popupPath);
    await again.waitForNoText("Checking…");
    await again.clickByRole("button", "Refresh");
    await again.waitForNoText("Access refused");
    await ext!.waitForBadge((b) => b.text === "3");
    await again.close();
  });

  // A Retry-After waited out inside the check could outlive the background, and
  // with it the check's result and the Retry-After; the next alarm then asked too early.
  it("a background stopped while it waits out a Retry-After: the wait is kept, honoured, and the retry alarm continues", async () => {
    fake.fault({ path: APPLICATIONS }, { kind: "status", status: 429, headers: { "retry-after": "5" } });
    const clicked = Date.now();
    const popup = await ext!.openPage(ext!.popupPath);
    await popup.clickByRole("button", "Refresh");
    // Kept before the check waits; then the browser stops the background in the middle of the wait.
    const kept = await waitFor(async () => (await ext!.storageGet(MAIN_KEYS.pendingBackoff))[MAIN_KEYS.pendingBackoff] as { backoff: { notBefore: number; retryAfterUntil?: number } } | undefined);
    await popup.close();
    await ext!.stopBackground();
    fake.clearFaults();
    const stopped = Date.now();
    const { notBefore } = kept!.backoff;
    expect(kept!.backoff.retryAfterUntil).toBe(notBefore);
    const retry = await inExtensionPage<{ scheduledTime: number } | undefined>(ext!, `(globalThis.browser ?? chrome).alarms.get("retry.main")`);
    expect(retry?.scheduledTime).toBe(notBefore);
    // The schedule's own alarm wakes the background at once: it must not ask before the wait ends.
    await inExtensionPage(ext!, ALARM_NOW);
    // The retry alarm alone (no click, no harness) continues the work once the wait is over.
    const status = await waitFor(async () => {
      const s = await storedStatus(ext!);
      return s.checkedAt !== undefined && s.checkedAt > clicked && s.error === undefined ? s : undefined;
    }, 20_000);
    expect(status).toBeDefined();
    const asked = fake.requests.filter((r) => r.path === APPLICATIONS && r.at >= stopped);
    expect(asked.length).toBe(3);
    // Browsers may fire an alarm a moment early; a check the alarm started too soon would be seconds early.
    for (const request of asked) expect(request.at).toBeGreaterThanOrEqual(notBefore - 1_000);
    expect((await ext!.storageGet(MAIN_KEYS.pendingBackoff))[MAIN_KEYS.pendingBackoff]).toBeUndefined();
    await ext!.waitForBadge((b) => b.text === "3" && !/limiting/.test(b.title));
  }, 60_000);

  // Item 12: Save asks for access to a new address first; the grant's event reached the
  // background before the new settings were stored, and it checked with the old ones.
  it("Save with a new base URL checks once, with the new settings only", async () => {
    other = await startFakeCobalt({ flavor: "v3" });
    seedDemoOrg(other);
    if (ext!.browser === "firefox") {
      // Firefox lets a user take a host permission back: Save then asks for it again (granted
      // without a prompt in the test profile), and the grant fires permissions.onAdded. Chromium
      // grants manifest host permissions for good, and automation cannot answer its prompt.
      await ext!.evalInBackground(`browser.permissions.remove({ origins: ["http://localhost/*"] })`);
    }
    // Let any check under way end first: a Refresh waits for it, and its own answer comes when it is over.
    const popup = await ext!.openPage(ext!.popupPath);
    await popup.waitForText("Hubspot");
    await popup.clickByRole("button", "Refresh");
    await popup.waitForNoText("Checking…");
    await popup.close();
    fake.clearRequests();
    other.clearRequests();
    const options = await ext!.openPage(ext!.optionsPath);
    await options.fillLabelled("API base URL", other.altOrigin);
    await options.clickByRole("button", "Save");
    // Checked with the settings now stored, and no check running.
    const settled = await waitFor(async () => {
      const { items, status } = await storedWithStatus(ext!);
      const source = parseStoredSettings(items.settings).settings.sources[0] as CobaltSource;
      const current = source.baseUrl === other!.altOrigin && status.source === sourceKey(source);
      return current && status.checkedAt !== undefined && (items[MAIN_KEYS.progress] ?? null) === null;
    }, 30_000);
    expect(settled).toBe(true);
    await options.waitForText("3 apps need re-authentication");
    await options.close();
    expect(fake.requests.filter((r) => r.path === APPLICATIONS)).toEqual([]);
    expect(other.requests.filter((r) => r.path === APPLICATIONS).map((r) => r.linkedAccountId).sort()).toEqual(["acme-corp", "globex", "initech"]);
  });

  it("after a browser restart: same settings, last data on the badge, alarm in place", async () => {
    await ext!.close();
    ext = await launchExtension({ userDataDir: profile });
    const badge = await ext.waitForBadge((b) => b.text === "3");
    expect(badge.title).toContain("3 apps need re-authentication");
    expect((await storedSource(ext)).apiKey).toBe(KEY);
    const alarm = await waitFor(() => ext!.evalInBackground<{ periodInMinutes?: number } | undefined>(`(globalThis.browser ?? chrome).alarms.get("check.main")`));
    expect(alarm?.periodInMinutes).toBe(5);
  });
});

/** A Refresh whose check hangs, and the browser stops the background in the middle of it. */
async function leaveACheckBehind(): Promise<void> {
  fake.fault({ path: APPLICATIONS }, { kind: "hang" });
  const popup = await ext!.openPage(ext!.popupPath);
  await popup.waitForText("Hubspot");
  await popup.clickByRole("button", "Refresh");
  await popup.waitForText("Checking…");
  // The popup says "Checking…" from the click; the mark is the background's own write, a moment later.
  await waitFor(async () => ((await ext!.storageGet(MAIN_KEYS.progress))[MAIN_KEYS.progress] ?? null) !== null, 10_000);
  await popup.close();
  await ext!.stopBackground();
  fake.clearFaults();
  expect(await ext!.backgroundStatus()).toBe("stopped");
  expect((await ext!.storageGet(MAIN_KEYS.progress))[MAIN_KEYS.progress]).toMatchObject({ startedAt: expect.any(Number) });
}

async function refreshButton(popup: ExtPage): Promise<{ text: string; disabled: boolean }> {
  return popup.evaluate(() => {
    const button = document.querySelector<HTMLButtonElement>("header button")!;
    return { text: button.textContent ?? "", disabled: button.disabled };
  });
}

async function waitFor<T>(read: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
