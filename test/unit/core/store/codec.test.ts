import { describe, expect, it } from "vitest";
import type { AppRecord } from "../../../../src/core/api/records.ts";
import { EMPTY_STATUS, STATUS_VERSION, type ErrorInfo, type AccountStatus, type HealthyApps, type Status } from "../../../../src/core/status/model.ts";
import { HEALTHY_NOTICE, STATUS_NOTICE } from "../../../../src/core/status/stored.ts";
import { FORMAT_VERSION, decodeResults, encodeResults, planResultsWrite, type StoredItems } from "../../../../src/core/store/codec.ts";
import { isResultsKey, resultKeys } from "../../../../src/core/store/keys.ts";
import { shardOf } from "../../../../src/core/store/shards.ts";

const T1 = 1_700_000_000_000;
const T2 = T1 + 300_000;
const KEYS = resultKeys();

const slack: AppRecord = { slug: "slack", name: "Slack", icon: "https://logos.test/slack.png", authType: "oauth2" };
const hubspot: AppRecord = { slug: "hubspot", name: "Hubspot", icon: "https://logos.test/hubspot.png", authType: "oauth2" };
const drive: AppRecord = { slug: "google_drive", name: "Drive", icon: "https://logos.test/drive.png", authType: "oauth2" };
/** The same app as the listing describes it (no auth type): what a cheap check records. */
const cheap = ({ authType: _authType, ...record }: AppRecord): AppRecord => record;

/** An org like the benchmark's: three apps per account, every 50th with Slack needing re-auth. */
function org(accounts: number, checkedAt = T1): { status: Status; healthy: HealthyApps } {
  const healthy: HealthyApps = {};
  const list: AccountStatus[] = [];
  for (let i = 0; i < accounts; i++) {
    const id = `acct-${String(i).padStart(5, "0")}`;
    const broken = i % 50 === 0;
    healthy[id] = broken ? [hubspot, drive] : [slack, hubspot, drive];
    list.push({ id, name: `Customer ${i}`, checkedAt, reauth: broken ? [slack] : [], healthyCount: healthy[id].length });
  }
  return {
    status: { schemaVersion: STATUS_VERSION, source: "fp1", checkedAt, accounts: list, accountsTotal: accounts, cycle: 1, fullCheckCursor: 0, lastRun: { ms: 1000, requests: 10 } },
    healthy,
  };
}

/** storage.local as the adapter uses it: values go through JSON, removed keys disappear. */
function apply(raw: StoredItems, write: { set: StoredItems; remove: string[] }): StoredItems {
  const next: StoredItems = { ...raw, ...(JSON.parse(JSON.stringify(write.set)) as StoredItems) };
  for (const key of write.remove) delete next[key];
  return next;
}

function save(raw: StoredItems, status: Status, healthy?: HealthyApps): StoredItems {
  return apply(raw, planResultsWrite(raw, status, healthy));
}

/** Bytes as Chrome counts them against the quota: key plus JSON value. */
function bytes(items: StoredItems): number {
  return Object.entries(items).reduce((sum, [key, value]) => sum + key.length + JSON.stringify(value).length, 0);
}

const FULL: Status = {
  schemaVersion: STATUS_VERSION,
  source: "1a2b3c4d",
  checkedAt: T1,
  error: { kind: "server", status: 502, at: T1 + 500 },
  accounts: [
    { id: "acct-1", name: "Acme", checkedAt: T1, reauth: [slack], healthyCount: 2, skipped: 1 },
    { id: "acct-2", reauth: [], healthyCount: 0, error: { kind: "not-found", status: 404, cause: "no-account", accountId: "acct-2", at: 1 } },
    { id: "acct-3", name: "Globex", checkedAt: T1 - 60_000, reauth: [hubspot, slack], healthyCount: 5, error: { kind: "timeout", seconds: 20, at: T1 } },
    { id: "acct-4", name: "Initech", checkedAt: T1, reauth: [], healthyCount: 1, error: { kind: "timeout", seconds: 20, at: T1 } },
  ],
  accountsTotal: 4,
  backoff: { failures: 2, notBefore: T1 + 300_000 },
  fullCheckCursor: 1,
  cycle: 7,
  notes: [{ code: "accounts-skipped", count: 1 }],
  lastRun: { ms: 1500, requests: 3 },
};
const FULL_HEALTHY: HealthyApps = { "acct-1": [drive, hubspot], "acct-2": [], "acct-3": [drive], "acct-4": [drive] };

