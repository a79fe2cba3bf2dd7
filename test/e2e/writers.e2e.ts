import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { lockName } from "../../src/adapters/locks.ts";
import { browserUnderTest, launchExtension, type ExtensionSession } from "./support/browsers.ts";
import { configureThroughOptions, inExtensionPage } from "./support/setup.ts";

// Records that several writers read, change and write back, written at the same moment in the
// real browser: two Copy link clicks close together, two reconnect tabs closed at once, a mute in
// the popup while the background prunes the mutes. Every change lands.

const KEY = "tk_demo_key";
let fake: FakeCobalt;
let ext: ExtensionSession;

interface StoredFollowUp {
  accountId: string;
  slug: string;
  kind: string;
  tabId?: number;
  due: number[];
}

/**
 * Holds a record's lock from another extension page, as a writer that is slow to finish would:
 * the writers the test starts meanwhile queue behind it, which the browser's lock manager shows.
 */
async function holdLock(record: string): Promise<{ waitForPending(count: number): Promise<void>; release(): Promise<void> }> {
  const page = await ext.openPage("manifest.json");
  const name = JSON.stringify(lockName(record));
  await page.evaluate(`new Promise((held) => navigator.locks.request(${name}, () => { held(); return new Promise((release) => (globalThis.release = release)); }))`);
  return {
    waitForPending: (count) =>
      expect.poll(() => page.evaluate<number>(`navigator.locks.query().then((state) => state.pending.filter((lock) => lock.name === ${name}).length)`), { timeout: 10_000 }).toBe(count),
    release: async () => {
      await page.evaluate(`globalThis.release()`);
      await page.close();
    },
  };
}

const followUps = async () => ((await ext.storageGet("followups")).followups ?? []) as StoredFollowUp[];

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension();
  await configureThroughOptions(ext, fake, { key: KEY, ids: "acme-corp globex initech", expect: "3 apps need re-authentication" });
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

describe(`writers at the same moment, in ${browserUnderTest()}`, () => {
  it("two Copy link clicks close together each start their follow-up", async () => {
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Salesforce");
    // Another page holds the follow-ups' lock while both clicks report their copy: the two writes
    // must wait for it, and for each other.
    const holder = await holdLock("followups");
    await popup.clickByRole("button", "Copy link to reconnect Copper");
    await popup.clickByRole("button", "Copy link to reconnect Salesforce");
    await holder.waitForPending(2);
    await holder.release();
    await expect.poll(async () => (await followUps()).map((f) => f.slug).sort(), { timeout: 10_000 }).toEqual(["copper", "salesforce"]);
    await popup.close();
  });

  it("two reconnect tabs closed at once: both lose their tab and are re-checked", async () => {
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    for (const app of ["Hubspot", "Salesforce"]) {
      const opened = ext.waitForTab((url) => url.includes(`/oauth/authorize/${app.toLowerCase()}`) || url.includes("/connect/"));
      await popup.clickByRole("button", `Reconnect ${app}`);
      await opened;
    }
    const tabs = (await followUps()).filter((f) => f.kind === "reconnect").map((f) => f.tabId);
    expect(tabs).toHaveLength(2);
    fake.clearRequests();
    await inExtensionPage(ext, `(globalThis.browser ?? chrome).tabs.remove(${JSON.stringify(tabs)})`);
    await expect.poll(async () => (await followUps()).filter((f) => f.tabId !== undefined).map((f) => f.slug), { timeout: 10_000 }).toEqual([]);
    // Each closed tab asked for its account's re-check now.
    await expect.poll(() => new Set(fake.requests.filter((r) => r.path === "/api/v2/public/application").map((r) => r.linkedAccountId)), { timeout: 15_000 }).toEqual(new Set(["acme-corp", "globex"]));
    await popup.close();
  });

  it("a mute in the popup while the background prunes the mutes: both land, one after the other", async () => {
    // An ended mute the background's prune removes (the mute alarm), and a new one from the popup.
    await ext.storageSet({ mutes: [{ sourceId: "main", accountId: "globex", slug: "salesforce", at: 1, until: 2 }] });
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Copper");
    // Another page holds the mutes' lock while both writers start: they must wait for it, and each other.
    const holder = await holdLock("mutes");
    await ext.evalInBackground(`(globalThis.browser ?? chrome).alarms.create("mutes", { when: Date.now() })`);
    await popup.clickByRole("button", "Mute Copper");
    await popup.clickByRole("button", "1 day", { within: "Mute Copper for" });
    await holder.waitForPending(2);
    await holder.release();
    await expect
      .poll(async () => (((await ext.storageGet("mutes")).mutes ?? []) as { slug?: string }[]).map((m) => m.slug), { timeout: 10_000 })
      .toEqual(["copper"]);
    await popup.close();
  });
});
