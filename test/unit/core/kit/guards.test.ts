import { describe, expect, it } from "vitest";
import { FIELD_GUARDS, RELAY_FIELD_GUARDS } from "../../../../src/core/settings/parse.ts";
import { bool, type Guard } from "../../../../src/core/kit/guards.ts";
import { readAppFields, readCatalog, readHeader, readPendingBackoff, readShard } from "../../../../src/core/store/rows.ts";
import { readFollowUp } from "../../../../src/core/alerts/followups.ts";
import { readMute } from "../../../../src/core/alerts/mutes.ts";
import { readAppList, readAppRecord, readErrorInfo, readLegacyStatus, readProgress } from "../../../../src/core/status/stored.ts";
import { readTeamDesk } from "../../../../src/core/status/desk.ts";
import { readPreview } from "../../../../src/core/preview/parse.ts";
import { readAnswersPart, readCheckpointHead, readListingPart } from "../../../../src/core/check/checkpoint.ts";
import { readRelayHealthyList } from "../../../../src/relay/client/healthy.ts";
import {
  AnswersPartSchema,
  AppFieldsSchema,
  AppListSchema,
  AppRecordSchema,
  CatalogSchema,
  CheckpointHeadSchema,
  ErrorInfoSchema,
  HeaderSchema,
  ListingPartSchema,
  PendingBackoffSchema,
  PreviewSchema,
  FollowUpSchema,
  RelayHealthyListSchema,
  MuteSchema,
  NOTIFICATIONS_SCHEMA,
  ProgressSchema,
  RELAY_FIELD_SCHEMAS,
  SETTINGS_FIELD_SCHEMAS,
  ShardSchema,
  StatusSchema,
  TeamDeskSchema,
} from "../../support/schemas.ts";

// Stored data is read with hand-written guards (the popup opens without zod); each must give
// exactly what its zod twin gives, on the same inputs: the documented shapes, every field of them
// damaged in every way, unknown fields, and values that are not objects at all.

interface Schema {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false };
}

/** Values a damaged or hostile storage may hold in place of any field. */
const HOSTILE: unknown[] = [null, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "", "text", true, false, [], [1], ["a"], {}, { a: 1 }, [null]];

const apiErrorFull = {
  kind: "rate-limited",
  at: 1_700_000_000_000,
  cause: "bad-shape",
  status: 429,
  detail: "Too many",
  retryAfterMs: 3000,
  origin: "https://api.gocobalt.io",
  seconds: 30,
  pages: 3,
  megabytes: 8,
  accountId: "acme",
  answer: "oauth-url",
  path: "auth_url",
  upstream: "unauthorized",
};
const app = { slug: "hubspot", name: "HubSpot", icon: "https://x.test/h.png", authType: "oauth2" };
const teamDesk = {
  claims: [{ accountId: "prod/acme", slug: "hubspot", member: "alice", since: 5, from: "bob" }, { accountId: "globex", member: "bob", since: 6 }],
  mutes: [{ accountId: "acme", slug: "hubspot", member: "bob", at: 1, until: 9 }, { accountId: "acme", member: "carol", at: 2, breaks: [{ slug: "copper", since: 3 }, { slug: "x" }] }],
  notes: [{ accountId: "acme", slug: "hubspot", member: "alice", at: 4, text: "on holiday" }],
  fixed: [{ accountId: "acme", slug: "slack", member: "alice", since: 1, at: 2, name: "Slack", accountName: "Acme" }, { accountId: "acme", member: "bob", since: 1, at: 2, name: "acme" }],
};
const statusFields = {
  source: "abc12345",
  checkedAt: 1_700_000_000_000,
  error: apiErrorFull,
  accountsTotal: 3,
  backoff: { failures: 2, notBefore: 1_700_000_060_000, retryAfterUntil: 1_700_000_030_000, throttledAt: 1_700_000_000_000 },
  fullCheckCursor: 4,
  cycle: 7,
  lastRun: { ms: 1200, requests: 9 },
  notes: [{ code: "listing-changed" }, { code: "accounts-skipped", count: 2 }, { code: "no-accounts" }],
  relay: { etag: '"v7"', sources: ["prod", "test"], unlisted: { accounts: 40, healthyApps: 97 }, member: "alice", desk: teamDesk },
};

