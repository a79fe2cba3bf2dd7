import { ANSWERS, ERROR_CAUSES, ERROR_KINDS, type ErrorInfo } from "../api/errors.ts";
import type { AppRecord } from "../records.ts";
import type { AccountStatus, Backoff, CheckNote, Progress, Status } from "../status.ts";
import type { PreviewState } from "../preview/state.ts";
import type { Mute } from "../alerts/mutes.ts";
import type { FollowUp } from "../alerts/followups.ts";

/*
 * Hand-written checks of everything the extension reads back from storage. The popup must open
 * on a few kilobytes of JavaScript (issue 10), and zod alone weighs twice that, so stored data is
 * read with these instead. Each guard is the twin of a zod schema in schemas.ts, which states the
 * same shape declaratively: test/unit/guards.test.ts runs both over the same inputs (valid,
 * damaged and hostile ones) and requires the same result, so they cannot drift apart.
 *
 * A guard returns the value as the zod schema outputs it (unknown keys dropped, transforms
 * applied), or undefined when the schema would reject it. No guard accepts undefined as a value.
 */

export interface Guard<T> {
  (value: unknown): T | undefined;
  /** In an object: the key may be missing (zod's optional). */
  readonly optional?: boolean;
  /** In an object: a value that does not read is dropped, not a failure (zod's catch(optional(…), undefined)). */
  readonly tolerant?: boolean;
}

type Shape = Record<string, Guard<unknown>>;
type Required<S extends Shape> = { [K in keyof S as S[K] extends { optional: true } ? never : K]: S[K] extends Guard<infer T> ? T : never };
type Optional<S extends Shape> = { [K in keyof S as S[K] extends { optional: true } ? K : never]?: S[K] extends Guard<infer T> ? T : never };
export type Shaped<S extends Shape> = Required<S> & Optional<S>;

export const str: Guard<string> = (value) => (typeof value === "string" ? value : undefined);
/** zod's number: finite, never NaN. */
export const num: Guard<number> = (value) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
export const bool: Guard<boolean> = (value) => (typeof value === "boolean" ? value : undefined);
/** Anything at all (zod's unknown); only in an optional field, as undefined is not a value here. */
const anything: Guard<unknown> = (value) => value;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function optional<T>(guard: Guard<T>): Guard<T> & { optional: true } {
  return Object.assign((value: unknown) => guard(value), { optional: true as const });
}

/** Optional, and a value that does not read is left out rather than failing the object. */
export function tolerant<T>(guard: Guard<T>): Guard<T> & { optional: true; tolerant: true } {
  return Object.assign((value: unknown) => guard(value), { optional: true as const, tolerant: true as const });
}

export function oneOf<const T extends string>(values: readonly T[]): Guard<T> {
  return (value) => (values.includes(value as T) ? (value as T) : undefined);
}

export function arrayOf<T>(guard: Guard<T>): Guard<T[]> {
  return (value) => {
    if (!Array.isArray(value)) return undefined;
    const out: T[] = [];
    for (const item of value) {
      const read = guard(item);
      if (read === undefined) return undefined;
      out.push(read);
    }
    return out;
  };
}

/** zod's nullable, for values that are never undefined themselves. */
export function orNull<T>(guard: Guard<T>): Guard<T | null> {
  return (value) => (value === null ? null : guard(value));
}

/** zod's object: the keys of the shape, each read by its guard; any other key is dropped. */
export function object<S extends Shape>(shape: S): Guard<Shaped<S>> {
  const keys = Object.keys(shape);
  return (value) => {
    if (!isRecord(value)) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const guard = shape[key]!;
      const raw = value[key];
      if (raw === undefined) {
        if (guard.optional) continue;
        return undefined;
      }
      const read = guard(raw);
      if (read === undefined) {
        if (guard.tolerant) continue;
        return undefined;
      }
      out[key] = read;
    }
    return out as Shaped<S>;
  };
}

/** The first guard that reads the value (zod's union). */
function firstOf<T>(...guards: Guard<T>[]): Guard<T> {
  return (value) => {
    for (const guard of guards) {
      const read = guard(value);
      if (read !== undefined) return read;
    }
    return undefined;
  };
}

// --- The stored shapes (their zod twins are in schemas.ts, in the same order) ---------------

export const readAppRecord: Guard<AppRecord> = object({ slug: str, name: str, icon: optional(str), authType: optional(str) });

