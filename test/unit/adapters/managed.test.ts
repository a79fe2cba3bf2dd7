import { afterEach, describe, expect, it, vi } from "vitest";
import { installApi, type Browser } from "../../../src/adapters/browser.ts";
import { MANAGED_ANSWER_MS, readManaged } from "../../../src/adapters/managed.ts";

/*
 * The organisation's policy as the browser gives it, including a browser that never answers: a
 * restarted Chromium service worker sometimes waits for ever on storage.managed, and the
 * background's start must not wait with it.
 */

function withManaged(get: () => Promise<unknown>): void {
  installApi({ storage: { managed: { get } } } as unknown as Browser.Browser);
}

afterEach(() => vi.useRealTimers());

describe("reading the managed storage", () => {
  it("gives the values the policy sets", async () => {
    withManaged(async () => ({ allowApiKeySources: false }));
    expect(await readManaged()).toEqual({ state: "set", values: { allowApiKeySources: false } });
  });

  it("no values, or Firefox's missing manifest, is no policy", async () => {
    withManaged(async () => ({}));
    expect(await readManaged()).toEqual({ state: "none" });
    withManaged(() => Promise.reject(new Error("Managed storage manifest not found")));
    expect(await readManaged()).toEqual({ state: "none" });
  });

  it("another failure is a policy that cannot be read", async () => {
    withManaged(() => Promise.reject(new Error("Storage is broken")));
    expect(await readManaged()).toEqual({ state: "unreadable" });
  });

  it("no answer in time is a policy that cannot be read, not a wait for ever", async () => {
    vi.useFakeTimers();
    withManaged(() => new Promise(() => undefined));
    const read = readManaged();
    await vi.advanceTimersByTimeAsync(MANAGED_ANSWER_MS - 1);
    let settled = false;
    void read.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await read).toEqual({ state: "unreadable" });
  });
});
