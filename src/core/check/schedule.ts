import { ApiError, isTransient, type ErrorKind } from "../api/errors.ts";
import { fingerprint } from "../settings/fingerprint.ts";
import { isRelay, isSetUp, type CheckSettings, type Watched } from "../settings/model.ts";
import type { Backoff, Status } from "../status/model.ts";

/*
 * Each source has its own repeating alarm, `check.<source id>`, at its own interval, and its own
 * one-off `retry.<source id>` for the end of a backoff. The single-source layout's `check` and
 * `retry` are cleared at start.
 */
export type AlarmKind = "check" | "retry";
export const LEGACY_ALARM_NAMES = ["check", "retry"] as const;

export function alarmName(kind: AlarmKind, sourceId: string): string {
  return `${kind}.${sourceId}`;
}

/** Which alarm this is, if it is one of a source's. */
export function parseAlarmName(name: string): { kind: AlarmKind; sourceId: string } | undefined {
  const match = /^(check|retry)\.([a-z0-9-]+)$/.exec(name);
  return match ? { kind: match[1] as AlarmKind, sourceId: match[2]! } : undefined;
}

export interface AlarmPlan {
  /** Repeating check alarms to (re)create: missing, or at another interval. */
  create: { name: string; periodInMinutes: number }[];
  /** Alarms of sources no longer in the settings, and of the single-source layout. */
  clear: string[];
}

/**
 * What makes the alarms match the sources, given the alarms there are: run on every start and
 * after every settings change, so each source is checked on its own schedule and a removed
 * source is never checked again.
 */
export function planAlarms(sources: readonly (Pick<CheckSettings, "intervalMinutes"> & { id: string })[], alarms: readonly { name: string; periodInMinutes?: number }[]): AlarmPlan {
  const byName = new Map(alarms.map((alarm) => [alarm.name, alarm]));
  const ids = new Set(sources.map((source) => source.id));
  const create = sources
    .filter((source) => byName.get(alarmName("check", source.id))?.periodInMinutes !== source.intervalMinutes)
    .map((source) => ({ name: alarmName("check", source.id), periodInMinutes: source.intervalMinutes }));
  const clear = alarms
    .map((alarm) => alarm.name)
    .filter((name) => {
      const parsed = parseAlarmName(name);
      return parsed ? !ids.has(parsed.sourceId) : (LEGACY_ALARM_NAMES as readonly string[]).includes(name);
    });
  return { create, clear };
}

const FIRST_RETRY_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;
const ALARM_SLACK_MS = 2_000;
/** The longest the extension's own backoff holds a Refresh back after a throttling answer. A wait
 * Cobalt asked for (Retry-After) holds it as long as asked. */
export const REFRESH_HOLD_MS = 30_000;

/** Failures that wait for the user: retrying cannot help until something changes. */
export function needsUser(kind: ErrorKind): boolean {
  return !isTransient(kind);
}

/** "open": the popup was opened. It checks only when the data is older than the schedule
 * promises (a missed alarm after sleep), so opening the popup never goes stale silently.
 * "watch": the popup is open, and asks every WATCH_MS or so: a relay source is polled then (a
 * teammate's claim shows within seconds; unchanged, a poll is a 304); a Cobalt source never.
 * "desk": this browser changed the team's desk of a relay source: polled at once, to show it. */
export type Trigger = "alarm" | "retry" | "refresh" | "settings" | "startup" | "open" | "watch" | "desk";

/** How often an open popup has a relay source polled. */
export const WATCH_MS = 10_000;

export type Decision = { run: true } | { run: false; reason: string };

/**
 * Whether a check should start now. Manual triggers override waiting for the user. New settings
 * (a Save that changes the key, the base URL or the linked accounts) are checked at once; a Save
 * that changes no request (the budget, the interval, the label) is a Refresh: a rate limit still
 * holds it back.
 */