/** Each guard, its schema, and inputs that read: the mutations below are made from them. */
const PAIRS: [string, Guard<unknown>, Schema, unknown[]][] = [
  ["app record", readAppRecord, AppRecordSchema, [app, { slug: "s", name: "" }]],
  ["team desk", readTeamDesk, TeamDeskSchema, [teamDesk, { claims: [], mutes: [], notes: [], fixed: [] }]],
  ["error info", readErrorInfo, ErrorInfoSchema, [apiErrorFull, { kind: "network", at: 0 }, { ...apiErrorFull, cause: "later-cause", answer: "later-answer", upstream: "later-kind", message: "English" }]],
  ["app list", readAppList, AppListSchema, [[app, { slug: "b", name: "B" }], []]],
  ["progress", readProgress, ProgressSchema, [{ startedAt: 1, done: 2, total: 3, owner: "x" }, { startedAt: 1, done: 0, total: 0 }, null]],
  [
    "legacy status",
    readLegacyStatus,
    StatusSchema,
    [
      { schemaVersion: 1, ...statusFields, accounts: [{ id: "a", name: "A", checkedAt: 5, reauth: [app], healthyCount: 2, error: { kind: "server", at: 1 }, skipped: 1 }] },
      { schemaVersion: 1, source: "", accounts: [] },
      { schemaVersion: 1, ...statusFields, notes: [{ code: "later-note" }], accounts: [] },
    ],
  ],
  ["header", readHeader, HeaderSchema, [{ v: 2, shards: 4, ...statusFields }, { v: 2, shards: 1, source: "" }]],
  ["catalog", readCatalog, CatalogSchema, [{ apps: [app, null, { slug: "c", name: "C" }], errors: [null, apiErrorFull] }, { apps: [], errors: [] }]],
  [
    "shard",
    readShard,
    ShardSchema,
    [[{ i: "a", n: "A", h: [0, 2], r: [1], t: null, e: 0, s: 1, c: 4, f: { "1": { since: 5 } } }, { i: "b", t: 7 }, { i: "c", f: "anything at all" }], []],
  ],
  ["per-app fields", readAppFields, AppFieldsSchema, [{ since: 12 }, {}]],
  [
    "kept backoff",
    readPendingBackoff,
    PendingBackoffSchema,
    [{ owner: "o", source: "s", backoff: { failures: 1, notBefore: 2 }, error: { kind: "rate-limited", at: 1, retryAfterMs: 5, message: "old English" } }],
  ],
  [
    "checkpoint head",
    readCheckpointHead,
    CheckpointHeadSchema,
    [
      { v: 1, source: "s", startedAt: 1, at: 2, cursor: 3, requests: 4, listing: { pages: 5, done: false, total: 6, changed: true, skipped: 7, maxPages: 8, announced: 9 }, chunks: 10 },
      { v: 1, source: "", startedAt: 0, at: 0, cursor: 0, requests: 0, listing: { pages: 0, done: true, changed: false, skipped: 0, maxPages: 1000 }, chunks: 0 },
    ],
  ],
  ["checkpoint listing part", readListingPart, ListingPartSchema, [{ apps: [app, { slug: "b", name: "B" }], rows: [{ i: "a", n: "A", h: [0, 1] }, { i: "b" }] }, { apps: [], rows: [] }]],
  ["checkpoint answers part", readAnswersPart, AnswersPartSchema, [{ apps: [app], rows: [{ i: "a", r: [0], h: [], s: 2 }, { i: "b", e: apiErrorFull }, { i: "c" }] }]],
  [
    "relay healthy list",
    readRelayHealthyList,
    RelayHealthyListSchema,
    [
      { source: "abc12345", etag: '"h1"', apps: [app, { slug: "jira", name: "Jira" }], accounts: [{ id: "acme", name: "Acme", apps: [0, 1] }, { id: "globex", apps: [1] }] },
      { source: "", apps: [], accounts: [] },
    ],
  ],
  ["preview", readPreview, PreviewSchema, [{ startedAt: 1_700_000_000_000 }, { startedAt: 0, theme: "later" }]],
  ...(Object.keys(FIELD_GUARDS) as (keyof typeof FIELD_GUARDS)[]).map(
    (field): [string, Guard<unknown>, Schema, unknown[]] => [
      `settings field ${field}`,
      FIELD_GUARDS[field],
      SETTINGS_FIELD_SCHEMAS[field],
      [{ label: "  Production ".padEnd(90, "x"), apiKey: "tk_1", baseUrl: "https://api.gocobalt.io", linkedAccountIds: ["a", "b"], intervalMinutes: 0.4, requestsPerMinute: 5000 }[field], ...(field.endsWith("Minutes") || field.endsWith("Minute") ? [7, 30.5, -3] : [])],
    ],
  ),
  ...(Object.keys(RELAY_FIELD_GUARDS) as (keyof typeof RELAY_FIELD_GUARDS)[]).map(
    (field): [string, Guard<unknown>, Schema, unknown[]] => [
      `relay settings field ${field}`,
      RELAY_FIELD_GUARDS[field],
      RELAY_FIELD_SCHEMAS[field],
      [{ label: " Team ", relayUrl: "https://relay.example.com", token: "rly_1", intervalMinutes: 0.2, badgeUnclaimedOnly: true }[field], ...(field === "intervalMinutes" ? [3, 99_999, -1] : [])],
    ],
  ),
  ["notifications preference", bool, NOTIFICATIONS_SCHEMA, [true, false]],
  [
    "mute",
    readMute,
    MuteSchema,
    [
      { sourceId: "main", accountId: "acme", slug: "slack", at: 1, until: 2 },
      { sourceId: "main", accountId: "acme", at: 1, breaks: [{ slug: "slack", since: 3 }, { slug: "hubspot" }] },
    ],
  ],
  [
    "follow-up",
    readFollowUp,
    FollowUpSchema,
    [
      { sourceId: "main", accountId: "acme", slug: "slack", name: "Slack", kind: "reconnect", startedAt: 1, due: [2, 3], tabId: 7 },
      { sourceId: "main", accountId: "acme", slug: "slack", name: "Slack", kind: "copy", startedAt: 1, due: [], outcome: { fixed: true, at: 9 } },
    ],
  ],
];

