import { STATUS_VERSION, type Backoff, type ErrorInfo, type Status } from "../status/model.ts";
import { readPendingBackoff } from "../store/rows.ts";

/**
 * A throttling answer's backoff, kept in storage by the background the moment it arrives, before
 * the check waits (see run.ts onThrottle). If the browser stops the background during that wait,
 * the check's result is lost, but this is not: the next background to start honours it.
 */
export interface PendingBackoff {
  /** The background instance whose check kept it. */
  owner: string;
  /** sourceKey of the settings that check ran with. */
  source: string;
  backoff: Backoff;
  error: ErrorInfo;
}

/** Unreadable means nothing to honour: the next throttling answer writes it afresh. */
export function parsePendingBackoff(raw: unknown): PendingBackoff | undefined {
  // Read by its guard (its zod twin is in test/unit/support/schemas.ts); an older version's English `message`
  // is dropped, like any unknown key.
  return readPendingBackoff(raw);
}

/**
 * The status a starting background stores for a backoff left by a check that was stopped, so
 * that the schedule, the badge and the popup honour it; undefined when there is nothing to
 * honour: the settings changed since, or a status was written after it (that check did end,
 * only the clean-up after it was lost).
 */
export function resumeAfterStop(status: Status, pending: PendingBackoff, currentSource: string): Status | undefined {
  if (pending.source !== currentSource) return undefined;
  if (status.source !== pending.source) {
    // Nothing is known about these settings yet but the wait Cobalt asked for.
    return { schemaVersion: STATUS_VERSION, source: pending.source, accounts: [], error: pending.error, backoff: pending.backoff };
  }
  const writtenAt = Math.max(status.checkedAt ?? -Infinity, status.error?.at ?? -Infinity);
  if (writtenAt >= pending.error.at) return undefined;
  const resumed: Status = { ...status, error: pending.error, backoff: pending.backoff };
  delete resumed.notes;
  return resumed;
}
