import { CobaltClient } from "../core/api/client.ts";
import { ApiError, toApiError } from "../core/api/errors.ts";
import { badgeFor } from "../core/badge.ts";
import { resumeAfterStop } from "../core/check/interrupted.ts";
import { runCheck, type Throttled } from "../core/check/run.ts";
import { nextBackoff, retryAt, shouldCheck, type Trigger } from "../core/schedule.ts";
import { sourceKey, type Settings } from "../core/settings.ts";
import { originOf } from "../core/url.ts";
import { currentError } from "../core/view-state.ts";
import type { Status } from "../core/status.ts";
import { applyBadge } from "../adapters/badge.ts";
import { uiTranslator } from "../adapters/i18n.ts";
import { nextCheckAt, scheduleRetry } from "../adapters/alarms.ts";
import { hasApiPermission } from "../adapters/permissions.ts";
import {
  clearPendingBackoff,
  loadHealthy,
  loadPendingBackoff,
  loadSnapshot,
  saveLastDecision,
  savePendingBackoff,
  saveProgress,
  saveStatus,
  type Snapshot,
} from "../adapters/storage.ts";

/*
 * One check at a time, in a background the browser may stop at any moment (a service worker in
 * Chrome, an event page in Firefox), even in the middle of a check.
 *
 * INSTANCE names this run of the background. The marks a check leaves in storage while it runs
 * (the "checking" progress, a kept backoff) carry it, so a mark with another name is known to be
 * left over from a background that was stopped: no check stands behind it. It is random per
 * start and kept in memory only: storage.session survives a service worker's restart in Chrome,
 * and a restarted worker must not take a stopped one's marks for its own.
 */
const INSTANCE = crypto.randomUUID();

/** The check under way; it lives exactly as long as the check it stands for. */
let inFlight: Promise<void> | undefined;
/** Work that reads and then writes the status, in turn: the recovery at start, then checks. */
let turn: Promise<unknown> = Promise.resolve();

function inTurn<T>(task: () => Promise<T>): Promise<T> {
  const run = turn.then(task);
  turn = run.catch(() => undefined);
  return run;
}

export function check(trigger: Trigger): Promise<void> {
  if (inFlight) {
    // New settings must be checked with the new settings, so they queue behind the running check;
    // anything else simply joins it.
    return trigger === "settings" ? inFlight.then(() => check("settings")) : inFlight;
  }
  inFlight = inTurn(() => runOnce(trigger)).finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

async function runOnce(trigger: Trigger): Promise<void> {
  const { settings, status, progress } = await loadSnapshot();
  const now = Date.now();
  const decision = shouldCheck(trigger, settings, status, now);
  await saveLastDecision({ trigger, at: now, ...decision });
  if (!decision.run) {
    // No check of this background runs now (one at a time), so a mark is a stopped one's.
    if (progress) await saveProgress(null);
    return;
  }

  const [permitted, { healthy }] = await Promise.all([
    hasApiPermission(settings.baseUrl),
    loadHealthy(),
    saveProgress({ startedAt: now, done: 0, total: 0, owner: INSTANCE }),
  ]);
  if (!permitted) {
    const refused = new ApiError("permission", { origin: originOf(settings.baseUrl) });
    await saveStatus(withError(status, sourceKey(settings), refused, now));
    return;
  }

  const client = new CobaltClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, fetch: (url, init) => fetch(url, init) });
  try {
    const result = await runCheck({
      client,
      settings,
      previous: status,
      previousHealthy: healthy,
      manual: trigger === "refresh" || trigger === "settings",
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      onProgress: (done, total) => saveProgress({ startedAt: now, done, total, owner: INSTANCE }),
      onThrottle: (throttled) => keepBackoff(sourceKey(settings), throttled),
    });
    await saveStatus(result.status, result.healthy);
    await afterCheck(result.status);
  } catch (error) {
    await recordFailure(settings, status, toApiError(error));
  }
}

/**
 * Kept before the check waits on a throttling answer, with a retry alarm for its end: if the
 * browser stops the background during the wait, the next start honours it and the alarm
 * continues the work.
 */
async function keepBackoff(source: string, throttled: Throttled): Promise<void> {
  await savePendingBackoff({ owner: INSTANCE, source, ...throttled });
  await scheduleRetry(retryAt(throttled.backoff, await nextCheckAt()));
}

/** The status is written: what was kept for the check's sake is done with. */
async function afterCheck(status: Status): Promise<void> {
  await clearPendingBackoff();
  await scheduleRetry(retryAt(status.backoff, await nextCheckAt()));
}

/**
 * A failure that is not Cobalt's (a bug, a full storage): it still ends in a consistent state
 * with its own words and a backoff. If storage refuses even that, the badge says it at least.
 */
async function recordFailure(settings: Settings, status: Status, failure: ApiError): Promise<void> {
  const at = Date.now();
  const failed = withError(status, sourceKey(settings), failure, at);
  const backoff = nextBackoff(status.backoff, failure, settings.intervalMinutes, at, Math.random);
  if (backoff) failed.backoff = backoff;
  else delete failed.backoff;
  try {
    await saveStatus(failed);
  } catch {
    await saveProgress(null).catch(() => undefined);
    await applyBadge(badgeFor(settings, failed, at, uiTranslator()));
  }
  await afterCheck(failed).catch(() => undefined);
}

function withError(status: Status, source: string, error: ApiError, at: number): Status {
  return { ...status, source, error: error.info(at) };
}

/**
 * Runs first at every start, before any check the waking event asks for: folds a backoff kept by
 * a check the browser stopped into the status (so it is honoured) and ends its "checking" mark.
 * It takes its turn synchronously, so call it before the first await of the start.
 */
export function recoverFromStop(): Promise<void> {
  return inTurn(async () => {
    const [{ settings, status, progress }, pending] = await Promise.all([loadSnapshot(), loadPendingBackoff()]);
    if (pending && pending.owner !== INSTANCE) {
      const resumed = resumeAfterStop(status, pending, sourceKey(settings));
      // saveStatus also ends the progress mark.
      if (resumed) await saveStatus(resumed);
      await clearPendingBackoff();
      await scheduleRetry(retryAt((resumed ?? status).backoff, await nextCheckAt()));
      if (resumed) return;
    }
    if (progress && progress.owner !== INSTANCE) await saveProgress(null);
  });
}

/**
 * Access to the API origin was granted. It matters only when it ends a "permission" failure of
 * the current settings (granted from the browser's own menu, say). Save and the popup's Grant
 * access ask for their own check; checking here too would check twice, and a Save to a new base
 * URL first with the settings from before it, as they are not stored yet when the grant lands.
 */
export async function checkIfAccessReturned(): Promise<void> {
  const { settings, status } = await loadSnapshot();
  if (currentError(settings, status)?.kind !== "permission") return;
  if (await hasApiPermission(settings.baseUrl)) await check("refresh");
}

/** Access to an origin was taken back: worth a check (to say so) only if it was the API's. */
export async function checkIfAccessLost(): Promise<void> {
  const { settings } = await loadSnapshot();
  if (settings.apiKey.trim() !== "" && !(await hasApiPermission(settings.baseUrl))) await check("refresh");
}

export async function renderBadge(snapshot?: Snapshot): Promise<void> {
  const { settings, status } = snapshot ?? (await loadSnapshot());
  // The tooltip is worded in the browser's language each time it is set: nothing stored is words.
  await applyBadge(badgeFor(settings, status, Date.now(), uiTranslator()));
}
