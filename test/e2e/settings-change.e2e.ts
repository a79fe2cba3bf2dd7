import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { axeViolations, describeViolations } from "./support/axe.ts";
import { parseStoredSettings } from "../../src/core/settings/parse.ts";
import { sourceKey } from "../../src/core/settings/fingerprint.ts";
import { type CobaltSource, type Settings } from "../../src/core/settings/model.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { configureThroughOptions } from "./support/setup.ts";
import { MAIN_KEYS, storedStatus } from "./support/stored.ts";

// Settings change while Cobalt is slow: until the new settings are checked, the results on hand
// belong to the previous settings. They must not be offered as current (a reconnect link would be
// made with the new key for the old list), and the badge must not count them as current.

const KEY = "tk_demo_key";
const APPLICATIONS = "/api/v2/public/application";
let fake: FakeCobalt;
let ext: ExtensionSession;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension();
  await configureThroughOptions(ext, fake, { key: KEY, ids: "acme-corp globex", expect: "3 apps need re-authentication" });
  await ext.waitForBadge((b) => b.text === "3");
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

describe(`a settings change while Cobalt is slow, in ${browserUnderTest()}`, () => {
  it("shows the old list as the previous settings' with its actions off until the new check ends", async () => {
    // The newly watched account's first answer never comes: the new check ends on its timeout.
    fake.fault({ path: APPLICATIONS, linkedAccountId: "initech" }, { kind: "hang" }, 1);
    const options = await ext.openPage(ext.optionsPath);
    await options.fillLabelled("Linked account IDs", "acme-corp initech");
    await options.clickByRole("button", "Save");
    await options.waitForText("Saved.");

    const badge = await ext.waitForBadge((b) => b.text === "…");
    expect(badge.title).toContain("checking the new settings");
    expect(badge.title).not.toMatch(/\d+ apps? needs? re-authentication/);

    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("This list is from the previous settings");
    await popup.waitForText("Checking…");
    expect(await popup.count("li.app")).toBe(3);
    // Reconnect, Copy link and Mute of each row, all off.
    expect(await popup.count("button[data-action]")).toBe(9);
    expect(await popup.count("button[data-action]:not(:disabled)")).toBe(0);
    expect(await popup.text()).not.toMatch(/apps? needs? re-authentication across/);
    expect(describeViolations(await axeViolations(popup))).toEqual([]);
    // Still the state under test: the new check is waiting for Cobalt.
    expect(fake.requests.some((r) => r.path === APPLICATIONS && r.linkedAccountId === "initech")).toBe(true);
    expect((await ext.storageGet(MAIN_KEYS.progress))[MAIN_KEYS.progress]).not.toBeNull();

    // The new check ends: its results replace the previous ones, and the actions come back.
    await popup.waitForText("Could not check this linked account", { timeoutMs: 40_000 });
    await popup.waitForNoText("from the previous settings");
    await popup.waitForText("Last checked");
    expect(await popup.count("li.app")).toBe(2);
    expect(await popup.count("button[data-action]:not(:disabled)")).toBe(6);
    const after = await ext.waitForBadge((b) => b.text === "2");
    expect(after.title).toContain("1 linked account could not be checked");

    await popup.clickByRole("button", "Refresh");
    await popup.waitForNoText("Could not check this linked account");
    const settled = await ext.waitForBadge((b) => b.text === "2" && !b.title.includes("could not"));
    expect(settled.title).toContain("2 apps need re-authentication across 1 linked account");
    await popup.close();
    await options.close();
  }, 90_000);

  it("a new key rejected at its first check shows none of the old key's list as its own", async () => {
    const other = "tk_other_key_never_valid";
    fake.revokeKey(other);
    const options = await ext.openPage(ext.optionsPath);
    await options.fillLabelled("API key", other);
    await options.clickByRole("button", "Save");
    await options.waitForText("Saved.");
    await ext.waitForBadge((b) => b.text === "KEY");
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("API key rejected");
    // The old key's apps are not this key's: no rows, no "last good data" offered as its own.
    expect(await popup.count("li.app")).toBe(0);
    expect(await popup.count("button[data-action]")).toBe(0);
    expect(await popup.text()).not.toContain("Showing the last good data");
    await popup.close();
    await options.fillLabelled("API key", KEY);
    await options.clickByRole("button", "Save");
    await ext.waitForBadge((b) => b.text === "2" || b.text === "3");
    await options.close();
  }, 60_000);

  // Settings replaced in storage with no check asked for (by hand, by a test restoring a snapshot)
  // while a check of the settings before them waits on Cobalt. That check's results describe
  // settings no longer in effect: stored, they would stand for the current ones' (the badge stuck
  // on "checking the new settings") and nothing would check the current ones until the alarm.

  it("a check whose settings were replaced, with their results, before it ended leaves the replacing ones", async () => {
    const before = await ext.storageGet();
    const current = await storedStatus(ext);
    const popup = await holdCheckOf(withIds(before, ["globex"]));
    await ext.storageSet(before);
    await endHeldCheck(popup);
    expect((await storedStatus(ext)).source).toBe(current.source);
    const badge = await ext.waitForBadge((b) => b.text !== "…");
    expect(badge.title).not.toContain("checking the new settings");
    await popup.close();
  });

  it("a check whose settings were replaced before it ended checks the settings in effect for those waiting on it", async () => {
    const before = await ext.storageGet();
    const popup = await holdCheckOf(withIds(before, ["initech"]));
    const replacing = withIds(before, ["acme-corp"]);
    await ext.storageSet({ settings: { schemaVersion: 3, ...replacing } });
    // The popup's wait for a check: it joins the one held, and hears when it is over.
    await endHeldCheck(popup);
    expect((await storedStatus(ext)).source).toBe(sourceKey(replacing.sources[0] as CobaltSource));
    await ext.waitForBadge((b) => b.text === "2");
    await popup.close();
  });

  it("a Save while a check runs has the saved settings checked once, not once more after", async () => {
    const before = await ext.storageGet();
    const popup = await holdCheckOf(withIds(before, ["initech"]));
    // As a Save does: the settings stored, then a check of them asked for.
    await ext.storageSet({ settings: { schemaVersion: 3, ...withIds(before, ["globex"]) } });
    fake.clearRequests();
    // The held check finds its settings replaced and starts over with the saved ones: that is
    // the saved settings' check, and the Save's wait ends with it.
    await endHeldCheck(popup, "settings");
    expect(fake.requests.filter((r) => r.path === APPLICATIONS && r.linkedAccountId === "globex")).toHaveLength(1);
    await ext.waitForBadge((b) => b.text !== "…");
    await popup.close();
  });
});

