import { afterEach, describe, expect, it, vi } from "vitest";
import type { Mute } from "../../../src/core/alerts/mutes.ts";
import { startFollowUp, type FollowedApp } from "../../../src/core/alerts/followups.ts";
import { newSource, type Settings } from "../../../src/core/settings/model.ts";
import { serializeSettings } from "../../../src/core/settings/parse.ts";
import { fakeStorage, sharedLocks } from "../support/storage.ts";

/*
 * The records several writers read, change and write back (mutes, follow-ups, settings), written
 * at the same moment by writers in different pages and the background: every change lands. Each
 * "context" is its own instance of the adapters, as each page and the background has its own.
 */

type Adapters = typeof import("../../../src/adapters/alerts-store.ts") & typeof import("../../../src/adapters/storage.ts");

/** A page or the background: its own copy of the adapters, on the shared storage. */
async function context(browser: Parameters<typeof import("../../../src/adapters/browser.ts").installApi>[0]): Promise<Adapters> {
  vi.resetModules();
  (await import("../../../src/adapters/browser.ts")).installApi(browser);
  return { ...(await import("../../../src/adapters/alerts-store.ts")), ...(await import("../../../src/adapters/storage.ts")) };
}

const mute = (accountId: string, until: number): Mute => ({ sourceId: "main", accountId, at: 0, until });
const app = (accountId: string): FollowedApp => ({ sourceId: "main", accountId, slug: "hubspot", name: "HubSpot" });

afterEach(() => vi.unstubAllGlobals());

describe("writers of one record at the same moment, in the pages and the background", () => {
  it("a popup's mute during the background's prune: both land", async () => {
    vi.stubGlobal("navigator", { locks: sharedLocks().locks });
    const storage = fakeStorage({ mutes: [mute("expired", 1), mute("kept", 9e15)] });
    const [popup, background] = [await context(storage.browser), await context(storage.browser)];
    await Promise.all([
      popup.updateMutes((list) => [...list, mute("new", 9e15)]),
      background.updateMutes((list) => list.filter((m) => m.until! > 2)),
    ]);
    expect((storage.items.mutes as Mute[]).map((m) => m.accountId)).toEqual(["kept", "new"]);
  });

  it("Copy link clicks close together each keep their follow-up", async () => {
    vi.stubGlobal("navigator", { locks: sharedLocks().locks });
    const storage = fakeStorage();
    const background = await context(storage.browser);
    await Promise.all(["a", "b", "c"].map((id) => background.updateFollowUps((list) => startFollowUp(list, app(id), "copy", 0))));
    expect((await background.loadFollowUps()).map((f) => f.accountId)).toEqual(["a", "b", "c"]);
  });

  it("two options tabs: a Save of one source and the notifications switch of another both land", async () => {
    vi.stubGlobal("navigator", { locks: sharedLocks().locks });
    const settings: Settings = { sources: [newSource("main", { apiKey: "tk_a" }), newSource("s12345678", { apiKey: "tk_b" })] };
    const storage = fakeStorage({ settings: serializeSettings(settings) });
    const [first, second, third] = [await context(storage.browser), await context(storage.browser), await context(storage.browser)];
    await Promise.all([
      first.saveSource(newSource("main", { apiKey: "tk_a2" })),
      second.saveNotificationsPreference(true),
      third.saveSource(newSource("s12345678", { apiKey: "tk_b2" })),
    ]);
    const stored = await first.loadSettings();
    expect(stored.notifications).toBe(true);
    expect(stored.sources.map((source) => (source.kind === "cobalt" ? source.apiKey : ""))).toEqual(["tk_a2", "tk_b2"]);
  });

  it("without the Web Locks API, the writers of one page still take turns", async () => {
    const storage = fakeStorage({ mutes: [] });
    const popup = await context(storage.browser);
    await Promise.all(["a", "b", "c"].map((id) => popup.updateMutes((list) => [...list, mute(id, 9e15)])));
    expect((storage.items.mutes as Mute[]).map((m) => m.accountId)).toEqual(["a", "b", "c"]);
  });
});
