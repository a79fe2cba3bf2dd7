import { describe, expect, it } from "vitest";
import type { AppRecord } from "../../../../src/core/api/records.ts";
import { STATUS_VERSION, type HealthyApps, type Status } from "../../../../src/core/status/model.ts";
import { decodeResults, planResultsWrite, type StoredItems } from "../../../../src/core/store/codec.ts";
import { resultKeys } from "../../../../src/core/store/keys.ts";

// Since-when in the stored results: a row field keyed by catalog index, f: { "<index>":
// { since } }, beside the row's apps. The catalog is org-wide; since is per linked account.

const T1 = 1_700_000_000_000;
const T2 = T1 + 300_000;
const KEYS = resultKeys();

const slack: AppRecord = { slug: "slack", name: "Slack", authType: "oauth2" };
const hubspot: AppRecord = { slug: "hubspot", name: "Hubspot", authType: "oauth2" };

function status(accounts: Status["accounts"], checkedAt = T2): Status {
  return { schemaVersion: STATUS_VERSION, source: "fp1", checkedAt, accounts, cycle: 3, fullCheckCursor: 0 };
}

const BROKEN = status([
  { id: "acct-1", checkedAt: T2, reauth: [{ ...slack, since: T1 }, { ...hubspot, since: T2 }], healthyCount: 0 },
  { id: "acct-2", checkedAt: T2, reauth: [{ ...slack, since: T2 }], healthyCount: 1 },
]);
const HEALTHY: HealthyApps = { "acct-1": [], "acct-2": [hubspot] };

function save(raw: StoredItems, next: Status, healthy?: HealthyApps): StoredItems {
  const write = planResultsWrite(raw, next, healthy);
  const after: StoredItems = { ...raw, ...(JSON.parse(JSON.stringify(write.set)) as StoredItems) };
  for (const key of write.remove) delete after[key];
  return after;
}

type Row = { i: string; r?: number[]; f?: unknown };
const rows = (raw: StoredItems) => raw[KEYS.shard(0)] as Row[];

describe("since-when in the stored results", () => {
  it("round-trips through JSON, per linked account", () => {
    const raw = save({}, BROKEN, HEALTHY);
    const decoded = decodeResults(raw);
    expect(decoded.notice).toBeUndefined();
    expect(decoded.status).toEqual(BROKEN);
    // Healthy apps of the same slug carry none.
    expect(decoded.healthy["acct-2"]).toEqual([hubspot]);
  });

  it("is a row field keyed by catalog index, never part of the org-wide catalog", () => {
    const raw = save({}, BROKEN, HEALTHY);
    const catalog = (raw[KEYS.catalog] as { apps: AppRecord[] }).apps;
    expect(catalog.every((app) => !("since" in app))).toBe(true);
    const slackIndex = catalog.findIndex((app) => app.slug === "slack");
    const hubspotIndex = catalog.findIndex((app) => app.slug === "hubspot");
    expect(rows(raw)[0]!.f).toEqual({ [slackIndex]: { since: T1 }, [hubspotIndex]: { since: T2 } });
    expect(rows(raw)[1]!.f).toEqual({ [slackIndex]: { since: T2 } });
  });

  it("leaves a shard byte-identical when a later check finds the same breaks", () => {
    const raw = save({}, BROKEN, HEALTHY);
    const later = status(BROKEN.accounts.map((account) => ({ ...account, checkedAt: T2 + 300_000 })), T2 + 300_000);
    const write = planResultsWrite(raw, later, HEALTHY);
    expect(Object.keys(write.set)).toEqual([KEYS.header]);
  });

  // Stored by a version from before since-when: rows have no f. The apps read without a since;
  // the next check that fetches the account dates them (core/check/since.ts).
  it("reads rows stored without it", () => {
    const raw = save({}, BROKEN, HEALTHY);
    for (const row of rows(raw)) delete row.f;
    const decoded = decodeResults(raw);
    expect(decoded.notice).toBeUndefined();
    expect(decoded.status.accounts.map((a) => a.reauth)).toEqual([[slack, hubspot], [slack]]);
  });

  it.each<[string, unknown]>([
    ["not an object", "yesterday"],
    ["an array", [1, 2]],
    ["an entry that is not an object", { 0: 5 }],
    ["a since that is not a number", { 0: { since: "yesterday" } }],
  ])("loses only the since when the field is damaged: %s", (_name, damaged) => {
    const raw = save({}, BROKEN, HEALTHY);
    rows(raw)[0]!.f = damaged;
    const decoded = decodeResults(raw);
    expect(decoded.notice).toBeUndefined();
    expect(decoded.status.accounts[0]!.reauth.map((app) => app.slug)).toEqual(["slack", "hubspot"]);
    expect(decoded.status.accounts[1]!.reauth).toEqual([{ ...slack, since: T2 }]);
  });

  it("ignores entries for apps the row does not list as needing re-authentication, and unknown fields", () => {
    const raw = save({}, BROKEN, HEALTHY);
    const row = rows(raw)[1]!;
    row.f = { ...(row.f as object), 99: { since: 1 }, 0: { since: T2, muted: true } };
    const decoded = decodeResults(raw);
    expect(decoded.status.accounts[1]!.reauth.every((app) => app.since === undefined || app.since === T2)).toBe(true);
    expect(decoded.status.accounts[1]!.reauth).toHaveLength(1);
  });

  it("never lends one account's since to another account's app of the same slug", () => {
    const raw = save({}, BROKEN, HEALTHY);
    const decoded = decodeResults(raw);
    const [one, two] = decoded.status.accounts;
    expect(one!.reauth.find((app) => app.slug === "slack")!.since).toBe(T1);
    expect(two!.reauth.find((app) => app.slug === "slack")!.since).toBe(T2);
  });
});
