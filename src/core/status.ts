import { z } from "./zod.ts";
import { ANSWERS, ERROR_CAUSES, ERROR_KINDS, type ErrorInfo } from "./api/errors.ts";
import type { Notice } from "./notices.ts";
import type { AppRecord } from "./records.ts";

/*
 * The result of checking: the single source of truth that the badge, the popup and the options
 * page render. Written only by the background, always in one storage write. These are the
 * in-memory types; how they are stored is core/store/codec.ts.
 */

/** The version of these in-memory types, and of the legacy one-key layout that stored them as is. */
export const STATUS_VERSION = 1;

export type { ErrorInfo };

export interface AccountStatus {
  id: string;
  name?: string;
  /** When this account's data was last fetched successfully. */
  checkedAt?: number;
  /** Last good data, kept through later failures. */
  reauth: AppRecord[];
  healthyCount: number;
  /** Set when the latest attempt for this account failed. */
  error?: ErrorInfo;
  /** Items of the answer that could not be read. */
  skipped?: number;
}

export interface Backoff {
  failures: number;
  notBefore: number;
  /** Set when Cobalt's Retry-After asked for the wait: then even a Refresh honours it. */
  retryAfterUntil?: number;
  /** When the last throttling answer came (rate limits only); the extension's own wait holds a
   * Refresh back for at most 30 s from here (see core/schedule.ts). */
  throttledAt?: number;
}

/** Something about the last check worth knowing that is not a failure, as data. */
export type CheckNote = { code: "listing-changed" } | { code: "accounts-skipped"; count: number } | { code: "no-accounts" };

export interface Status {
  schemaVersion: number;
  /** Fingerprint of the settings these results belong to. */
  source: string;
  checkedAt?: number;
  /** A failure of the whole check (key rejected, offline…); per-account failures sit on accounts. */
  error?: ErrorInfo;
  accounts: AccountStatus[];
  /** Linked accounts the key can see, when the listing was read. */
  accountsTotal?: number;
  backoff?: Backoff;
  /** Progress of "watch every account" through full re-checks (see core/check/plan.ts). */
  fullCheckCursor?: number;
  cycle?: number;
  /** Something worth knowing about the last check that is not a failure (worded by check/notes.ts). */
  notes?: CheckNote[];
  /** How long the last complete check took and how many requests it made. */
  lastRun?: { ms: number; requests: number };
  /** A relay source's results only (core/relay-check.ts). */
  relay?: RelayMeta;
}

/** What a relay source keeps beside its results: the status's ETag (for If-None-Match) and the
 * relay's own source ids, in its order (a reconnect link names one). */
export interface RelayMeta {
  /** Absent after a failed poll: the next answer is then read whole. */
  etag?: string;
  sources: string[];
}

export type HealthyApps = Record<string, AppRecord[]>;

/**
 * A check under way, kept under its own small storage key: progress is written every second
 * or so, and rewriting the whole status (a megabyte for a large org) each time would be waste.
 * `null` when no check runs.
 */
export interface Progress {
  startedAt: number;
  done: number;
  total: number;
  /** The background instance running the check. A mark from another one is left over from a
   * background the browser stopped, and no check stands behind it. */
  owner?: string;
}

export const EMPTY_STATUS: Status = { schemaVersion: STATUS_VERSION, source: "", accounts: [] };

export const AppRecordSchema = z.object({
  slug: z.string(),
  name: z.string(),
  icon: z.optional(z.string()),
  authType: z.optional(z.string()),
});

const ErrorKindSchema = z.enum(ERROR_KINDS);

/** A cause or answer a later version adds is dropped, not a reason to set the whole entry aside. */
const tolerant = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

/**
 * Kind, time and parameters (see ErrorParams). Older versions also stored an English `message`:
 * it is dropped when read (unknown keys are), and the kind and time still read.
 */
