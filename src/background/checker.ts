import { CobaltClient } from "../core/api/client.ts";
import { ApiError, toApiError } from "../core/api/errors.ts";
import { badgeFor } from "../core/badge/badge.ts";
import { checkAccounts } from "../core/check/accounts.ts";
import type { CheckContext, Resumed } from "../core/check/context.ts";
import { resumeAfterStop } from "../core/check/interrupted.ts";
import { carriedOver } from "../core/check/carried.ts";
import { keepsCheckpoint, readCheckpoint } from "../core/check/checkpoint.ts";
import { runCheck, type Throttled } from "../core/check/run.ts";
import { nextBackoff, retryAt, shouldCheck, type Trigger } from "../core/check/schedule.ts";
import { fingerprint } from "../core/settings/fingerprint.ts";
import { isRelay, isSetUp, sourceUrl, type CobaltSource, type RelaySource, type Source } from "../core/settings/model.ts";
import { type SourceId } from "../core/settings/source-ids.ts";
import { originOf } from "../core/kit/url.ts";
import { currentError, isCurrent } from "../core/status/view-state.ts";
import { EMPTY_STATUS, type Status } from "../core/status/model.ts";
import { markSampleBadge } from "../core/preview/explain.ts";
import { applyBadge } from "../adapters/badge.ts";
import { sampleView } from "../adapters/preview.ts";
import { uiTranslator } from "../adapters/i18n.ts";
import { clearSourceAlarms, nextCheckAt, scheduleRetry } from "../adapters/alarms.ts";
import { hasApiPermission } from "../adapters/permissions.ts";
import { checkRelay } from "../relay/client/poll.ts";
import {
  clearCheckpoint,
  clearPendingBackoff,
  loadCheckpoint,
  loadPendingBackoff,
  loadSettings,
  loadSnapshot,
  loadSourceState,
  removeRemovedSources,
  saveLastDecision,
  savePendingBackoff,
  saveCheckpoint,
  saveProgress,
  saveStatus,
  sourcesWithCheckpoint,
  type Snapshot,
  type SourceState,
} from "../adapters/storage.ts";
import { afterSourceCheck } from "./alerts.ts";

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
    // Anything but new settings simply joins the running check. New settings must be checked
    // with the new settings, so they queue behind it, unless it checked them itself: a check
    // whose settings were replaced while it ran starts over with the ones in effect. A change on
    // the team's desk queues behind it too: the poll under way may have been answered before it.
    if (trigger !== "settings" && trigger !== "desk") return running;
    const asked = Date.now();
    return running.then(async () => {
      if (trigger === "desk") await checkSource("desk", source);
      else if (!(await checkedSince(source, asked))) await checkSource("settings", source);
    });
  }
  const run = inTurn(source, () => checkInEffect(trigger, source)).finally(() => {
    if (inFlight.get(source) === run) inFlight.delete(source);
  });
  inFlight.set(source, run);
  return run;
}

/** Whether the stored results are of the source's settings in effect, from a check that wrote them at `since` or later. */
async function checkedSince(id: SourceId, since: number): Promise<boolean> {
  const { source, status } = await loadSourceState(id);
  if (!source || !isCurrent(source, status)) return false;
  return Math.max(status.checkedAt ?? -Infinity, status.error?.at ?? -Infinity) >= since;
}

/** What the background decides on every event while the sample-data preview is on. */
const PREVIEW_DECISION = { run: false, reason: "sample data preview" } as const;

/** Rounds of a check whose settings keep being replaced while it runs, before it gives up for now. */
const MAX_ROUNDS = 3;

/**
 * Whoever waits on a check (an open popup, a Save) asks about the settings in effect when it
 * ends. A check whose source's settings were replaced while it ran stores nothing (saveStatus),
 * so it starts over with the settings stored now, its "checking" mark still on.
 */
async function checkInEffect(trigger: Trigger, id: SourceId): Promise<void> {
  for (let round = 0, next = trigger; round < MAX_ROUNDS; round++, next = "settings") {
    if ((await runOnce(next, id)) !== "replaced") return;
  }
  // Still replaced: the next event checks again; no "checking" mark may stay behind meanwhile.
  await saveProgress(id, null);
}

type Saved = "stored" | "removed" | "replaced";

