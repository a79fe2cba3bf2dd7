import { CobaltClient } from "../core/api/client.ts";
import { ApiError, toApiError } from "../core/api/errors.ts";
import { badgeFor } from "../core/badge.ts";
import { resumeAfterStop } from "../core/check/interrupted.ts";
import { runCheck, type Throttled } from "../core/check/run.ts";
import { nextBackoff, retryAt, shouldCheck, type Trigger } from "../core/schedule.ts";
import { sourceKey, type Source, type SourceId } from "../core/settings.ts";
import { originOf } from "../core/url.ts";
import { currentError } from "../core/view-state.ts";
import type { Status } from "../core/status.ts";
import { markSampleBadge } from "../core/preview/explain.ts";
import { applyBadge } from "../adapters/badge.ts";
import { sampleView } from "../adapters/preview.ts";
import { uiTranslator } from "../adapters/i18n.ts";
import { clearSourceAlarms, nextCheckAt, scheduleRetry } from "../adapters/alarms.ts";
import { hasApiPermission } from "../adapters/permissions.ts";
import {
  clearPendingBackoff,
  loadPendingBackoff,
  loadSettings,
  loadSnapshot,
  loadSourceState,
  removeRemovedSources,
  saveLastDecision,
  savePendingBackoff,
  saveProgress,
  saveStatus,
  type Snapshot,
} from "../adapters/storage.ts";

/*
 * One check at a time per source, in a background the browser may stop at any moment (a service
 * worker in Chrome, an event page in Firefox), even in the middle of a check. Sources are checked
 * side by side, each on its own: a source that fails or hangs never holds another back.
 *
 * INSTANCE names this run of the background. The marks a check leaves in storage while it runs
 * (the "checking" progress, a kept backoff) carry it, so a mark with another name is known to be
 * left over from a background that was stopped: no check stands behind it. It is random per
 * start and kept in memory only: storage.session survives a service worker's restart in Chrome,
 * and a restarted worker must not take a stopped one's marks for its own.
 */
const INSTANCE = crypto.randomUUID();

/** Each source's check under way; it lives exactly as long as the check it stands for. */
const inFlight = new Map<SourceId, Promise<void>>();
/** Per source, work that reads and then writes its status, in turn: checks, after the recovery. */
const turns = new Map<SourceId, Promise<unknown>>();
/** The recovery at start (recoverFromStop), which every source's first check waits for. */
let recovered: Promise<unknown> = Promise.resolve();

function inTurn<T>(source: SourceId, task: () => Promise<T>): Promise<T> {
  const run = (turns.get(source) ?? recovered).then(task);
  turns.set(source, run.catch(() => undefined));
  return run;
}

/** Checks one source, or every source when none is named (each on its own, side by side). */
export async function check(trigger: Trigger, source?: SourceId): Promise<void> {
  if (source !== undefined) return checkSource(trigger, source);
  const { sources } = await loadSettings();
  await Promise.all(sources.map((each) => checkSource(trigger, each.id)));
}

function checkSource(trigger: Trigger, source: SourceId): Promise<void> {
  const running = inFlight.get(source);
  if (running) {
    // New settings must be checked with the new settings, so they queue behind the running check;
    // anything else simply joins it.
    return trigger === "settings" ? running.then(() => checkSource("settings", source)) : running;
  }
  const run = inTurn(source, () => runOnce(trigger, source)).finally(() => {
    if (inFlight.get(source) === run) inFlight.delete(source);
  });
  inFlight.set(source, run);
  return run;
}

/** What the background decides on every event while the sample-data preview is on. */
const PREVIEW_DECISION = { run: false, reason: "sample data preview" } as const;

async function runOnce(trigger: Trigger, id: SourceId): Promise<void> {
  const { source, status, healthy, progress, preview } = await loadSourceState(id);
  // The sample data is on show: no request of any kind, whatever asked (an alarm, the popup, a
  // Refresh, a Save). The alarms stay and simply do nothing until it ends. Only a real source's
  // decision is written (a page may ask for the demo org's, which has no keys of its own).
  if (preview) {
    if (source) await saveLastDecision(id, { trigger, at: Date.now(), ...PREVIEW_DECISION });
    return;
  }
  // Removed (since the event that asked for it, or by a check that ended after the removal):
  // nothing to check, and nothing of it may be left behind.
  if (!source) {
    await Promise.all([clearSourceAlarms(id), removeRemovedSources()]);
    return;
  }
  const now = Date.now();
  const decision = shouldCheck(trigger, source, status, now);
  await saveLastDecision(id, { trigger, at: now, ...decision });
  if (!decision.run) {
    // No check of this source runs in this background now (one at a time), so a mark is a stopped one's.
    if (progress) await saveProgress(id, null);
    return;
  }

  const [permitted] = await Promise.all([hasApiPermission(source.baseUrl), saveProgress(id, { startedAt: now, done: 0, total: 0, owner: INSTANCE })]);
  if (!permitted) {
    const refused = new ApiError("permission", { origin: originOf(source.baseUrl) });
    await saveStatus(id, withError(status, sourceKey(source), refused, now));
    return;
  }

  const client = new CobaltClient({ baseUrl: source.baseUrl, apiKey: source.apiKey, fetch: (url, init) => fetch(url, init) });
  try {
    const result = await runCheck({
      client,
      settings: source,
      previous: status,
      previousHealthy: healthy,
      manual: trigger === "refresh" || trigger === "settings",
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      onProgress: (done, total) => saveProgress(id, { startedAt: now, done, total, owner: INSTANCE }),
      onThrottle: (throttled) => keepBackoff(id, sourceKey(source), throttled),
    });
    await saveStatus(id, result.status, result.healthy);
    await afterCheck(id, result.status);
  } catch (error) {
    await recordFailure(source, status, toApiError(error));
  }
}