export const ErrorInfoSchema = z.object({
  kind: ErrorKindSchema,
  at: z.number(),
  cause: tolerant(z.enum(ERROR_CAUSES)),
  status: z.optional(z.number()),
  detail: z.optional(z.string()),
  retryAfterMs: z.optional(z.number()),
  origin: z.optional(z.string()),
  seconds: z.optional(z.number()),
  pages: z.optional(z.number()),
  megabytes: z.optional(z.number()),
  accountId: z.optional(z.string()),
  answer: tolerant(z.enum(ANSWERS)),
  path: z.optional(z.string()),
  upstream: tolerant(ErrorKindSchema),
}) satisfies z.ZodMiniType<ErrorInfo, unknown>;

const CheckNoteSchema = z.union([
  z.object({ code: z.literal("listing-changed") }),
  z.object({ code: z.literal("accounts-skipped"), count: z.number() }),
  z.object({ code: z.literal("no-accounts") }),
]);

/**
 * Every field of Status but its schema version and accounts, as stored: one list for every
 * layout (the legacy `status` key and the header of the sharded one). A field added to Status
 * is added here, and both layouts keep it.
 */
export const STATUS_FIELDS = {
  source: z.string(),
  checkedAt: z.optional(z.number()),
  error: z.optional(ErrorInfoSchema),
  accountsTotal: z.optional(z.number()),
  backoff: z.optional(
    z.object({ failures: z.number(), notBefore: z.number(), retryAfterUntil: z.optional(z.number()), throttledAt: z.optional(z.number()) }),
  ),
  fullCheckCursor: z.optional(z.number()),
  cycle: z.optional(z.number()),
  lastRun: z.optional(z.object({ ms: z.number(), requests: z.number() })),
  // Notes a later version adds are dropped, not a reason to set the whole status aside.
  notes: z.catch(z.optional(z.array(CheckNoteSchema)), undefined),
  // Damaged, it costs the ETag alone: the next poll reads the relay's status whole and writes it again.
  relay: z.catch(z.optional(z.object({ etag: z.optional(z.string()), sources: z.array(z.string()) })), undefined),
};

// Strict about what we own: keys written by an older version are dropped on the next write.
const StatusSchema = z.object({
  schemaVersion: z.number(),
  ...STATUS_FIELDS,
  accounts: z.array(
    z.object({
      id: z.string(),
      name: z.optional(z.string()),
      checkedAt: z.optional(z.number()),
      reauth: z.array(AppRecordSchema),
      healthyCount: z.number(),
      error: z.optional(ErrorInfoSchema),
      skipped: z.optional(z.number()),
    }),
  ),
});

const AppListSchema = z.array(AppRecordSchema);

const ProgressSchema = z.nullable(z.object({ startedAt: z.number(), done: z.number(), total: z.number(), owner: z.optional(z.string()) }));

/** Unreadable progress means no check is known to run: the next check writes it afresh. */
export function parseStoredProgress(raw: unknown): Progress | null {
  const result = ProgressSchema.safeParse(raw ?? null);
  return result.success ? result.data : null;
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
  const result = StatusSchema.safeParse(raw);
  if (result.success && result.data.schemaVersion <= STATUS_VERSION) return { value: result.data as Status };
  return { value: EMPTY_STATUS, notice: STATUS_NOTICE };
}

/** The legacy layout's `healthy` key. */
export function parseStoredHealthy(raw: unknown): Parsed<HealthyApps> {
  if (raw === undefined) return { value: {} };
  const damaged = { value: {}, notice: HEALTHY_NOTICE };
  // One list per account, parsed in turn: z.record would add its weight to the popup for this alone.
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return damaged;
  const value: HealthyApps = {};
  for (const [id, apps] of Object.entries(raw)) {
    const result = AppListSchema.safeParse(apps);
    if (!result.success) return damaged;
    value[id] = result.data;
  }
  return { value };
}

export function reauthCount(status: Status): number {
  return status.accounts.reduce((sum, account) => sum + account.reauth.length, 0);
}

export function accountsNeedingReauth(status: Status): number {
  return status.accounts.filter((account) => account.reauth.length > 0).length;
}

export function failedAccounts(status: Status): AccountStatus[] {
  return status.accounts.filter((account) => account.error !== undefined);
}
