import type { AppRecord } from "../api/records.ts";
import { EMPTY_STATUS, STATUS_VERSION, type AccountStatus, type ErrorInfo, type HealthyApps, type Status } from "../status/model.ts";
import { HEALTHY_NOTICE, STATUS_NOTICE, parseStoredHealthy, parseStoredStatus } from "../status/stored.ts";
import { readAppFields, readCatalog, readHeader, readShard, type Catalog, type Header, type Row } from "./rows.ts";
import { type StoredStatusFields } from "../status/stored.ts";
import type { Notice } from "../settings/notices.ts";
import { DEFAULT_SOURCE, LEGACY_KEYS, resultKeys, type ResultKeys } from "./keys.ts";
import { chooseShardCount, decodeOrder, encodeOrder, isValidShardCount, shardOf } from "./shards.ts";
import { canonicalJson, stableSlots } from "../kit/slots.ts";
import { dict, own } from "../kit/dict.ts";

/*
 * How a source's check results are stored (format 2; format 1 was the single `status` key plus
 * `healthy`, read and migrated on the first write). Keys of source "main":
 *
 *   status.main          header: { v: 2, shards, source, checkedAt, error, backoff, cycle,
 *                        fullCheckCursor, accountsTotal, notes, lastRun }: every Status field
 *                        but the accounts. Rewritten by every check; a few hundred bytes.
 *   status.main.apps     { apps: [AppRecord | null], errors: [ErrorInfo | null] }: the app catalog
 *                        (one entry per slug: apps are org-wide in Cobalt) and the distinct
 *                        per-account errors. An entry keeps its index while used; holes are reused.
 *   status.main.order    the accounts' order: each account's shard number, base 36, 1–2 chars.
 *   status.main.acc.<n>  the accounts whose id hashes to n (shards.ts), in order, each a row
 *                        { i: id, n: name, h: healthy apps, r: apps needing re-auth,
 *                          t: checkedAt or null, e: error index, s: skipped, c: healthyCount,
 *                          f: per-app fields of this account's apps needing re-auth, keyed by
 *                             catalog index: { "<index>": { since } } }
 *                        with every field but i left out when empty or implied:
 *                        - apps are catalog indices, healthy ones sorted;
 *                        - t only when the account's checkedAt differs from the header's, so a
 *                          healthy account's shard stays byte-identical from check to check;
 *                        - c only when it differs from the number of healthy apps.
 *
 * Room to grow: a row, the header and a catalog entry may gain fields (more per-account app
 * fields go beside since in f); readers ignore fields they do not know, so that is not a format
 * change. f itself came that way: rows stored before it read with no since (see
 * core/check/since.ts for what that means), and a damaged f loses the since alone. A change old readers would misread bumps FORMAT_VERSION; a header with a
 * version this code does not know is set aside, never misread.
 *
 * A write sets only the keys whose value changed and removes the keys no longer used. Everything
 * read is parsed: a damaged shard loses its accounts alone, with a notice; a damaged header or
 * catalog sets the whole result aside (the next check rebuilds it). Unknown fields are ignored.
 */

export const FORMAT_VERSION = 2;

export type StoredItems = Record<string, unknown>;

// What is read back is checked by the hand-written guards of rows.ts and status/stored.ts (their
// zod twins, which state the same shapes, are in test/unit/support/schemas.ts).

/*
 * Compile-time guard: a field added to Status, AccountStatus or AppRecord must be given a place
 * in this layout (here, encodeAccount and decodeShard), or it would be dropped on the next read.
 */
type Unhandled<T, Handled extends keyof T> = [Exclude<keyof T, Handled>] extends [never] ? true : Exclude<keyof T, Handled>;
type Assert<T extends true> = T;
export type EveryFieldStored = [
  Assert<Unhandled<Status, "schemaVersion" | "accounts" | keyof StoredStatusFields>>,
  Assert<Unhandled<AccountStatus, "id" | "name" | "checkedAt" | "reauth" | "healthyCount" | "error" | "skipped">>,
  Assert<Unhandled<AppRecord, "slug" | "name" | "icon" | "authType" | "since">>,
];