export function shouldCheck(trigger: Trigger, settings: Watched, status: Status, now: number): Decision {
  if (!isSetUp(settings)) return { run: false, reason: "not set up" };
  const sameSource = status.source === fingerprint(settings);
  if ((trigger === "watch" || trigger === "desk") && !isRelay(settings)) return { run: false, reason: "not a relay" };
  if (trigger === "desk" || !sameSource) return { run: true };
  if (trigger === "refresh" || trigger === "settings") {
    return refreshBlockedUntil(settings, status, now) === undefined ? { run: true } : { run: false, reason: "rate limited" };
  }
  // The retry alarm is set for the end of the backoff; a browser may fire it a moment early.
  const slack = trigger === "retry" ? ALARM_SLACK_MS : 0;
  const notBefore = status.backoff ? believedEnd(status.backoff.notBefore, status.backoff.throttledAt ?? status.error?.at) : undefined;
  if (notBefore !== undefined && status.error?.kind === "rate-limited" && now + slack < notBefore) {
    return { run: false, reason: "rate limited" };
  }
  if (trigger === "open" && status.checkedAt !== undefined && now - status.checkedAt < settings.intervalMinutes * 60_000) {
    return { run: false, reason: "fresh enough" };
  }
  // A little less than the popup's period, so a poll that answered late is not skipped at the next tick.
  if (trigger === "watch" && status.checkedAt !== undefined && now - status.checkedAt < WATCH_MS * 0.8) return { run: false, reason: "fresh enough" };
  // A stored "not set up" can only be an older version's word for an org with no linked
  // accounts yet (a missing key is decided above): not a reason to stop checking any more.
  if (status.error && status.error.kind !== "not-set-up" && needsUser(status.error.kind)) return { run: false, reason: "waiting for the user" };
  if (notBefore !== undefined && now + slack < notBefore) return { run: false, reason: "backing off" };
  return { run: true };
}

/**
 * The longest any wait holds checks back after the failure that set it: the longest backoff with
 * its jitter (a Retry-After is believed for less, see MAX_RETRY_AFTER_MS). A stored wait that ends
 * later (a version that believed any Retry-After stored it, or it was damaged) ends then.
 */
const LONGEST_WAIT_MS = MAX_BACKOFF_MS * 1.2;

function believedEnd(until: number, since: number | undefined): number {
  return since === undefined ? until : Math.min(until, since + LONGEST_WAIT_MS);
}

/**
 * Until when a Refresh is refused, if it is now. Only a rate limit holds it back: for as long as
 * Cobalt's Retry-After asked, or else for the extension's own backoff but never longer than
 * REFRESH_HOLD_MS after the last throttling answer (the limit has often passed by then, and a
 * user asking again should not wait for a backoff grown to the check interval).
 */
export function refreshBlockedUntil(settings: Watched, status: Status, now: number): number | undefined {
  const { backoff, error } = status;
  if (!backoff || error?.kind !== "rate-limited" || status.source !== fingerprint(settings)) return undefined;
  const until = backoff.retryAfterUntil !== undefined ? believedEnd(backoff.retryAfterUntil, backoff.throttledAt ?? error.at) : Math.min(backoff.notBefore, (backoff.throttledAt ?? error.at) + REFRESH_HOLD_MS);
  return now < until ? until : undefined;
}

/**
 * Exponential backoff with jitter for transient failures: 30 s, 1, 2, 4… minutes up to an hour,
 * ±20 %, or exactly what Retry-After asked for. After the first retries it never runs more often
 * than the schedule: the wait is at least one interval from the second failure on.
 * `now` is when the failure happened; for a rate limit, when its (last) throttling answer came.
 */
export function nextBackoff(previous: Backoff | undefined, error: ApiError, intervalMinutes: number, now: number, random: () => number): Backoff | undefined {
  if (!isTransient(error.kind)) return undefined;
  const failures = (previous?.failures ?? 0) + 1;
  const throttled = error.kind === "rate-limited" ? { throttledAt: now } : {};
  if (error.retryAfterMs !== undefined) {
    const until = now + error.retryAfterMs;
    return { failures, notBefore: until, retryAfterUntil: until, ...throttled };
  }
  const exponential = Math.min(MAX_BACKOFF_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
  const floor = failures >= 2 ? intervalMinutes * 60_000 : 0;
  const jittered = Math.max(floor, exponential) * (0.8 + 0.4 * random());
  return { failures, notBefore: now + Math.round(jittered), ...throttled };
}

/** When to fire a one-off retry alarm, if the backoff ends before the next regular check. */
export function retryAt(backoff: Backoff | undefined, nextScheduled: number | undefined): number | undefined {
  if (!backoff) return undefined;
  if (nextScheduled !== undefined && backoff.notBefore >= nextScheduled) return undefined;
  return backoff.notBefore;
}
