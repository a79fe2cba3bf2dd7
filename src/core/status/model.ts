import type { ErrorInfo } from "../api/errors.ts";
import type { AppRecord } from "../api/records.ts";
import type { TeamDesk } from "./desk.ts";

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
   * Refresh back for at most 30 s from here (see core/check/schedule.ts). */
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
  /** Something worth knowing about the last check that is not a failure (worded by core/words/notes.ts). */
  notes?: CheckNote[];
  /** How long the last complete check took and how many requests it made. */
  lastRun?: { ms: number; requests: number };
  /** A relay source's results only (relay/client/check.ts). */
  relay?: RelayMeta;
}

/** What a relay source keeps beside its results: the status's ETag (for If-None-Match) and the
 * relay's own source ids, in its order (a reconnect link names one). */
export interface RelayMeta {
  /** Absent after a failed poll: the next answer is then read whole. */
  etag?: string;
  sources: string[];
  /**
   * The linked accounts the relay checked and found with nothing to show (every app healthy, no
   * failure), counted rather than listed, and their healthy apps: a relay's compact status lists
   * only the accounts with something to show, so that it grows with what is broken, not with the
   * org. With it, an account missing from `accounts` is one of these (or gone).
   */
  unlisted?: { accounts: number; healthyApps: number };
  /** This browser's member name, as the relay calls it: set by a relay with a team desk (desk.ts), whose claims then read "You". */
  member?: string;
  /** The team's desk (desk.ts): who is on which break, team mutes, notes. */
  desk?: TeamDesk;
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

/** Linked accounts the results cover: those listed, and those a relay counted without listing. */
export function accountsWatched(status: Status): number {
  return status.accountsTotal ?? status.accounts.length + (status.relay?.unlisted?.accounts ?? 0);
}

/** Healthy connected apps: each listed account's, and those of the accounts a relay only counted. */
export function healthyAppCount(status: Status): number {
  return status.accounts.reduce((sum, account) => sum + account.healthyCount, status.relay?.unlisted?.healthyApps ?? 0);
}

/**
 * Whether the list leaves out checked, healthy accounts (a relay's compact status): an account
 * missing from it is then healthy as of `checkedAt`, not unknown.
 */
export function listsOnlyAttention(status: Status): boolean {
  return status.relay?.unlisted !== undefined;
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