export interface DecodedResults {
  status: Status;
  healthy: HealthyApps;
  /** Why some or all of the results were set aside. */
  notice?: Notice;
  /** The same, for the healthy apps (shown where they are listed). */
  healthyNotice?: Notice;
}

export function decodeResults(raw: StoredItems, source = DEFAULT_SOURCE): DecodedResults {
  const keys = resultKeys(source);
  if (raw[keys.header] === undefined) return source === DEFAULT_SOURCE ? decodeLegacy(raw) : { status: EMPTY_STATUS, healthy: {} };
  const tables = readTables(raw, keys);
  if (!tables) return { status: EMPTY_STATUS, healthy: {}, notice: STATUS_NOTICE, healthyNotice: HEALTHY_NOTICE };
  const { header, catalog } = tables;
  const storedOrder = raw[keys.order];
  const order = typeof storedOrder === "string" ? decodeOrder(storedOrder, header.shards) : undefined;
  const placed = order ? inOrder(raw, keys, catalog, header, order) : inShardOrder(raw, keys, catalog, header);

  const accounts: AccountStatus[] = [];
  const healthy: HealthyApps = dict();
  for (const { account, apps } of placed.entries) {
    accounts.push(account);
    healthy[account.id] = apps;
  }
  const { v: _version, shards: _shards, ...fields } = header;
  const status: Status = { schemaVersion: STATUS_VERSION, ...fields, accounts };
  if (placed.lost === 0) return { status, healthy };
  const notice: Notice = Number.isFinite(placed.lost) ? { code: "accounts-unreadable", count: placed.lost } : { code: "part-unreadable" };
  return { status, healthy, notice, healthyNotice: HEALTHY_NOTICE };
}

interface Placed {
  entries: Entry[];
  /** Accounts that could not be read: Infinity when their number is unknown. */
  lost: number;
}

/**
 * The order says which shards hold accounts and how many: only those are read. A shard the order
 * does not use may be left over from the previous check (it is removed just after the write).
 */
function inOrder(raw: StoredItems, keys: ResultKeys, catalog: Catalog, header: Header, order: number[]): Placed {
  const shards = new Map<number, Entry[] | undefined>();
  const taken = new Map<number, number>();
  const placed: Placed = { entries: [], lost: 0 };
  for (const shard of order) {
    if (!shards.has(shard)) shards.set(shard, decodeShard(raw[keys.shard(shard)], catalog, header.checkedAt));
    const index = taken.get(shard) ?? 0;
    taken.set(shard, index + 1);
    const entry = shards.get(shard)?.[index];
    if (entry) placed.entries.push(entry);
    else placed.lost++;
  }
  return placed;
}

/** Without a readable order, every shard there is, one after the other. */
function inShardOrder(raw: StoredItems, keys: ResultKeys, catalog: Catalog, header: Header): Placed {
  const placed: Placed = { entries: [], lost: 0 };
  for (let shard = 0; shard < header.shards; shard++) {
    const value = raw[keys.shard(shard)];
    if (value === undefined) continue;
    const entries = decodeShard(value, catalog, header.checkedAt);
    if (entries) placed.entries.push(...entries);
    else placed.lost = Infinity;
  }
  return placed;
}

function decodeLegacy(raw: StoredItems): DecodedResults {
  const status = parseStoredStatus(raw[LEGACY_KEYS.status]);
  const healthy = parseStoredHealthy(raw[LEGACY_KEYS.healthy]);
  const decoded: DecodedResults = { status: status.value, healthy: healthy.value };
  if (status.notice) decoded.notice = status.notice;
  if (healthy.notice) decoded.healthyNotice = healthy.notice;
  return decoded;
}

function readTables(raw: StoredItems, keys: ResultKeys): { header: Header; catalog: Catalog } | undefined {
  const header = readHeader(raw[keys.header]);
  if (!header || header.v !== FORMAT_VERSION || !isValidShardCount(header.shards)) return undefined;
  const catalog = readCatalog(raw[keys.catalog] ?? { apps: [], errors: [] });
  return catalog ? { header, catalog } : undefined;
}

