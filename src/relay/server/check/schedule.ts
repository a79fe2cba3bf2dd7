import { shouldCheck } from "../../../core/check/schedule.ts";
import type { CheckSettings } from "../../../core/settings/model.ts";
import type { Status } from "../../../core/status/model.ts";

/*
 * When a source's runner asks Cobalt next: pure decisions on top of the core's shouldCheck, so
 * the relay honours backoff and Retry-After exactly as the extension does.
 */

/** Webhook events arriving together become one re-check. */
export const COALESCE_MS = 250;
/** One linked account is re-checked for events at most this often (Cobalt retries deliveries). */
export const RECHECK_GAP_MS = 5_000;
/** A rejected key or refused access waits for an admin; the relay still tries again this often. */
export const USER_WAIT_MS = 60 * 60_000;

/**
 * Milliseconds until the next full check (≤ 0: now). On schedule one interval after the last
 * start; after a transient failure when its backoff ends; while Cobalt's Retry-After runs, not
 * before it ends; when waiting for an admin, hourly. One an admin asked for (`requested`) runs at
 * once unless Cobalt's Retry-After runs.
 */
export function fullCheckDueIn(settings: CheckSettings, status: Status, lastFullAt: number, now: number, requested = false): number {
  // Asked for by an admin: at once, as a Refresh is, except while Cobalt's Retry-After runs.
  if (requested) return shouldCheck("refresh", settings, status, now).run ? 0 : Math.max(1, (status.backoff?.notBefore ?? now + 1_000) - now);
  const decision = shouldCheck("alarm", settings, status, now);
  const interval = settings.intervalMinutes * 60_000;
  if (decision.run) return status.error && status.backoff ? 0 : lastFullAt + interval - now;
  if (decision.reason === "waiting for the user") return lastFullAt + Math.max(USER_WAIT_MS, interval) - now;
  if (status.backoff) return status.backoff.notBefore - now;
  return Infinity;
}

/**
 * Which accounts hinted by webhooks to re-check now, or how long to wait: nothing while Cobalt's
 * Retry-After runs (the core's rule for a manual refresh), each account at most every
 * RECHECK_GAP_MS, and a batch starts COALESCE_MS after its first hint.
 */
export function recheckDue(
  settings: CheckSettings,
  status: Status,
  pending: ReadonlyMap<string, number>,
  lastRecheckAt: ReadonlyMap<string, number>,
  now: number,
): { ids: string[]; waitMs: number } {
  const decision = shouldCheck("refresh", settings, status, now);
  if (!decision.run) return { ids: [], waitMs: Math.max(1, (status.backoff?.notBefore ?? now + 1_000) - now) };
  const ready: string[] = [];
  let firstHint = Infinity;
  let waitMs = Infinity;
  for (const [id, hintedAt] of pending) {
    const gapEnds = (lastRecheckAt.get(id) ?? -Infinity) + RECHECK_GAP_MS;
    if (gapEnds <= now) {
      ready.push(id);
      firstHint = Math.min(firstHint, hintedAt);
    } else {
      waitMs = Math.min(waitMs, gapEnds - now);
    }
  }
  if (ready.length === 0) return { ids: [], waitMs };
  const coalesced = firstHint + COALESCE_MS - now;
  if (coalesced > 0) return { ids: [], waitMs: Math.min(waitMs, coalesced) };
  return { ids: ready, waitMs };
}