/** One check of a source, or the decision not to check; "replaced": nothing of it was stored. */
async function runOnce(trigger: Trigger, id: SourceId): Promise<Saved | "skipped"> {
  const state = await loadSourceState(id);
  const { source, status, progress, preview } = state;
  // The sample data is on show: no request of any kind, whatever asked (an alarm, the popup, a
  // Refresh, a Save). The alarms stay and simply do nothing until it ends. Only a real source's
  // decision is written (a page may ask for the demo org's, which has no keys of its own).
  if (preview) {
    if (source) await saveLastDecision(id, { trigger, at: Date.now(), ...PREVIEW_DECISION });
    return "skipped";
  }
  // Removed (since the event that asked for it, or by a check that ended after the removal):
  // nothing to check, and nothing of it may be left behind.
  if (!source) {
    await Promise.all([clearSourceAlarms(id), removeRemovedSources()]);
    return "removed";
  }
  const now = Date.now();
  const decision = shouldCheck(trigger, source, status, now);
  await saveLastDecision(id, { trigger, at: now, ...decision });
  if (!decision.run) {
    // No check of this source runs in this background now (one at a time), so a mark is a stopped one's.
    if (progress) await saveProgress(id, null);
    return "skipped";
  }

  const [permitted] = await Promise.all([hasApiPermission(sourceUrl(source)), saveProgress(id, { startedAt: now, done: 0, total: 0, owner: INSTANCE })]);
  if (!permitted) {
    const refused = new ApiError("permission", { origin: originOf(sourceUrl(source)) });
    return saveStatus(id, withError(status, source, refused, now));
  }
  return isRelay(source) ? runRelay(source, status) : runCobalt(trigger, source, state, now);
}

async function runCobalt(trigger: Trigger, source: CobaltSource, { status, healthy }: SourceState, now: number): Promise<Saved> {
  const id = source.id;
  const client = new CobaltClient({ baseUrl: source.baseUrl, apiKey: source.apiKey, fetch: (url, init) => fetch(url, init) });
  try {
    const resumed = await resumable(source, now);
    const result = await runCheck({
      checkpoint: { io: { put: (parts) => saveCheckpoint(id, parts) }, ...(resumed ? { resumed } : {}) },
      client,
      settings: source,
      previous: status,
      previousHealthy: healthy,
      manual: trigger === "refresh" || trigger === "settings",
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      onProgress: (done, total) => saveProgress(id, { startedAt: now, done, total, owner: INSTANCE }),
      onThrottle: (throttled) => keepBackoff(id, fingerprint(source), throttled),
    });
    const saved = await saveStatus(id, result.status, result.healthy);
    // Not stored: of what it kept, only the backoff goes (the next round checks afresh).
    await (saved === "stored" ? afterCheck(id, result.status) : clearPendingBackoff(id));
    // Stopped by a failure that passes (a rate limit), the next run carries on from the checkpoint.
    if (saved !== "stored" || !keepsCheckpoint(result.status)) await clearCheckpoint(id);
    if (saved === "stored") await afterSourceCheck(id, status, result.status);
    return saved;
  } catch (error) {
    await clearCheckpoint(id).catch(() => undefined);
    return recordFailure(source, status, toApiError(error));
  }
}

/**
 * What a check of these settings that a stopped background (or a rate limit) left in the middle
 * kept, to carry on from; a checkpoint of other settings, or too old, is removed instead.
 */
async function resumable(source: CobaltSource, now: number): Promise<Resumed | undefined> {
  const parts = await loadCheckpoint(source.id);
  const resumed = readCheckpoint(parts, source, now);
  if (!resumed && Object.keys(parts).length > 0) await clearCheckpoint(source.id);
  return resumed;
}

/**
 * At every start: a check a stopped background left in the middle carries on now (from its
 * checkpoint), not at its next alarm; the schedule's rules (a backoff, say) still decide.
 */
export async function resumeStoppedChecks(): Promise<void> {
  const [ids, { sources }] = await Promise.all([sourcesWithCheckpoint(), loadSettings()]);
  await Promise.all(sources.filter((source) => ids.includes(source.id)).map((source) => check("retry", source.id)));
}

