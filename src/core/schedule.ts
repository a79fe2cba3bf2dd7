import { ApiError, isTransient, type ErrorKind } from "./api/errors.ts";
import { sourceKey, type Settings } from "./settings.ts";
import type { Backoff, Status } from "./status.ts";

export const ALARM_NAME = "check";
export const RETRY_ALARM_NAME = "retry";
const FIRST_RETRY_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;
const ALARM_SLACK_MS = 2_000;

/** Failures that wait for the user: retrying cannot help until something changes. */
export function needsUser(kind: ErrorKind): boolean {
  return !isTransient(kind);
}

/** "open": the popup was opened. It checks only when the data is older than the schedule
 * promises (a missed alarm after sleep), so opening the popup never goes stale silently. */
export type Trigger = "alarm" | "retry" | "refresh" | "settings" | "startup" | "open";

export type Decision = { run: true } | { run: false; reason: string };

/** Whether a check should start now. Manual triggers override waiting for the user. */
export function shouldCheck(trigger: Trigger, settings: Settings, status: Status, now: number): Decision {
  if (settings.apiKey.trim() === "") return { run: false, reason: "not set up" };
  const sameSource = status.source === sourceKey(settings);
  if (trigger === "settings" || !sameSource) return { run: true };
  // Cobalt told us when to come back; that holds for a manual refresh too.
  if (status.backoff && status.error?.kind === "rate-limited" && now < status.backoff.notBefore) {
    return { run: false, reason: "rate limited" };
  }
  if (trigger === "refresh") return { run: true };
  if (trigger === "open" && status.checkedAt !== undefined && now - status.checkedAt < settings.intervalMinutes * 60_000) {
    return { run: false, reason: "fresh enough" };
  }
  if (status.error && needsUser(status.error.kind)) return { run: false, reason: "waiting for the user" };
  // The retry alarm is set for the end of the backoff; a browser may fire it a moment early.
  const slack = trigger === "retry" ? ALARM_SLACK_MS : 0;
  if (status.backoff && now + slack < status.backoff.notBefore) return { run: false, reason: "backing off" };
  return { run: true };
}

/**
 * Exponential backoff with jitter for transient failures: 30 s, 1, 2, 4… minutes up to an hour,
 * ±20 %, or exactly what Retry-After asked for. After the first retries it never runs more often
 * than the schedule: the wait is at least one interval from the second failure on.
 */
export function nextBackoff(previous: Backoff | undefined, error: ApiError, intervalMinutes: number, now: number, random: () => number): Backoff | undefined {
  if (!isTransient(error.kind)) return undefined;
  const failures = (previous?.failures ?? 0) + 1;
  if (error.retryAfterMs !== undefined) return { failures, notBefore: now + error.retryAfterMs };
  const exponential = Math.min(MAX_BACKOFF_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
  const floor = failures >= 2 ? intervalMinutes * 60_000 : 0;
  const jittered = Math.max(floor, exponential) * (0.8 + 0.4 * random());
  return { failures, notBefore: now + Math.round(jittered) };
}

/** When to fire a one-off retry alarm, if the backoff ends before the next regular check. */
export function retryAt(backoff: Backoff | undefined, nextScheduled: number | undefined): number | undefined {
  if (!backoff) return undefined;
  if (nextScheduled !== undefined && backoff.notBefore >= nextScheduled) return undefined;
  return backoff.notBefore;
}
