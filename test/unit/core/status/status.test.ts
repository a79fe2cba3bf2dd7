import { describe, expect, it } from "vitest";
import { EMPTY_STATUS, STATUS_VERSION, accountsNeedingReauth, failedAccounts, reauthCount, type HealthyApps, type Status } from "../../../../src/core/status/model.ts";
import { parseStoredHealthy, parseStoredProgress, parseStoredStatus } from "../../../../src/core/status/stored.ts";

const STATUS_NOTICE = { code: "results-unreadable" };
const HEALTHY_NOTICE = { code: "healthy-unreadable" };

const FULL: Status = {
  schemaVersion: STATUS_VERSION,
  source: "1a2b3c4d",
  checkedAt: 1_700_000_000_000,
  error: { kind: "server", status: 502, detail: "Bad gateway", at: 1_700_000_000_500 },
  accounts: [
    {
      id: "acct-1",
      name: "Acme",
      checkedAt: 1_700_000_000_000,
      reauth: [{ slug: "hubspot", name: "HubSpot", icon: "https://logos.test/h.png", authType: "oauth2" }],
      healthyCount: 2,
      skipped: 1,
    },
    { id: "acct-2", reauth: [], healthyCount: 0, error: { kind: "not-found", status: 404, cause: "no-account", accountId: "acct-2", at: 1 } },
  ],
  accountsTotal: 2,
  backoff: { failures: 2, notBefore: 1_700_000_300_000 },
  fullCheckCursor: 1,
  cycle: 7,
  notes: [{ code: "listing-changed" }, { code: "accounts-skipped", count: 2 }],
  lastRun: { ms: 1500, requests: 3 },
};

describe("parseStoredStatus", () => {
  it("is the empty status, silently, when nothing is stored", () => {
    expect(parseStoredStatus(undefined)).toEqual({ value: EMPTY_STATUS });
    expect(EMPTY_STATUS).toEqual({ schemaVersion: 1, source: "", accounts: [] });
  });

  it("round-trips a full status through JSON", () => {
    const parsed = parseStoredStatus(JSON.parse(JSON.stringify(FULL)));
    expect(parsed).toEqual({ value: FULL });
    expect(parsed.notice).toBeUndefined();
  });

  it("reads errors an older version stored with an English sentence: the sentence is dropped, kind and time kept", () => {
    const older = {
      schemaVersion: 1,
      source: "x",
      accounts: [{ id: "a", reauth: [], healthyCount: 0, error: { kind: "not-found", message: 'Cobalt has no linked account "a"…', at: 3 } }],
      error: { kind: "server", message: "Cobalt's server failed (HTTP 502).", at: 4 },
      notice: { kind: "bad-response", message: "The list of linked accounts changed while it was being read…", at: 5 },
      notes: [{ code: "listing-changed" }],
    };
    const parsed = parseStoredStatus(older);
    expect(parsed.notice).toBeUndefined();
    expect(parsed.value.error).toEqual({ kind: "server", at: 4 });
    expect(parsed.value.accounts[0]!.error).toEqual({ kind: "not-found", at: 3 });
    expect(parsed.value).not.toHaveProperty("notice");
    expect(parsed.value.notes).toEqual([{ code: "listing-changed" }]);
  });

  it("drops a cause or answer it does not know (a later version's), keeping the rest of the error", () => {
    const later = { schemaVersion: 1, source: "x", accounts: [], error: { kind: "bad-response", cause: "cosmic-rays", answer: "telepathy", status: 200, at: 4 } };
    expect(parseStoredStatus(later).value.error).toEqual({ kind: "bad-response", status: 200, at: 4 });
  });

  it("accepts a minimal status", () => {
    const minimal = { schemaVersion: 1, source: "", accounts: [] };
    expect(parseStoredStatus(minimal)).toEqual({ value: minimal });
  });

  it.each<[string, unknown]>([
    ["a string", "garbage"],
    ["null", null],
    ["a list", []],
    ["an object without accounts", { schemaVersion: 1, source: "x" }],
    ["accounts that are not a list", { schemaVersion: 1, source: "x", accounts: {} }],
    ["an account without reauth", { schemaVersion: 1, source: "x", accounts: [{ id: "a", healthyCount: 0 }] }],
    ["an app record without a name", { schemaVersion: 1, source: "x", accounts: [{ id: "a", healthyCount: 0, reauth: [{ slug: "s" }] }] }],
    ["an unknown error kind", { schemaVersion: 1, source: "x", accounts: [], error: { kind: "exploded", at: 1 } }],
    ["a string schemaVersion", { schemaVersion: "1", source: "x", accounts: [] }],
  ])("sets aside %s with a notice", (_label, raw) => {
    expect(parseStoredStatus(raw)).toEqual({ value: EMPTY_STATUS, notice: STATUS_NOTICE });
  });

  it("sets aside a status written by a newer version", () => {
    expect(parseStoredStatus({ ...FULL, schemaVersion: STATUS_VERSION + 1 })).toEqual({ value: EMPTY_STATUS, notice: STATUS_NOTICE });
  });
});

describe("parseStoredHealthy", () => {
  it("is empty, silently, when nothing is stored", () => {
    expect(parseStoredHealthy(undefined)).toEqual({ value: {} });
  });

  it("round-trips a healthy map", () => {
    const healthy: HealthyApps = { "acct-1": [{ slug: "slack", name: "Slack", icon: "https://logos.test/s.png" }], "acct-2": [] };
    expect(parseStoredHealthy(JSON.parse(JSON.stringify(healthy)))).toEqual({ value: healthy });
  });

  it.each<[string, unknown]>([
    ["a string", "x"],
    ["a list", [[]]],
    ["a non-list entry", { a: "slack" }],
    ["a record without a slug", { a: [{ name: "Slack" }] }],
  ])("sets aside %s with a notice", (_label, raw) => {
    expect(parseStoredHealthy(raw)).toEqual({ value: {}, notice: HEALTHY_NOTICE });
  });
});

describe("counting", () => {
  it("counts apps, accounts needing re-auth and failed accounts", () => {
    const status: Status = {
      ...EMPTY_STATUS,
      accounts: [
        { id: "a", reauth: [{ slug: "x", name: "X" }, { slug: "y", name: "Y" }], healthyCount: 1 },
        { id: "b", reauth: [], healthyCount: 3, error: { kind: "timeout", at: 1 } },
        { id: "c", reauth: [{ slug: "z", name: "Z" }], healthyCount: 0 },
      ],
    };
    expect(reauthCount(status)).toBe(3);
    expect(accountsNeedingReauth(status)).toBe(2);
    expect(failedAccounts(status).map((a) => a.id)).toEqual(["b"]);
    expect(reauthCount(EMPTY_STATUS)).toBe(0);
  });
});

describe("parseStoredProgress", () => {
  it("reads a check under way", () => {
    expect(parseStoredProgress({ startedAt: 5, done: 2, total: 9 })).toEqual({ startedAt: 5, done: 2, total: 9 });
  });

  it.each([undefined, null, "checking", { startedAt: "now" }, [1, 2, 3]])("treats %j as no check running", (raw) => {
    expect(parseStoredProgress(raw)).toBeNull();
  });
});

describe("parseStoredStatus and keys it does not own", () => {
  it("drops keys an older version wrote, so they are not carried forward", () => {
    const parsed = parseStoredStatus({ ...FULL, checking: { startedAt: 1, done: 0, total: 1 } });
    expect(parsed.notice).toBeUndefined();
    expect(parsed.value).toEqual(FULL);
    expect("checking" in parsed.value).toBe(false);
  });
});
