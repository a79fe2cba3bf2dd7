import { describe, expect, it } from "vitest";
import { COALESCE_MS, RECHECK_GAP_MS, USER_WAIT_MS, fullCheckDueIn, recheckDue } from "../../../../../src/relay/server/check/schedule.ts";
import { makeSettings, makeStatus } from "../../../support/fixtures.ts";

const T = 1_790_000_000_000;
const settings = makeSettings({ intervalMinutes: 5 });
const ok = makeStatus(settings, { checkedAt: T });
const rateLimited = makeStatus(settings, { error: { kind: "rate-limited", at: T }, backoff: { failures: 1, notBefore: T + 90_000 } });
const serverDown = makeStatus(settings, { error: { kind: "server", at: T }, backoff: { failures: 1, notBefore: T + 30_000 } });
const keyRejected = makeStatus(settings, { error: { kind: "unauthorized", at: T } });

describe("full checks", () => {
  it("run at once for a new source, then one interval after the last one started", () => {
    expect(fullCheckDueIn(settings, makeStatus(makeSettings({ apiKey: "tk_other" })), 0, T)).toBeLessThanOrEqual(0);
    expect(fullCheckDueIn(settings, ok, T, T)).toBe(5 * 60_000);
    expect(fullCheckDueIn(settings, ok, T, T + 5 * 60_000)).toBe(0);
  });

  it("wait out Cobalt's Retry-After, and retry a transient failure when its backoff ends", () => {
    expect(fullCheckDueIn(settings, rateLimited, T, T)).toBe(90_000);
    expect(fullCheckDueIn(settings, rateLimited, T, T + 90_000)).toBe(0);
    expect(fullCheckDueIn(settings, serverDown, T, T + 10_000)).toBe(20_000);
    expect(fullCheckDueIn(settings, serverDown, T, T + 30_000)).toBe(0);
  });

  it("try hourly while waiting for an admin", () => {
    expect(fullCheckDueIn(settings, keyRejected, T, T)).toBe(USER_WAIT_MS);
    expect(fullCheckDueIn(settings, keyRejected, 0, T)).toBeLessThan(0);
  });
});

describe("webhook re-checks", () => {
  const pending = (entries: [string, number][]) => new Map(entries);

  it("start a moment after the first hint, taking every account hinted meanwhile", () => {
    const hints = pending([["a", T], ["b", T + 100]]);
    expect(recheckDue(settings, ok, hints, new Map(), T + 100)).toEqual({ ids: [], waitMs: COALESCE_MS - 100 });
    expect(recheckDue(settings, ok, hints, new Map(), T + COALESCE_MS)).toEqual({ ids: ["a", "b"], waitMs: Infinity });
  });

  it("re-check one account at most every few seconds, however often Cobalt delivers", () => {
    const last = new Map([["a", T]]);
    expect(recheckDue(settings, ok, pending([["a", T + 1_000]]), last, T + 1_000 + COALESCE_MS)).toEqual({ ids: [], waitMs: RECHECK_GAP_MS - 1_000 - COALESCE_MS });
    expect(recheckDue(settings, ok, pending([["a", T + 1_000], ["b", T + 1_000]]), last, T + 1_000 + COALESCE_MS).ids).toEqual(["b"]);
    expect(recheckDue(settings, ok, pending([["a", T + 1_000]]), last, T + RECHECK_GAP_MS).ids).toEqual(["a"]);
  });

  it("wait while Cobalt rate-limits the relay, but not for other failures", () => {
    expect(recheckDue(settings, rateLimited, pending([["a", T]]), new Map(), T + 1_000)).toEqual({ ids: [], waitMs: 89_000 });
    expect(recheckDue(settings, serverDown, pending([["a", T]]), new Map(), T + 1_000).ids).toEqual(["a"]);
    expect(recheckDue(settings, keyRejected, pending([["a", T]]), new Map(), T + 1_000).ids).toEqual(["a"]);
  });
});
