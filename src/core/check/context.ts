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
  /**
   * Where the check keeps its work as it goes, and what an earlier run of it kept (checkpoint.ts):
   * a browser may stop the background in the middle of a check, and the next run then carries on
   * instead of starting over. Without it nothing is kept (the relay runs on Node, never stopped).
   */
  checkpoint?: { io: CheckpointIO; resumed?: Resumed };
}

/** Stores parts of a checkpoint, named relative to it ("head", "p.3", "a.0"), in one write. */
export interface CheckpointIO {
  put(entries: Record<string, unknown>): Promise<void>;
}

/**
 * One account as the listing gives it: its name, and its healthy apps when the listing's
 * integrations say none needs re-authentication (without them, the full call decides).
 */
export interface Listed {
  id: string;
  name?: string;
  healthy?: AppRecord[];
}

/** How far a listing has been read, besides its accounts: what a checkpoint keeps of it. */
export interface ListingProgress {
  /** Pages read, from the first. */
  pages: number;
  /** Read to its end. */
  done: boolean;
  /** The total the first page announced. */
  total?: number;
  changed: boolean;
  skipped: number;
  /** The most pages it may take, and the number its totals announced (listing.ts pageLimits). */
  maxPages: number;
  announced?: number;
}

/** What an earlier run of a check kept (read back by checkpoint.ts readCheckpoint). */
export interface Resumed {
  startedAt: number;
  /** Where the rotation stood when the check began. */
  cursor: number;
  /** Requests made so far. */
  requests: number;
  listing: ListingProgress;
  /** The accounts of each page read, in order. */
  pages: Listed[][];
  /** The answers already got, by account. */
  answers: Map<string, Outcome>;
  /** How many parts of answers are kept. */
  chunks: number;
}

/** What the steps of a check tell its checkpoint (checkpoint.ts CheckJournal). */
export interface Journal {
  listed(page: number, accounts: Listed[], progress: ListingProgress): Promise<void>;
  answered(id: string, outcome: Outcome): void;
  /** Stores the answers got since the last flush. */
  flush(): Promise<void>;
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
