import type { ApiError } from "../api/errors.ts";
import type { CobaltClient } from "../api/client.ts";
import type { AppRecord } from "../api/records.ts";
import type { CheckSettings } from "../settings/model.ts";
import type { Backoff, CheckNote, ErrorInfo, HealthyApps, Status } from "../status/model.ts";

/*
 * What the steps of a check share: its inputs (CheckContext), its result, and the plan and
 * outcomes passed from one step to the next (see run.ts for the steps).
 */

export interface CheckContext {
  client: Pick<CobaltClient, "listApplications" | "listLinkedAccounts">;
  settings: CheckSettings;
  previous: Status;
  previousHealthy: HealthyApps;
  /** A user asked (Refresh, Save): accounts waiting for the user are retried too. */
  manual: boolean;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  onProgress?(done: number, total: number): void | Promise<void>;
  /**
   * Called on every throttling answer, before the check waits or gives up: keep this where it
   * outlives the check (the browser may stop the background while it waits).
   */
  onThrottle?(throttled: Throttled): void | Promise<void>;
  concurrency?: number;
  pageSize?: number;
}

/** What a throttling answer means for when Cobalt may be asked next. */
export interface Throttled {
  backoff: Backoff;
  error: ErrorInfo;
}

export interface CheckResult {
  status: Status;
  healthy: HealthyApps;
  requests: number;
}

/** One linked account this check reports on, and how its data is obtained. */
export interface Target {
  id: string;
  name?: string;
  /** Filled from the listing's integrations when a full check is not needed this cycle. */
  cheap?: { healthy: AppRecord[] };
  /** Known from before but missing from an incomplete listing: kept as it was, not asked. */
  kept?: true;
}

/** The planning step's answer: whom to report on, and what the listing said along the way. */
export interface Planned {
  targets: Target[];
  nextCursor: number;
  notes: CheckNote[];
  /** Linked accounts the key can see, when the listing was read. */
  accountsTotal?: number;
}

export type Outcome = { ok: true; reauth: AppRecord[]; healthy: AppRecord[]; skipped: number } | { ok: false; error: ApiError };

/** The fetching step's answer. */
export interface Fetched {
  outcomes: Map<string, Outcome>;
  /** The accounts that were to be asked (in order), whether or not they were reached. */
  queue: Target[];
  successes: number;
}
