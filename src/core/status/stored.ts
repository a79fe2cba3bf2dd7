import { ANSWERS, ERROR_CAUSES, ERROR_KINDS, type ErrorInfo } from "../api/errors.ts";
import type { AppRecord } from "../api/records.ts";
import { arrayOf, firstOf, num, object, oneOf, optional, orNull, str, tolerant, type Guard, type Shaped } from "../kit/guards.ts";
import type { Notice } from "../settings/notices.ts";
import { readTeamDesk } from "./desk.ts";
import { STATUS_VERSION, EMPTY_STATUS, type AccountStatus, type Backoff, type CheckNote, type HealthyApps, type Progress, type Status } from "./model.ts";
import { dict } from "../kit/dict.ts";

/*
 * Results as read back from storage: a guard per stored shape (twins of the zod schemas in
 * test/unit/support/schemas.ts, held together by guards.test.ts), and the readers of the legacy
 * one-key layout. A damaged part reads as undefined, never as a throw.
 */

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
  // Damaged, it costs the ETag (and the desk) alone: the next poll reads the relay's status whole and writes it again.
  relay: tolerant(object({ etag: optional(str), sources: arrayOf(str), unlisted: optional(object({ accounts: num, healthyApps: num })), member: optional(str), desk: optional(readTeamDesk) })),
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

/** Unreadable progress means no check is known to run: the next check writes it afresh. */
export function parseStoredProgress(raw: unknown): Progress | null {
  return readProgress(raw ?? null) ?? null;
}

export interface Parsed<T> {
  value: T;
  notice?: Notice;
}

export const STATUS_NOTICE: Notice = { code: "results-unreadable" };
export const HEALTHY_NOTICE: Notice = { code: "healthy-unreadable" };

/** The legacy layout's `status` key (see core/store/codec.ts for today's layout). */
export function parseStoredStatus(raw: unknown): Parsed<Status> {
  if (raw === undefined) return { value: EMPTY_STATUS };
  const status = readLegacyStatus(raw);
  if (status && status.schemaVersion <= STATUS_VERSION) return { value: status };
  return { value: EMPTY_STATUS, notice: STATUS_NOTICE };
}

/** The legacy layout's `healthy` key. */
export function parseStoredHealthy(raw: unknown): Parsed<HealthyApps> {
  if (raw === undefined) return { value: {} };
  const damaged = { value: {}, notice: HEALTHY_NOTICE };
  // One list per account, read in turn.
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return damaged;
  const value: HealthyApps = dict();
  for (const [id, apps] of Object.entries(raw)) {
    const list = readAppList(apps);
    if (!list) return damaged;
    value[id] = list;
  }
  return { value };
}