/** Every place in a value where something can be damaged: object fields and array items, at any depth. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [at, ...value.flatMap((item, index) => paths(item, [...at, index]))];
  if (typeof value === "object" && value !== null) return [at, ...Object.entries(value).flatMap(([key, inner]) => paths(inner, [...at, key]))];
  return [at];
}

type Change = { remove: true } | { set: unknown } | { addField: true };

/** A copy of `value` with one change at `path`. */
function changed(value: unknown, path: (string | number)[], change: Change): unknown {
  if (path.length === 0) {
    if ("set" in change) return change.set;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value, unknownField: 1 } : value;
  }
  const [head, ...rest] = path;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  if (rest.length === 0 && "remove" in change) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head!];
  } else copy[head!] = changed(copy[head!], rest, change);
  return copy;
}

/** The valid inputs, and each with one place damaged: removed, replaced by a hostile value, or given an unknown field. */
function inputsFrom(valid: unknown[]): unknown[] {
  const inputs: unknown[] = [...valid, ...HOSTILE, undefined];
  for (const sample of valid) {
    for (const path of paths(sample)) {
      if (path.length > 0) inputs.push(changed(sample, path, { remove: true }));
      for (const hostile of HOSTILE) inputs.push(changed(sample, path, { set: hostile }));
      inputs.push(changed(sample, path, { addField: true }));
    }
  }
  return inputs;
}

describe.each(PAIRS)("the %s guard", (_name, guard, schema, valid) => {
  const inputs = inputsFrom(valid);

  it("reads every valid input", () => {
    for (const input of valid) expect(guard(input), JSON.stringify(input)).toBeDefined();
  });

  it(`gives what its zod schema gives, on ${inputs.length} valid, damaged and hostile inputs`, () => {
    let refused = 0;
    for (const input of inputs) {
      const zod = schema.safeParse(input);
      const read = guard(input);
      const shown = JSON.stringify(input, (_key, value: unknown) => (typeof value === "number" && !Number.isFinite(value) ? String(value) : value));
      expect(read === undefined, `refused? ${shown}`).toBe(!zod.success);
      if (zod.success) expect(read, shown).toEqual(zod.data);
      else refused++;
    }
    // The inputs do test refusals, not only readings.
    expect(refused).toBeGreaterThan(0);
  });
});