/**
 * Kept before the check waits on a throttling answer, with a retry alarm for its end: if the
 * browser stops the background during the wait, the next start honours it and the alarm
 * continues the work.
 */
async function keepBackoff(id: SourceId, fingerprint: string, throttled: Throttled): Promise<void> {
  await savePendingBackoff(id, { owner: INSTANCE, source: fingerprint, ...throttled });
  await scheduleRetry(id, retryAt(throttled.backoff, await nextCheckAt(id)));
}

/** The status is written: what was kept for the check's sake is done with. */
async function afterCheck(id: SourceId, status: Status): Promise<void> {
  await clearPendingBackoff(id);
  await scheduleRetry(id, retryAt(status.backoff, await nextCheckAt(id)));
}

/**
 * A failure that is not Cobalt's (a bug, a full storage): it still ends in a consistent state
 * with its own words and a backoff. If storage refuses even that, the badge says it at least.
 */
async function recordFailure(source: Source, status: Status, failure: ApiError): Promise<void> {
  const at = Date.now();
  const failed = withError(status, sourceKey(source), failure, at);
  const backoff = nextBackoff(status.backoff, failure, source.intervalMinutes, at, Math.random);
  if (backoff) failed.backoff = backoff;
  else delete failed.backoff;
  try {
    await saveStatus(source.id, failed);
  } catch {
    await saveProgress(source.id, null).catch(() => undefined);
    const snapshot = await loadSnapshot();
    await applyBadge(badgeFor(snapshot.settings, { ...snapshot.statuses, [source.id]: failed }, at, uiTranslator()));
  }
  await afterCheck(source.id, failed).catch(() => undefined);
}

function withError(status: Status, fingerprint: string, error: ApiError, at: number): Status {
  return { ...status, source: fingerprint, error: error.info(at) };
}

/**
 * Runs first at every start, before any check the waking event asks for: folds a backoff kept by
 * a check the browser stopped into its source's status (so it is honoured) and ends its
 * "checking" mark. Every source's first check waits for it; call it before the first await of the
 * start.
 */
export function recoverFromStop(): Promise<void> {
  const recovery = loadSnapshot().then((snapshot) => Promise.all(snapshot.settings.sources.map((source) => recoverSource(source, snapshot))));
  recovered = recovery.catch(() => undefined);
  return recovery.then(() => undefined);
}

async function recoverSource(source: Source, snapshot: Snapshot): Promise<void> {
  const id = source.id;
  const status = snapshot.statuses[id]!;
  const pending = await loadPendingBackoff(id);
  if (pending && pending.owner !== INSTANCE) {
    const resumed = resumeAfterStop(status, pending, sourceKey(source));
    // saveStatus also ends the progress mark.
    if (resumed) await saveStatus(id, resumed);
    await clearPendingBackoff(id);
    await scheduleRetry(id, retryAt((resumed ?? status).backoff, await nextCheckAt(id)));
    if (resumed) return;
  }
  const progress = snapshot.progress[id];
  if (progress && progress.owner !== INSTANCE) await saveProgress(id, null);
}

/**
 * Access to an origin was granted. It matters only where it ends a "permission" failure of a
 * source's current settings (granted from the browser's own menu, say). Save and the popup's Grant
 * access ask for their own check; checking here too would check twice, and a Save to a new base
 * URL first with the settings from before it, as they are not stored yet when the grant lands.
 */
export async function checkIfAccessReturned(): Promise<void> {
  const { settings, statuses } = await loadSnapshot();
  await Promise.all(
    settings.sources.map(async (source) => {
      if (currentError(source, statuses[source.id]!)?.kind !== "permission") return;
      if (await hasApiPermission(source.baseUrl)) await check("refresh", source.id);
    }),
  );
}

/** Access to an origin was taken back: worth a check (to say so) for each source that lost its API's. */
export async function checkIfAccessLost(): Promise<void> {
  const { sources } = await loadSettings();
  await Promise.all(
    sources.map(async (source) => {
      if (source.apiKey.trim() !== "" && !(await hasApiPermission(source.baseUrl))) await check("refresh", source.id);
    }),
  );
}

export async function renderBadge(snapshot?: Snapshot): Promise<void> {
  const stored = snapshot ?? (await loadSnapshot());
  const t = uiTranslator();
  // The tooltip is worded in the browser's language each time it is set: nothing stored is words.
  if (stored.preview) {
    const { settings, statuses } = sampleView({ ...stored, preview: stored.preview });
    await applyBadge(markSampleBadge(badgeFor(settings, statuses, Date.now(), t), t));
    return;
  }
  await applyBadge(badgeFor(stored.settings, stored.statuses, Date.now(), t));
}
