import { describe, expect, it } from "vitest";
import { ApiError, type ErrorKind } from "../../../../src/core/api/errors.ts";
import { nextBackoff, needsUser, refreshBlockedUntil, retryAt, shouldCheck, WATCH_MS, type Trigger } from "../../../../src/core/check/schedule.ts";
import { fingerprint } from "../../../../src/core/settings/fingerprint.ts";
import { newRelaySource } from "../../../../src/core/settings/model.ts";
import type { Backoff, Status } from "../../../../src/core/status/model.ts";
import { makeSettings, makeStatus } from "../../support/fixtures.ts";

const NOW = 1_000_000_000;
const TRIGGERS: Trigger[] = ["alarm", "retry", "refresh", "settings", "startup"];
const settings = makeSettings();

function errored(kind: ErrorKind, backoffMs?: number, source?: string): Status {
  const status = makeStatus(settings, { error: { kind, at: NOW - 1 } });
  if (backoffMs !== undefined) status.backoff = { failures: 1, notBefore: NOW + backoffMs };
  if (source !== undefined) status.source = source;
  return status;
}

function decide(status: Status): Record<Trigger, boolean | string> {
  const out = {} as Record<Trigger, boolean | string>;
  for (const trigger of TRIGGERS) {
    const decision = shouldCheck(trigger, settings, status, NOW);
    out[trigger] = decision.run ? true : decision.reason;
  }
  return out;
}

describe("needsUser", () => {
  it.each<[ErrorKind, boolean]>([
    ["unauthorized", true],
    ["forbidden", true],
    ["not-found", true],
    ["bad-request", true],
    ["not-set-up", true],
    ["permission", true],
    ["server", false],
    ["timeout", false],
    ["network", false],
    ["rate-limited", false],
    ["bad-response", false],
    ["unexpected", false],
    ["storage", false],
    ["redirected", false],
  ])("%s → %s", (kind, expected) => {
    expect(needsUser(kind)).toBe(expected);
  });
});