describe("stored results, format 2", () => {
  it("round-trips a status with every field, through JSON", () => {
    const raw = save({}, FULL, FULL_HEALTHY);
    const decoded = decodeResults(raw);
    expect(decoded.notice).toBeUndefined();
    expect(decoded.status).toEqual(FULL);
    // Healthy apps come back in catalog order; the set is what was saved.
    expect(decoded.healthy["acct-1"]).toEqual(expect.arrayContaining([drive, hubspot]));
    expect(decoded.healthy["acct-1"]).toHaveLength(2);
    expect(decoded.healthy).toMatchObject({ "acct-2": [], "acct-3": [drive], "acct-4": [drive] });
    expect(raw[KEYS.header]).toMatchObject({ v: FORMAT_VERSION, shards: 1, source: "1a2b3c4d" });
  });

  it("keeps the accounts' order across many shards", () => {
    const { status, healthy } = org(3000);
    status.accounts.reverse();
    const raw = save({}, status, healthy);
    const shardKeys = Object.keys(raw).filter((key) => key.startsWith(`${KEYS.header}.acc.`));
    expect(shardKeys.length).toBeGreaterThan(32);
    expect(decodeResults(raw).status.accounts.map((a) => a.id)).toEqual(status.accounts.map((a) => a.id));
  });

  it.each([1_000, 10_000])("stores %i linked accounts in at most 100 bytes each, healthy apps included", (accounts) => {
    const { status, healthy } = org(accounts);
    const raw = save({}, status, healthy);
    expect(bytes(raw) / accounts).toBeLessThanOrEqual(100);
    // The legacy layout took about three times the target.
    expect(bytes({ status, healthy }) / accounts).toBeGreaterThan(250);
  });

  it("a second check that changes nothing rewrites only the small header", () => {
    const first = org(10_000, T1);
    const raw = save({}, first.status, first.healthy);
    const second = org(10_000, T2);
    second.status.cycle = 2;
    const write = planResultsWrite(raw, second.status, second.healthy);
    expect(Object.keys(write.set)).toEqual([KEYS.header]);
    expect(bytes(write.set)).toBeLessThan(300);
    expect(write.remove).toEqual([]);
  });

  it("when 1 % of accounts change, writes only their shards", () => {
    const first = org(10_000, T1);
    const raw = save({}, first.status, first.healthy);
    const second = org(10_000, T2);
    const changed = second.status.accounts.filter((_, i) => i % 100 === 1);
    for (const account of changed) {
      account.reauth = [hubspot];
      second.healthy[account.id] = [slack, drive];
    }
    const write = planResultsWrite(raw, second.status, second.healthy);
    const shards = Object.keys(write.set).filter((key) => key !== KEYS.header).sort();
    const expected = [...new Set(changed.map((a) => KEYS.shard(shardOf(a.id, (raw[KEYS.header] as { shards: number }).shards))))].sort();
    expect(shards).toEqual(expected);
    expect(bytes(write.set)).toBeLessThan(bytes(raw) / 4);
    expect(decodeResults(apply(raw, write)).status).toEqual(second.status);
  });

  it("an app seen through the listing alone does not change a shard that the full call wrote", () => {
    const first = org(100, T1);
    const raw = save({}, first.status, first.healthy);
    const second = org(100, T2);
    // This cycle most accounts were judged from the listing: same apps, no auth type, other order.
    for (const id of Object.keys(second.healthy)) second.healthy[id] = second.healthy[id]!.map(cheap).reverse();
    const write = planResultsWrite(raw, second.status, second.healthy);
    expect(Object.keys(write.set)).toEqual([KEYS.header]);
    expect(decodeResults(apply(raw, write)).healthy["acct-00001"]).toEqual([slack, hubspot, drive]);
  });

  it("an account's own checkedAt is stored only when it differs from the check's", () => {
    const status: Status = { ...FULL, checkedAt: T2, accounts: [{ id: "a", checkedAt: T2, reauth: [], healthyCount: 0 }, { id: "b", checkedAt: T1, reauth: [], healthyCount: 0 }, { id: "c", reauth: [], healthyCount: 0 }] };
    const shard = save({}, status, {})[KEYS.shard(0)];
    expect(shard).toEqual([{ i: "a" }, { i: "b", t: T1 }, { i: "c", t: null }]);
  });

  it("removes shards no longer used and keeps only what is current", () => {
    const big = org(3000);
    const raw = save({}, big.status, big.healthy);
    const small = org(3);
    const after = save(raw, small.status, small.healthy);
    expect(Object.keys(after).filter((key) => key.includes(".acc.")).length).toBe(1);
    expect(decodeResults(after).status).toEqual(small.status);
  });

  it("between the write and the removal that follows it, a shard left over is not read", () => {
    const before = org(40);
    const raw = save({}, before.status, before.healthy);
    expect((raw[KEYS.header] as { shards: number }).shards).toBe(2);
    const after = org(40);
    after.status.accounts = after.status.accounts.filter((account) => shardOf(account.id, 2) === 0);
    const write = planResultsWrite(raw, after.status, after.healthy);
    expect(write.remove).toEqual([KEYS.shard(1)]);
    const midway = apply(raw, { set: write.set, remove: [] });
    expect(decodeResults(midway)).toEqual(decodeResults(apply(raw, write)));
    expect(decodeResults(midway).status).toEqual(after.status);
  });

  it("keeps each account's stored healthy apps when saved without them (a failed check)", () => {
    const raw = save({}, FULL, FULL_HEALTHY);
    const failed: Status = { ...FULL, error: { kind: "network", at: T2 } };
    const after = save(raw, failed);
    expect(decodeResults(after).healthy).toEqual(decodeResults(raw).healthy);
    expect(decodeResults(after).status).toEqual(failed);
  });

  it("keeps catalog indices of apps still in use, and reuses the holes others leave", () => {
    const raw = save({}, FULL, FULL_HEALTHY);
    const before = (raw[KEYS.catalog] as { apps: AppRecord[] }).apps.map((app) => app.slug);
    const withoutHubspot: Status = { ...FULL, accounts: FULL.accounts.map((a) => ({ ...a, reauth: a.reauth.filter((r) => r !== hubspot) })) };
    const noHubspot: HealthyApps = Object.fromEntries(Object.entries(FULL_HEALTHY).map(([id, apps]) => [id, apps.filter((r) => r !== hubspot)]));
    const middle = save(raw, withoutHubspot, noHubspot);
    const gusto: AppRecord = { slug: "gusto", name: "Gusto", authType: "keybased" };
    const after = save(middle, { ...withoutHubspot, accounts: [...withoutHubspot.accounts, { id: "acct-5", reauth: [gusto], healthyCount: 0 }] }, noHubspot);
    const apps = (after[KEYS.catalog] as { apps: (AppRecord | null)[] }).apps.map((app) => app?.slug ?? null);
    expect(apps).toEqual(before.map((slug) => (slug === "hubspot" ? "gusto" : slug)));
  });

  it("keeps other sources' keys and unrelated keys alone", () => {
    const other = resultKeys("second");
    const raw: StoredItems = { settings: { apiKey: "k" }, progress: null, [other.header]: { v: 2 }, [other.shard(0)]: [] };
    const write = planResultsWrite(raw, FULL, FULL_HEALTHY);
    expect(write.remove).toEqual([]);
    expect(Object.keys(write.set).every((key) => resultKeys().owns(key))).toBe(true);
    expect(isResultsKey(KEYS.shard(3))).toBe(true);
    expect(isResultsKey("settings")).toBe(false);
  });
});