interface Entry {
  account: AccountStatus;
  apps: AppRecord[];
}

/** One shard's accounts, or undefined if any part of it cannot be read. */
function decodeShard(value: unknown, catalog: Catalog, checkedAt: number | undefined): Entry[] | undefined {
  const rows = readShard(value);
  if (!rows) return undefined;
  const entries: Entry[] = [];
  for (const row of rows) {
    const reauth = resolveApps(row.r, catalog.apps, appFields(row.f));
    const apps = resolveApps(row.h, catalog.apps);
    if (!reauth || !apps) return undefined;
    const account: AccountStatus = { id: row.i, reauth, healthyCount: row.c ?? apps.length };
    if (row.n !== undefined) account.name = row.n;
    const at = row.t === undefined ? checkedAt : (row.t ?? undefined);
    if (at !== undefined) account.checkedAt = at;
    if (row.e !== undefined) {
      const error = slot(catalog.errors, row.e);
      if (!error) return undefined;
      account.error = error;
    }
    if (row.s !== undefined) account.skipped = row.s;
    entries.push({ account, apps });
  }
  return entries;
}

/**
 * Catalog entries by index, with this account's own fields for them (copies: a catalog entry is
 * shared by every account); an index that is not an entry makes the whole shard unreadable.
 */
function resolveApps(refs: number[] = [], apps: Catalog["apps"], fields?: Map<string, { since?: number }>): AppRecord[] | undefined {
  const records: AppRecord[] = [];
  for (const ref of refs) {
    const record = slot(apps, ref);
    if (!record) return undefined;
    const since = fields?.get(String(ref))?.since;
    records.push(since === undefined ? record : { ...record, since });
  }
  return records;
}

/** A row's f, entry by entry; what cannot be read is left out. Most rows have none. */
function appFields(raw: unknown): Map<string, { since?: number }> | undefined {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const fields = new Map<string, { since?: number }>();
  for (const [index, value] of Object.entries(raw)) {
    const parsed = readAppFields(value);
    if (parsed) fields.set(index, parsed);
  }
  return fields;
}

function slot<T>(table: readonly (T | null)[], index: number): T | undefined {
  return Number.isInteger(index) ? (table[index] ?? undefined) : undefined;
}

/** Every key of a source's results, from scratch; `previous` keeps indices and shards stable. */
export function encodeResults(
  status: Status,
  healthy: HealthyApps,
  previous: { catalog?: Catalog; shards?: number } = {},
  source = DEFAULT_SOURCE,
): StoredItems {
  const keys = resultKeys(source);
  const shardCount = chooseShardCount(status.accounts.length, previous.shards);
  const apps = appTable(status, healthy, previous.catalog?.apps ?? []);
  const errors = errorTable(status, previous.catalog?.errors ?? []);
  const shards: Row[][] = Array.from({ length: shardCount }, () => []);
  const order: number[] = [];
  for (const account of status.accounts) {
    const shard = shardOf(account.id, shardCount);
    shards[shard]!.push(encodeAccount(account, own(healthy, account.id) ?? [], apps.indexOf, errors.indexOf, status.checkedAt));
    order.push(shard);
  }
  const { schemaVersion: _version, accounts: _accounts, ...fields } = status;
  const items: StoredItems = {
    [keys.header]: withoutUndefined({ v: FORMAT_VERSION, shards: shardCount, ...fields }),
    [keys.catalog]: { apps: apps.slots, errors: errors.slots },
    [keys.order]: encodeOrder(order, shardCount),
  };
  shards.forEach((entries, index) => {
    if (entries.length > 0) items[keys.shard(index)] = entries;
  });
  return items;
}