describe("shouldCheck", () => {
  it("never runs without a key", () => {
    for (const apiKey of ["", "   "]) {
      const noKey = makeSettings({ apiKey });
      for (const trigger of TRIGGERS) {
        expect(shouldCheck(trigger, noKey, makeStatus(noKey), NOW)).toEqual({ run: false, reason: "not set up" });
      }
    }
  });

  it("runs on every trigger with a clean status", () => {
    expect(decide(makeStatus(settings))).toEqual({ alarm: true, retry: true, refresh: true, settings: true, startup: true });
  });

  it("waits for the user after a user-needed error for the same settings, unless asked", () => {
    for (const kind of ["unauthorized", "forbidden", "not-found", "bad-request", "permission"] as const) {
      expect(decide(errored(kind))).toEqual({
        alarm: "waiting for the user",
        retry: "waiting for the user",
        refresh: true,
        settings: true,
        startup: "waiting for the user",
      });
    }
  });

  // Versions before this one stored "no linked accounts yet" as a not-set-up
  // failure, which stopped the schedule until a Refresh; after the update it must check again.
  it("does not stop the schedule for a stored not-set-up failure (an older version's empty org)", () => {
    expect(decide(errored("not-set-up"))).toEqual({ alarm: true, retry: true, refresh: true, settings: true, startup: true });
  });

  // A user who saw WAIT, lowered the budget and saved hit Cobalt at once.
  it("holds off even a manual refresh, and a Save that changes no request, while Cobalt's Retry-After lasts", () => {
    const status = errored("rate-limited", 60_000);
    status.backoff = { ...status.backoff!, retryAfterUntil: NOW + 60_000, throttledAt: NOW - 1 };
    expect(decide(status)).toEqual({
      alarm: "rate limited",
      retry: "rate limited",
      refresh: "rate limited",
      settings: "rate limited",
      startup: "rate limited",
    });
    // The budget, the interval and the label change no request: the same settings for this rule.
    for (const changed of [{ requestsPerMinute: 10 }, { intervalMinutes: 60 }, { label: "Production" }]) {
      expect(shouldCheck("settings", { ...settings, ...changed }, status, NOW)).toEqual({ run: false, reason: "rate limited" });
    }
    expect(shouldCheck("settings", settings, status, NOW + 60_000)).toEqual({ run: true });
  });

  it("holds a Save that changes no request back by the extension's own rate-limit backoff as long as a Refresh", () => {
    const status = makeStatus(settings, { error: { kind: "rate-limited", at: NOW }, backoff: { failures: 3, notBefore: NOW + 300_000, throttledAt: NOW } });
    expect(shouldCheck("settings", settings, status, NOW + 29_999)).toEqual({ run: false, reason: "rate limited" });
    expect(shouldCheck("settings", settings, status, NOW + 30_000)).toEqual({ run: true });
  });

  it("checks a Save that changes what is fetched at once, whatever the wait", () => {
    const status = errored("rate-limited", 60_000);
    status.backoff = { ...status.backoff!, retryAfterUntil: NOW + 60_000, throttledAt: NOW - 1 };
    for (const changed of [{ apiKey: "tk_another" }, { baseUrl: "https://app.refold.ai" }, { linkedAccountIds: ["acme"] }]) {
      expect(shouldCheck("settings", { ...settings, ...changed }, status, NOW)).toEqual({ run: true });
    }
  });

  // A version that believed any Retry-After stored a wait of a year.
  it("believes no stored wait past the longest backoff after the answer that set it", () => {
    const year = 365 * 24 * 3_600_000;
    const status = makeStatus(settings, { error: { kind: "rate-limited", at: NOW }, backoff: { failures: 1, notBefore: NOW + year, retryAfterUntil: NOW + year, throttledAt: NOW } });
    expect(refreshBlockedUntil(settings, status, NOW)).toBe(NOW + 4_320_000);
    expect(shouldCheck("alarm", settings, status, NOW + 4_319_999)).toEqual({ run: false, reason: "rate limited" });
    expect(shouldCheck("alarm", settings, status, NOW + 4_320_000)).toEqual({ run: true });
    expect(shouldCheck("refresh", settings, status, NOW + 4_320_000)).toEqual({ run: true });
    const server = makeStatus(settings, { error: { kind: "server", at: NOW }, backoff: { failures: 1, notBefore: NOW + year } });
    expect(shouldCheck("alarm", settings, server, NOW + 4_320_000)).toEqual({ run: true });
  });

  it("runs again once the rate limit has passed", () => {
    const status = errored("rate-limited", 60_000);
    expect(shouldCheck("alarm", settings, status, NOW + 60_000)).toEqual({ run: true });
    expect(shouldCheck("refresh", settings, status, NOW + 60_000)).toEqual({ run: true });
  });

  it("backs off scheduled checks after a transient failure, but a refresh runs", () => {
    expect(decide(errored("server", 30_000))).toEqual({
      alarm: "backing off",
      retry: "backing off",
      refresh: true,
      settings: true,
      startup: "backing off",
    });
    expect(shouldCheck("retry", settings, errored("server", 30_000), NOW + 30_000)).toEqual({ run: true });
  });

  it("always runs when the status belongs to other settings", () => {
    const stale = "0badc0de";
    for (const status of [errored("unauthorized", undefined, stale), errored("rate-limited", 60_000, stale), errored("server", 30_000, stale)]) {
      expect(decide(status)).toEqual({ alarm: true, retry: true, refresh: true, settings: true, startup: true });
    }
  });
});