describe("reading damaged or unfamiliar stored results", () => {
  const good = () => save({}, org(3000).status, org(3000).healthy);

  it("a damaged shard loses its accounts alone, with a notice that counts them", () => {
    const raw = good();
    const key = KEYS.shard(5);
    const lost = (raw[key] as unknown[]).length;
    raw[key] = [["acct-x", 7]];
    const decoded = decodeResults(raw);
    expect(decoded.status.accounts).toHaveLength(3000 - lost);
    expect(decoded.status.checkedAt).toBe(T1);
    expect(decoded.notice).toEqual({ code: "accounts-unreadable", count: lost });
    expect(decoded.healthyNotice).toBe(HEALTHY_NOTICE);
    // The next write rewrites it.
    expect(Object.keys(planResultsWrite(raw, org(3000).status, org(3000).healthy).set)).toContain(key);
  });

  it.each<[string, (raw: StoredItems) => void]>([
    ["a reference to an app the catalog lacks", (raw) => ((raw[KEYS.shard(2)] as Record<string, unknown>[])[0]!.r = [99])],
    ["a reference that is not a whole number", (raw) => ((raw[KEYS.shard(2)] as Record<string, unknown>[])[0]!.h = [0.5])],
    ["a reference to an error the catalog lacks", (raw) => ((raw[KEYS.shard(2)] as Record<string, unknown>[])[0]!.e = 3)],
    ["a row without an id", (raw) => delete (raw[KEYS.shard(2)] as Record<string, unknown>[])[0]!.i],
    ["a missing shard the order expects", (raw) => delete raw[KEYS.shard(2)]],
    ["a shard that is not a list", (raw) => (raw[KEYS.shard(2)] = "}{")],
  ])("%s loses that shard alone", (_label, damage) => {
    const raw = good();
    damage(raw);
    const decoded = decodeResults(raw);
    expect(decoded.status.accounts.length).toBe(3000 - (good()[KEYS.shard(2)] as unknown[]).length);
    expect(decoded.notice).toEqual({ code: "accounts-unreadable", count: (good()[KEYS.shard(2)] as unknown[]).length });
  });

  it.each<[string, (raw: StoredItems) => void]>([
    ["a header that is not an object", (raw) => (raw[KEYS.header] = "garbage")],
    ["a header without a shard count", (raw) => delete (raw[KEYS.header] as Record<string, unknown>).shards],
    ["a shard count that is not a power of two", (raw) => ((raw[KEYS.header] as Record<string, unknown>).shards = 3)],
    ["a header written by a newer version", (raw) => ((raw[KEYS.header] as Record<string, unknown>).v = FORMAT_VERSION + 1)],
    ["an unknown error kind in the header", (raw) => ((raw[KEYS.header] as Record<string, unknown>).error = { kind: "exploded", at: 1 })],
    ["a damaged catalog", (raw) => (raw[KEYS.catalog] = { apps: "many" })],
  ])("%s sets the whole result aside, with a notice", (_label, damage) => {
    const raw = good();
    damage(raw);
    expect(decodeResults(raw)).toEqual({ status: EMPTY_STATUS, healthy: {}, notice: STATUS_NOTICE, healthyNotice: HEALTHY_NOTICE });
  });

  it("a damaged order still lists every account, in shard order", () => {
    const raw = good();
    raw[KEYS.order] = "not base 36!";
    const decoded = decodeResults(raw);
    expect(decoded.notice).toBeUndefined();
    expect(decoded.status.accounts.map((a) => a.id).sort()).toEqual(org(3000).status.accounts.map((a) => a.id));
  });

  it("reads errors an older version stored with an English sentence, in the header and the error table", () => {
    const raw = save({}, FULL, FULL_HEALTHY);
    const header = raw[KEYS.header] as { error: Record<string, unknown> };
    header.error = { kind: "server", message: "Cobalt's server failed (HTTP 502).", at: T1 + 500 };
    const table = (raw[KEYS.catalog] as { errors: Record<string, unknown>[] }).errors;
    for (const error of table) error.message = "An English sentence of an older version.";
    const decoded = decodeResults(raw);
    expect(decoded.notice).toBeUndefined();
    expect(decoded.status.error).toEqual({ kind: "server", at: T1 + 500 });
    const errors = decoded.status.accounts.map((account) => account.error).filter((error): error is ErrorInfo => error !== undefined);
    expect(errors).toEqual(FULL.accounts.flatMap((account) => (account.error ? [account.error] : [])));
    expect(errors.some((error) => "message" in error)).toBe(false);
  });

  it("ignores fields it does not know: a later version's additions read as today's data", () => {
    const raw = save({}, FULL, FULL_HEALTHY);
    (raw[KEYS.header] as Record<string, unknown>).mutedUntil = 5;
    (raw[KEYS.catalog] as { apps: Record<string, unknown>[] }).apps[0]!.category = "chat";
    const shard = raw[KEYS.shard(0)] as Record<string, unknown>[];
    // f (per-app fields) is known since since-when was stored; a field inside it and one beside it are not.
    shard[0]!.f = { "0": { muted: true } };
    shard[0]!.later = { "0": 1 };
    const decoded = decodeResults(raw);
    expect(decoded.notice).toBeUndefined();
    expect(decoded.status).toEqual(FULL);
  });
});

