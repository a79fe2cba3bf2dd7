import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { axeViolations, describeViolations } from "./support/axe.ts";
import { browserUnderTest, launchExtension, type ExtensionSession } from "./support/browsers.ts";
import { configureThroughOptions } from "./support/setup.ts";
import { MAIN_KEYS } from "./support/stored.ts";

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
});