describe("nextBackoff", () => {
  const server = new ApiError("server", { status: 500 });
  const half = () => 0.5;

  it("starts at 30 s and doubles (interval 1 minute, no jitter)", () => {
    const waits: number[] = [];
    let previous: ReturnType<typeof nextBackoff>;
    for (let i = 0; i < 9; i++) {
      previous = nextBackoff(previous, server, 1, NOW, half);
      waits.push(previous!.notBefore - NOW);
      expect(previous!.failures).toBe(i + 1);
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000]);
  });

  it("keeps jitter within ±20 %", () => {
    expect(nextBackoff(undefined, server, 1, NOW, () => 0)!.notBefore - NOW).toBe(24_000);
    expect(nextBackoff(undefined, server, 1, NOW, () => 0.999999)!.notBefore - NOW).toBe(36_000);
    for (let i = 0; i < 200; i++) {
      const failures = 1 + (i % 12);
      const wait = nextBackoff({ failures: failures - 1, notBefore: 0 }, server, 1, NOW, Math.random)!.notBefore - NOW;
      const centre = Math.min(3_600_000, 30_000 * 2 ** (failures - 1));
      expect(wait).toBeGreaterThanOrEqual(centre * 0.8);
      expect(wait).toBeLessThanOrEqual(centre * 1.2);
    }
  });

  it("is capped at one hour (+20 % jitter)", () => {
    const wait = nextBackoff({ failures: 50, notBefore: 0 }, server, 60, NOW, () => 1)!.notBefore - NOW;
    expect(wait).toBe(4_320_000);
    expect(nextBackoff({ failures: 5000, notBefore: 0 }, server, 1, NOW, half)!.notBefore - NOW).toBe(3_600_000);
  });

  it("waits at least one interval from the second failure on", () => {
    expect(nextBackoff(undefined, server, 5, NOW, half)!.notBefore - NOW).toBe(30_000);
    expect(nextBackoff({ failures: 1, notBefore: 0 }, server, 5, NOW, half)!.notBefore - NOW).toBe(300_000);
    expect(nextBackoff({ failures: 2, notBefore: 0 }, server, 5, NOW, half)!.notBefore - NOW).toBe(300_000);
    expect(nextBackoff({ failures: 3, notBefore: 0 }, server, 5, NOW, half)!.notBefore - NOW).toBe(300_000);
    expect(nextBackoff({ failures: 4, notBefore: 0 }, server, 5, NOW, half)!.notBefore - NOW).toBe(480_000);
    // Jitter may shorten it, never below 80 % of an interval.
    expect(nextBackoff({ failures: 1, notBefore: 0 }, server, 5, NOW, () => 0)!.notBefore - NOW).toBe(240_000);
  });

  it("honours Retry-After exactly, without jitter, and remembers that Cobalt asked for it", () => {
    const limited = new ApiError("rate-limited", { status: 429, retryAfterMs: 7000 });
    expect(nextBackoff(undefined, limited, 5, NOW, () => 0)).toEqual({ failures: 1, notBefore: NOW + 7000, retryAfterUntil: NOW + 7000, throttledAt: NOW });
    expect(nextBackoff({ failures: 3, notBefore: 0 }, limited, 5, NOW, () => 0.9)).toEqual({ failures: 4, notBefore: NOW + 7000, retryAfterUntil: NOW + 7000, throttledAt: NOW });
  });

  it("backs off a rate limit without Retry-After like any transient failure, noting when it was throttled", () => {
    const limited = new ApiError("rate-limited", { status: 429 });
    expect(nextBackoff(undefined, limited, 5, NOW, half)).toEqual({ failures: 1, notBefore: NOW + 30_000, throttledAt: NOW });
  });

  it.each<ErrorKind>(["unauthorized", "forbidden", "not-found", "bad-request", "not-set-up", "permission"])(
    "is undefined for %s",
    (kind) => {
      expect(nextBackoff({ failures: 2, notBefore: NOW }, new ApiError(kind), 5, NOW, half)).toBeUndefined();
    },
  );

  it.each<ErrorKind>(["server", "timeout", "network", "bad-response", "unexpected", "storage", "redirected"])("is set for %s", (kind) => {
    expect(nextBackoff(undefined, new ApiError(kind), 5, NOW, half)).toEqual({ failures: 1, notBefore: NOW + 30_000 });
  });
});