describe("the legacy layout (status + healthy keys)", () => {
  const legacy = (): StoredItems => JSON.parse(JSON.stringify({ settings: { apiKey: "k" }, status: FULL, healthy: FULL_HEALTHY })) as StoredItems;

  it("is read as it is until the first write", () => {
    const decoded = decodeResults(legacy());
    expect(decoded.status).toEqual(FULL);
    expect(decoded.healthy).toEqual(FULL_HEALTHY);
  });

  it("is migrated by the first write, losing nothing, even a write without healthy apps", () => {
    const raw = legacy();
    const failed: Status = { ...decodeResults(raw).status, error: { kind: "network", at: T2 } };
    const write = planResultsWrite(raw, failed);
    expect(write.remove.sort()).toEqual(["healthy", "status"]);
    const after = apply(raw, write);
    expect(Object.keys(after).sort()).toEqual([KEYS.header, KEYS.catalog, KEYS.shard(0), KEYS.order, "settings"].sort());
    expect(decodeResults(after).status).toEqual(failed);
    for (const [id, apps] of Object.entries(FULL_HEALTHY)) expect(new Set(decodeResults(after).healthy[id])).toEqual(new Set(apps));
  });

  it("damaged, gives the same notices as before", () => {
    expect(decodeResults({ status: { schemaVersion: "one" }, healthy: [1, 2] })).toEqual({
      status: EMPTY_STATUS,
      healthy: {},
      notice: STATUS_NOTICE,
      healthyNotice: HEALTHY_NOTICE,
    });
  });

  it("is ignored once the new layout exists", () => {
    const raw = { ...save({}, FULL, FULL_HEALTHY), status: { schemaVersion: 1, source: "old", accounts: [] } };
    expect(decodeResults(raw).status).toEqual(FULL);
  });
});

describe("encodeResults", () => {
  it("writes the catalog once, each account as a short row", () => {
    const items = encodeResults(FULL, FULL_HEALTHY);
    expect(items[KEYS.catalog]).toEqual({ apps: [slack, drive, hubspot], errors: [FULL.accounts[1]!.error, FULL.accounts[2]!.error] });
    expect(items[KEYS.shard(0)]).toEqual([
      { i: "acct-1", n: "Acme", h: [1, 2], r: [0], s: 1 },
      { i: "acct-2", t: null, e: 0 },
      { i: "acct-3", n: "Globex", h: [1], r: [2, 0], t: T1 - 60_000, e: 1, c: 5 },
      { i: "acct-4", n: "Initech", h: [1], e: 1 },
    ]);
    expect(items[KEYS.order]).toBe("0000");
  });
});