function encodeAccount(
  account: AccountStatus,
  healthyApps: AppRecord[],
  appIndex: Map<string, number>,
  errorIndex: Map<string, number>,
  checkedAt: number | undefined,
): Row {
  const ref = (record: AppRecord) => appIndex.get(record.slug)!;
  const row: Row = { i: account.id };
  if (account.name !== undefined) row.n = account.name;
  if (healthyApps.length > 0) row.h = healthyApps.map(ref).sort((a, b) => a - b);
  if (account.reauth.length > 0) row.r = account.reauth.map(ref);
  const fields = appFieldsOf(account.reauth, ref);
  if (fields) row.f = fields;
  if (account.checkedAt !== checkedAt) row.t = account.checkedAt ?? null;
  if (account.error) row.e = errorIndex.get(canonicalJson(account.error))!;
  if (account.skipped !== undefined) row.s = account.skipped;
  if (account.healthyCount !== healthyApps.length) row.c = account.healthyCount;
  return row;
}

/** The row's f: since of each app needing re-auth that has one (keys in index order, as JSON
 * orders integer keys, so the same data always gives the same text). */
function appFieldsOf(reauth: readonly AppRecord[], ref: (record: AppRecord) => number): Record<string, { since: number }> | undefined {
  let fields: Record<string, { since: number }> | undefined;
  for (const record of reauth) {
    if (record.since === undefined) continue;
    fields ??= {};
    fields[String(ref(record))] = { since: record.since };
  }
  return fields;
}

/**
 * One catalog entry per slug. A record from the full application call (it has an auth type) is
 * authoritative; the listing's cheaper record (no auth type) only stands in until there is one,
 * so an app does not flip between the two as accounts rotate through full checks.
 */
function appTable(status: Status, healthy: HealthyApps, previous: readonly (AppRecord | null)[]) {
  const chosen = new Map<string, AppRecord>();
  const consider = (record: AppRecord) => {
    const current = chosen.get(record.slug);
    if (!current || (current.authType === undefined && record.authType !== undefined)) chosen.set(record.slug, catalogPart(record));
  };
  for (const account of status.accounts) {
    account.reauth.forEach(consider);
    own(healthy, account.id)?.forEach(consider);
  }
  const before = new Map<string, AppRecord>();
  for (const record of previous) if (record && !before.has(record.slug)) before.set(record.slug, record);
  for (const [slug, record] of chosen) {
    const old = before.get(slug);
    if (old?.authType !== undefined && record.authType === undefined) chosen.set(slug, old);
  }
  return stableSlots(previous, (record) => record.slug, chosen);
}

function catalogPart({ slug, name, icon, authType }: AppRecord): AppRecord {
  const record: AppRecord = { slug, name };
  if (icon !== undefined) record.icon = icon;
  if (authType !== undefined) record.authType = authType;
  return record;
}

function errorTable(status: Status, previous: readonly (ErrorInfo | null)[]) {
  const wanted = new Map<string, ErrorInfo>();
  for (const { error } of status.accounts) if (error) wanted.set(canonicalJson(error), error);
  return stableSlots(previous, canonicalJson, wanted);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

export interface ResultsWrite {
  /** Keys whose value changed. */
  set: StoredItems;
  /** Keys no longer used: shards left empty, and the legacy layout once migrated. */
  remove: string[];
}

/**
 * What to write so that storage holds `status`, given what it holds now (`raw`: everything
 * stored). Without `healthy`, each account keeps the healthy apps stored for it.
 */
export function planResultsWrite(raw: StoredItems, status: Status, healthy?: HealthyApps, source = DEFAULT_SOURCE): ResultsWrite {
  const keys = resultKeys(source);
  const tables = raw[keys.header] === undefined ? undefined : readTables(raw, keys);
  const previous = tables ? { catalog: tables.catalog, shards: tables.header.shards } : {};
  const next = encodeResults(status, healthy ?? decodeResults(raw, source).healthy, previous, source);
  const set: StoredItems = {};
  for (const [key, value] of Object.entries(next)) {
    if (JSON.stringify(raw[key]) !== JSON.stringify(value)) set[key] = value;
  }
  const remove = Object.keys(raw).filter((key) => keys.owns(key) && !(key in next));
  if (source === DEFAULT_SOURCE) remove.push(...Object.values(LEGACY_KEYS).filter((key) => key in raw));
  return { set, remove };
}