describe("retryAt", () => {
  it("is undefined without a backoff", () => {
    expect(retryAt(undefined, NOW)).toBeUndefined();
    expect(retryAt(undefined, undefined)).toBeUndefined();
  });

  it("fires at the end of the backoff when that comes before the next scheduled check", () => {
    expect(retryAt({ failures: 1, notBefore: NOW + 30_000 }, NOW + 300_000)).toBe(NOW + 30_000);
  });

  it("is not needed when the scheduled check comes first (or at the same time)", () => {
    expect(retryAt({ failures: 3, notBefore: NOW + 600_000 }, NOW + 300_000)).toBeUndefined();
    expect(retryAt({ failures: 3, notBefore: NOW + 300_000 }, NOW + 300_000)).toBeUndefined();
  });

  it("fires at the end of the backoff when nothing is scheduled", () => {
    expect(retryAt({ failures: 1, notBefore: NOW + 30_000 }, undefined)).toBe(NOW + 30_000);
  });
});

describe("shouldCheck when the popup opens", () => {
  const minutes = (n: number) => n * 60_000;

  it("checks when the data is older than the interval (an alarm was missed, e.g. during sleep)", () => {
    const status = makeStatus(settings, { checkedAt: NOW - minutes(settings.intervalMinutes) - 1 });
    expect(shouldCheck("open", settings, status, NOW)).toEqual({ run: true });
  });

  it("does not check when the data is fresh", () => {
    const status = makeStatus(settings, { checkedAt: NOW - minutes(1) });
    expect(shouldCheck("open", settings, status, NOW)).toEqual({ run: false, reason: "fresh enough" });
  });

  it("checks when there is no data yet", () => {
    expect(shouldCheck("open", settings, makeStatus(settings), NOW)).toEqual({ run: true });
  });

  it("still respects a backoff and a failure that waits for the user", () => {
    const stale = NOW - minutes(60);
    const backingOff = errored("server", 10_000);
    backingOff.checkedAt = stale;
    expect(shouldCheck("open", settings, backingOff, NOW)).toEqual({ run: false, reason: "backing off" });
    const rejected = errored("unauthorized");
    rejected.checkedAt = stale;
    expect(shouldCheck("open", settings, rejected, NOW)).toEqual({ run: false, reason: "waiting for the user" });
  });
});

describe("shouldCheck while the popup is open, and after a change on the team's desk", () => {
  const relay = newRelaySource("main", { relayUrl: "https://relay.example.com", token: "cirelay_x" });
  const polled = (at: number, extra: Partial<Status> = {}): Status => ({ schemaVersion: 1, source: fingerprint(relay), accounts: [], checkedAt: at, ...extra });

  it("polls a relay source about every WATCH_MS while the popup is open, never a Cobalt key's", () => {
    expect(shouldCheck("watch", relay, polled(NOW - WATCH_MS), NOW)).toEqual({ run: true });
    expect(shouldCheck("watch", relay, polled(NOW - WATCH_MS / 2), NOW)).toEqual({ run: false, reason: "fresh enough" });
    expect(shouldCheck("watch", settings, makeStatus(settings, { checkedAt: NOW - 3_600_000 }), NOW)).toEqual({ run: false, reason: "not a relay" });
  });

  it("respects a backoff and a rejected token while watching", () => {
    expect(shouldCheck("watch", relay, polled(NOW - 60_000, { error: { kind: "relay-unreachable", at: NOW - 1 }, backoff: { failures: 1, notBefore: NOW + 30_000 } }), NOW)).toEqual({ run: false, reason: "backing off" });
    expect(shouldCheck("watch", relay, polled(NOW - 60_000, { error: { kind: "relay-token-rejected", at: NOW - 1 } }), NOW)).toEqual({ run: false, reason: "waiting for the user" });
  });

  it("polls a relay source at once after this browser changed its desk, however fresh", () => {
    expect(shouldCheck("desk", relay, polled(NOW), NOW)).toEqual({ run: true });
    expect(shouldCheck("desk", settings, makeStatus(settings), NOW)).toEqual({ run: false, reason: "not a relay" });
  });
});