/** Kind, time and parameters; a cause or answer a later version adds is dropped, not a failure. */
export const readErrorInfo: Guard<ErrorInfo> = object({
  kind: oneOf(ERROR_KINDS),
  at: num,
  cause: tolerant(oneOf(ERROR_CAUSES)),
  status: optional(num),
  detail: optional(str),
  retryAfterMs: optional(num),
  origin: optional(str),
  seconds: optional(num),
  pages: optional(num),
  megabytes: optional(num),
  accountId: optional(str),
  answer: tolerant(oneOf(ANSWERS)),
  path: optional(str),
  upstream: tolerant(oneOf(ERROR_KINDS)),
});

const readCheckNote: Guard<CheckNote> = firstOf<CheckNote>(
  object({ code: oneOf(["listing-changed"] as const) }),
  object({ code: oneOf(["accounts-skipped"] as const), count: num }),
  object({ code: oneOf(["no-accounts"] as const) }),
);

export const readBackoff: Guard<Backoff> = object({ failures: num, notBefore: num, retryAfterUntil: optional(num), throttledAt: optional(num) });

/** Every Status field but its schema version and accounts, as every layout stores them. */
export const STATUS_FIELD_GUARDS = {
  source: str,
  checkedAt: optional(num),
  error: optional(readErrorInfo),
  accountsTotal: optional(num),
  backoff: optional(readBackoff),
  fullCheckCursor: optional(num),
  cycle: optional(num),
  lastRun: optional(object({ ms: num, requests: num })),
  // Notes a later version adds are dropped, not a reason to set the whole status aside.
  notes: tolerant(arrayOf(readCheckNote)),
  // Damaged, it costs the ETag alone: the next poll reads the relay's status whole and writes it again.
  relay: tolerant(object({ etag: optional(str), sources: arrayOf(str) })),
};

export type StoredStatusFields = Shaped<typeof STATUS_FIELD_GUARDS>;

const readAccountStatus: Guard<AccountStatus> = object({
  id: str,
  name: optional(str),
  checkedAt: optional(num),
  reauth: arrayOf(readAppRecord),
  healthyCount: num,
  error: optional(readErrorInfo),
  skipped: optional(num),
});

/** The legacy one-key layout's whole status. */
export const readLegacyStatus: Guard<Status> = object({ schemaVersion: num, ...STATUS_FIELD_GUARDS, accounts: arrayOf(readAccountStatus) });

export const readAppList: Guard<AppRecord[]> = arrayOf(readAppRecord);

/** A check under way, or null when none runs. */
export const readProgress: Guard<Progress | null> = orNull(object({ startedAt: num, done: num, total: num, owner: optional(str) }));

// The sharded layout (codec.ts).

export const readHeader = object({ v: num, shards: num, ...STATUS_FIELD_GUARDS });
export type Header = NonNullable<ReturnType<typeof readHeader>>;

export const readCatalog = object({ apps: arrayOf(orNull(readAppRecord)), errors: arrayOf(orNull(readErrorInfo)) });
export type Catalog = NonNullable<ReturnType<typeof readCatalog>>;

const appRefs = optional(arrayOf(num));
const readRow = object({
  i: str,
  n: optional(str),
  h: appRefs,
  r: appRefs,
  t: optional(orNull(num)),
  e: optional(num),
  s: optional(num),
  c: optional(num),
  // Read entry by entry (readAppFields): a damaged one costs its since, not the shard.
  f: optional(anything),
});
export type Row = NonNullable<ReturnType<typeof readRow>>;

export const readShard = arrayOf(readRow);

/** One entry of a row's per-app fields. */
export const readAppFields = object({ since: optional(num) });

/** A throttling answer's backoff kept while its check waits (check/interrupted.ts). */
export const readPendingBackoff = object({
  owner: str,
  source: str,
  backoff: readBackoff,
  error: (value: unknown) => {
    const error = readErrorInfo(value);
    return error?.kind === "rate-limited" ? error : undefined;
  },
});

/** The sample-data preview, while it is on (core/preview/state.ts). */
export const readPreview: Guard<PreviewState> = object({ startedAt: num });

/** One stored mute (core/alerts/mutes.ts checks that it is timed or until fixed). */
export const readMute: Guard<Mute> = object({
  sourceId: str,
  accountId: str,
  slug: optional(str),
  at: num,
  until: optional(num),
  breaks: optional(arrayOf(object({ slug: str, since: optional(num) }))),
});

/** One stored follow-up (core/alerts/followups.ts). */
export const readFollowUp: Guard<FollowUp> = object({
  sourceId: str,
  accountId: str,
  slug: str,
  name: str,
  kind: oneOf(["reconnect", "copy"] as const),
  startedAt: num,
  due: arrayOf(num),
  outcome: optional(object({ fixed: bool, at: num })),
  tabId: optional(num),
});
