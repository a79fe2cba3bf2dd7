import { afterEach, describe, expect, it, vi } from "vitest";
import { newRelaySource, newSource, type Settings } from "../../../src/core/settings/model.ts";
import { serializeSettings } from "../../../src/core/settings/parse.ts";
import type { Browser } from "../../../src/adapters/browser.ts";
import { fakeStorage, sharedLocks } from "../support/storage.ts";

/*
 * The check alarms follow the settings stored, whoever asks and however close together: a plan
 * made from settings read before a change must never clear the alarm the change's own plan made.
 */

type Alarm = { name: string; periodInMinutes?: number };

/** The alarms API, each call answered in a later task, `getAll` after `readDelays` (in turn) ms. */
function fakeAlarms(readDelays: number[]): { alarms: object; all: Map<string, Alarm> } {
  const all = new Map<string, Alarm>();
  const later = <T>(value: () => T, ms = 0) => new Promise<T>((resolve) => setTimeout(() => resolve(value()), ms));
  const alarms = {
    getAll: () => later(() => [...all.values()], readDelays.shift() ?? 0),
    create: (name: string, info: { periodInMinutes?: number }) => later(() => void all.set(name, { name, periodInMinutes: info.periodInMinutes })),
    clear: (name: string) => later(() => all.delete(name)),
  };
  return { alarms, all };
}

const stored = (settings: Settings) => ({ settings: serializeSettings(settings) });

afterEach(() => vi.unstubAllGlobals());

describe("the check alarms", () => {
  it("a plan started before a settings change and one after it: the newer settings' alarms stand", async () => {
    vi.stubGlobal("navigator", { locks: sharedLocks().locks });
    vi.resetModules();
    const before: Settings = { sources: [newSource("main", { apiKey: "tk_a" })] };
    const after: Settings = { sources: [...before.sources, newRelaySource("r12345678", { relayUrl: "https://relay.example", token: "t", intervalMinutes: 2 })] };
    const storage = fakeStorage(stored(before));
    // The first plan's read of the alarms is slow: the second plan is made and done meanwhile.
    const { alarms, all } = fakeAlarms([50, 0]);
    const { installApi } = await import("../../../src/adapters/browser.ts");
    installApi({ ...storage.browser, alarms } as unknown as Browser.Browser);
    const { ensureCheckAlarms } = await import("../../../src/adapters/alarms.ts");
    const first = ensureCheckAlarms();
    await new Promise((resolve) => setTimeout(resolve, 10));
    Object.assign(storage.items, stored(after));
    await Promise.all([first, ensureCheckAlarms()]);
    expect([...all.values()].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "check.main", periodInMinutes: 5 },
      { name: "check.r12345678", periodInMinutes: 2 },
    ]);
  });
});