describe("Refresh after a rate limit", () => {
  function limited(backoff: Backoff, at = NOW): Status {
    return makeStatus(settings, { error: { kind: "rate-limited", at }, backoff });
  }

  it("is held for as long as Cobalt's Retry-After asked, however long", () => {
    const status = limited({ failures: 1, notBefore: NOW + 300_000, retryAfterUntil: NOW + 300_000, throttledAt: NOW });
    expect(refreshBlockedUntil(settings, status, NOW + 299_999)).toBe(NOW + 300_000);
    expect(shouldCheck("refresh", settings, status, NOW + 299_999)).toEqual({ run: false, reason: "rate limited" });
    expect(refreshBlockedUntil(settings, status, NOW + 300_000)).toBeUndefined();
    expect(shouldCheck("refresh", settings, status, NOW + 300_000)).toEqual({ run: true });
  });

  // A 429 without Retry-After for a minute grew the backoff to the interval, and
  // Refresh stayed refused for 267 s after the limit was gone.
  it("is held by the extension's own backoff for at most 30 s after the last throttling answer", () => {
    const status = limited({ failures: 5, notBefore: NOW + 267_000, throttledAt: NOW });
    expect(refreshBlockedUntil(settings, status, NOW + 29_999)).toBe(NOW + 30_000);
    expect(shouldCheck("refresh", settings, status, NOW + 29_999)).toEqual({ run: false, reason: "rate limited" });
    expect(shouldCheck("refresh", settings, status, NOW + 30_000)).toEqual({ run: true });
    // The schedule itself still waits for the whole backoff.
    expect(shouldCheck("alarm", settings, status, NOW + 30_000)).toEqual({ run: false, reason: "rate limited" });
  });

  it("lets the retry alarm, fired a moment early by the browser, check at the end of a Retry-After", () => {
    const status = limited({ failures: 1, notBefore: NOW + 5_000, retryAfterUntil: NOW + 5_000, throttledAt: NOW });
    expect(shouldCheck("retry", settings, status, NOW + 4_000)).toEqual({ run: true });
    expect(shouldCheck("retry", settings, status, NOW + 2_999)).toEqual({ run: false, reason: "rate limited" });
    expect(shouldCheck("alarm", settings, status, NOW + 4_000)).toEqual({ run: false, reason: "rate limited" });
  });

  it("is free as soon as a short backoff of its own ends", () => {
    const status = limited({ failures: 1, notBefore: NOW + 10_000, throttledAt: NOW });
    expect(refreshBlockedUntil(settings, status, NOW)).toBe(NOW + 10_000);
    expect(shouldCheck("refresh", settings, status, NOW + 10_000)).toEqual({ run: true });
  });

  it("reads a backoff stored before Retry-After was remembered as the extension's own", () => {
    const status = limited({ failures: 3, notBefore: NOW + 600_000 });
    expect(refreshBlockedUntil(settings, status, NOW)).toBe(NOW + 30_000);
  });

  it("is never held by the backoff of another failure, or of other settings", () => {
    expect(refreshBlockedUntil(settings, errored("server", 300_000), NOW)).toBeUndefined();
    const other = limited({ failures: 1, notBefore: NOW + 300_000, retryAfterUntil: NOW + 300_000, throttledAt: NOW });
    other.source = "0badc0de";
    expect(refreshBlockedUntil(settings, other, NOW)).toBeUndefined();
    expect(shouldCheck("refresh", settings, other, NOW)).toEqual({ run: true });
  });
});