/** A relay source: one poll of the relay, whose answer (or failure) is its next status. */
async function runRelay(source: RelaySource, status: Status): Promise<Saved> {
  try {
    const result = await checkRelay(source, status);
    const saved = await saveStatus(source.id, result.status, result.healthy);
    await (saved === "stored" ? afterCheck(source.id, result.status) : clearPendingBackoff(source.id));
    if (saved === "stored") await afterSourceCheck(source.id, status, result.status);
    return saved;
  } catch (error) {
    return recordFailure(source, status, toApiError(error));
  }
}

/**
 * Re-checks a few linked accounts of a source (a follow-up after Reconnect or Copy link), in turn
 * with its checks. Whatever happens, the follow-ups hear that these accounts were asked about.
 */
export function recheck(id: SourceId, accountIds: readonly string[]): Promise<void> {
  return inTurn(id, async () => {
    const { source, status, healthy, preview } = await loadSourceState(id);
    // A follow-up begun before the sample-data preview asks nothing while it is on.
    if (!source || preview) return;
    let next = status;
    try {
      if (isSetUp(source) && (await hasApiPermission(sourceUrl(source)))) {
        // A relay re-checks on its own (webhooks, its schedule): a poll of it is the follow-up.
        const result = isRelay(source) ? { ...(await checkRelay(source, status)), requests: 1 } : await checkAccounts(contextFor(source, status, healthy), accountIds);
        if (result.requests > 0 && (await saveStatus(id, result.status, result.healthy)) === "stored") {
          await afterCheck(id, result.status);
          next = result.status;
        }
      }
    } finally {
      await afterSourceCheck(id, status, next, accountIds);
    }
  });
}

function contextFor(source: CobaltSource, previous: Status, previousHealthy: CheckContext["previousHealthy"]): CheckContext {
  const client = new CobaltClient({ baseUrl: source.baseUrl, apiKey: source.apiKey, fetch: (url, init) => fetch(url, init) });
  return { client, settings: source, previous, previousHealthy, manual: false, now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), random: Math.random };
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
async function recordFailure(source: Source, status: Status, failure: ApiError): Promise<Saved> {
  const at = Date.now();
  const failed = withError(status, source, failure, at);
  const backoff = nextBackoff(status.backoff, failure, source.intervalMinutes, at, Math.random);
  if (backoff) failed.backoff = backoff;
  else delete failed.backoff;
  let saved: Saved = "stored";
  try {
    saved = await saveStatus(source.id, failed);
  } catch {
    await saveProgress(source.id, null).catch(() => undefined);
    const snapshot = await loadSnapshot();
    await applyBadge(badgeFor(snapshot.settings, { ...snapshot.statuses, [source.id]: failed }, at, uiTranslator(), snapshot.mutes));
  }
  await (saved === "stored" ? afterCheck(source.id, failed) : clearPendingBackoff(source.id)).catch(() => undefined);
  return saved;
}

/** The failure, recorded on what of the results belongs to these settings (see carriedOver). */
function withError(status: Status, source: Source, error: ApiError, at: number): Status {
  const kept = isRelay(source) ? (status.source === fingerprint(source) ? status : { ...EMPTY_STATUS, ...(status.backoff ? { backoff: status.backoff } : {}) }) : carriedOver(status, {}, source).previous;
  return { ...kept, source: fingerprint(source), error: error.info(at) };
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
    const resumed = resumeAfterStop(status, pending, fingerprint(source));
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
      if (await hasApiPermission(sourceUrl(source))) await check("refresh", source.id);
    }),
  );
}

/** Access to an origin was taken back: worth a check (to say so) for each source that lost its API's. */
export async function checkIfAccessLost(): Promise<void> {
  const { sources } = await loadSettings();
  await Promise.all(
    sources.map(async (source) => {
      if (isSetUp(source) && !(await hasApiPermission(sourceUrl(source)))) await check("refresh", source.id);
    }),
  );
}

export async function renderBadge(snapshot?: Snapshot): Promise<void> {
  const stored = snapshot ?? (await loadSnapshot());
  const t = uiTranslator();
  // The tooltip is worded in the browser's language each time it is set: nothing stored is words.
  if (stored.preview) {
    const { settings, statuses, mutes } = sampleView({ ...stored, preview: stored.preview });
    await applyBadge(markSampleBadge(badgeFor(settings, statuses, Date.now(), t, mutes), t));
    return;
  }
  await applyBadge(badgeFor(stored.settings, stored.statuses, Date.now(), t, stored.mutes));
}