let release: (() => void) | undefined;

/** The stored settings with the first source's linked account IDs replaced. */
function withIds(stored: Record<string, unknown>, ids: string[]): Settings {
  const { sources } = parseStoredSettings(stored.settings).settings;
  return { sources: [{ ...(sources[0] as CobaltSource), linkedAccountIds: ids }, ...sources.slice(1)] };
}

/** Stores `settings` (no check asked for), opens the popup, whose opening checks them, and holds
 * that check at its first request to Cobalt. */
async function holdCheckOf(settings: Settings): Promise<ExtPage> {
  const held = new Promise<void>((resolve) => (release = resolve));
  const stop = fake.fault({ path: APPLICATIONS }, { kind: "hold", until: held });
  fake.clearRequests();
  await ext.storageSet({ settings: { schemaVersion: 3, ...settings } });
  const popup = await ext.openPage(ext.popupPath);
  const first = (settings.sources[0] as CobaltSource).linkedAccountIds[0];
  await expect.poll(() => fake.requests.some((r) => r.path === APPLICATIONS && r.linkedAccountId === first), { timeout: 10_000 }).toBe(true);
  stop();
  return popup;
}

/**
 * Lets the held check go on, and resolves when it (and whatever it leads to) is over. The check
 * is asked for from the popup, as its opening ("open": it joins the check held) or a Save
 * ("settings": it queues behind it) does.
 */
async function endHeldCheck(popup: ExtPage, trigger: "open" | "settings" = "open"): Promise<void> {
  // The background handles messages in the order sent and answers an unknown one at once, so
  // that answer says the first message has reached the check before the hold is let go.
  await popup.evaluate(`(async () => {
    const api = globalThis.browser ?? chrome;
    globalThis.joined = api.runtime.sendMessage({ type: "check", trigger: ${JSON.stringify(trigger)}, source: "main" });
    await api.runtime.sendMessage({ type: "ping" });
  })()`);
  release?.();
  expect(await popup.evaluate("globalThis.joined")).toEqual({ ok: true });
}
