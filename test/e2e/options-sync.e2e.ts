import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, DEFAULT_TIMEOUT_MS, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { configureThroughOptions } from "./support/setup.ts";
import { storedSource } from "./support/stored.ts";

// Two options tabs on one stored settings object: an untouched form follows what the other tab
// saves; a form with edits keeps them and says the saved settings changed.

const KEY = "tk_demo_key";
const NOTICE = "The saved settings were changed elsewhere";
let fake: FakeCobalt;
let ext: ExtensionSession;
let first: ExtPage;
let second: ExtPage;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension();
  await configureThroughOptions(ext, fake, { key: KEY, ids: "acme-corp globex initech", expect: "3 apps need re-authentication" });
  first = await ext.openPage(ext.optionsPath);
  second = await ext.openPage(ext.optionsPath);
  await second.waitForText("Saved key:");
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

async function waitForValue(page: ExtPage, label: string, value: string): Promise<void> {
  const deadline = Date.now() + DEFAULT_TIMEOUT_MS;
  let last = await page.valueOfLabelled(label);
  while (last !== value) {
    if (Date.now() > deadline) throw new Error(`"${label}" still holds ${JSON.stringify(last)}, expected ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await page.valueOfLabelled(label);
  }
}

async function saveIn(page: ExtPage): Promise<void> {
  await page.clickByRole("button", "Save");
  await page.waitForText("Saved.");
}

describe(`two options tabs in ${browserUnderTest()}`, () => {
  it("an untouched tab follows what the other tab saves", async () => {
    await first.fillLabelled("Check every (minutes)", "9");
    await saveIn(first);
    await waitForValue(second, "Check every (minutes)", "9");
    expect(await second.text()).not.toContain(NOTICE);
  });

  it("a tab with edits keeps them, says the saved settings changed, and loads them when asked", async () => {
    await second.fillLabelled("Linked account IDs", "acme-corp");
    await first.fillLabelled("Requests per minute", "60");
    await saveIn(first);
    await second.waitForText(NOTICE);
    expect(await second.valueOfLabelled("Linked account IDs")).toBe("acme-corp");
    expect(await second.valueOfLabelled("Requests per minute")).toBe("120");
    await second.clickByRole("button", "Load the saved settings");
    await waitForValue(second, "Requests per minute", "60");
    expect(await second.valueOfLabelled("Linked account IDs")).toBe("acme-corp\nglobex\ninitech");
    await second.waitForNoText(NOTICE);
  });

  it("saving the edits instead replaces the saved settings, and the untouched tab follows", async () => {
    await second.fillLabelled("Linked account IDs", "acme-corp");
    await first.fillLabelled("Check every (minutes)", "12");
    await saveIn(first);
    await second.waitForText(NOTICE);
    await saveIn(second);
    await second.waitForNoText(NOTICE);
    // The user chose their edits over the other tab's, knowingly: all of this tab's form is saved.
    const settings = await storedSource(ext);
    expect(settings.linkedAccountIds).toEqual(["acme-corp"]);
    expect(settings.intervalMinutes).toBe(9);
    await waitForValue(first, "Linked account IDs", "acme-corp");
    await waitForValue(first, "Check every (minutes)", "9");
    expect(await first.text()).not.toContain(NOTICE);
  });
});
