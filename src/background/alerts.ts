import { EMPTY_NOTIFIED, hasBaseline, pruneNotified } from "../core/alerts/breaks.ts";
import { pruneFollowUps, settleFollowUps } from "../core/alerts/followups.ts";
import { alertText } from "../core/words/alerts.ts";
import { nextExpiry, pruneMutes, teamMutes, type Mute } from "../core/alerts/mutes.ts";
import { planNotifications } from "../core/alerts/notify.ts";
import { findSource, type Settings, type Source } from "../core/settings/model.ts";
import { type SourceId } from "../core/settings/source-ids.ts";
import { fingerprint } from "../core/settings/fingerprint.ts";
import { sourceNames } from "../core/words/names.ts";
import type { Status } from "../core/status/model.ts";
import { api } from "../adapters/browser.ts";
import { uiTranslator } from "../adapters/i18n.ts";
import { loadFollowUps, loadNotified, saveNotified, updateFollowUps, updateMutes } from "../adapters/alerts-store.ts";
import { clearNotification, notificationsAllowed, showNotification } from "../adapters/notifications.ts";
import { loadSettings } from "../adapters/storage.ts";
import { scheduleFollowUps } from "./follow-up-alarm.ts";

/*
 * What follows each check or re-check of a source: its mutes and follow-ups are brought
 * up to date with its results, and the notification plan (core/alerts/notify.ts) is shown.
 * Everything is read from storage each time: the background may have been stopped in between.
 */

export const MUTE_ALARM = "mutes";

/** One update at a time: checks of two sources may end together, and each writes the shared records. */
let queue: Promise<unknown> = Promise.resolve();

function inOrder<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * After a check (or a re-check of `rechecked` accounts) of a source moved its results from
 * `previous` to `next`. Never throws: the check's own work is done and stored.
 */
export function afterSourceCheck(sourceId: SourceId, previous: Status, next: Status, rechecked?: readonly string[]): Promise<void> {
  return inOrder(async () => {
    const settings = await loadSettings();
    const source = findSource(settings, sourceId);
    if (!source) return;
    const now = Date.now();
    const mutes = await updateMutes((list) => pruneMutes(list, now, resultsOf(settings, source, next)));
    await updateFollowUps((list) => settleFollowUps(list, { sourceId, status: next, now, ...(rechecked && { rechecked }) }));
    // A relay source's team mutes hold back its notifications as the user's own do.
    await notify(settings, source, previous, next, [...mutes, ...teamMutes(sourceId, next)], now);
    await scheduleFollowUps();
  }).catch(() => undefined);
}

/** The sources' results as pruneMutes takes them: this one's, when they are of its current settings. */
function resultsOf(settings: Settings, source: Source, next: Status): Map<SourceId, Status | undefined> {
  const current = next.source === fingerprint(source) ? next : undefined;
  return new Map(settings.sources.map((each) => [each.id, each.id === source.id ? current : undefined]));
}

/**
 * Shows what the plan says, once: the record of what was announced is written before anything is
 * shown, so a background stopped in between misses a notification rather than repeating it.
 * While notifications are off (or their permission is gone) nothing is announced, and what was
 * shown is taken away.
 */
async function notify(settings: Settings, source: Source, previous: Status, next: Status, mutes: readonly Mute[], now: number): Promise<void> {
  const notified = await loadNotified();
  if (settings.notifications !== true || !(await notificationsAllowed())) {
    await forgetNotifications();
    return;
  }
  const t = uiTranslator();
  const sourceLabel = settings.sources.length > 1 ? sourceNames(t, settings.sources).get(source.id) : undefined;
  const plan = planNotifications({
    sourceId: source.id,
    previous,
    next,
    baseline: hasBaseline(previous, fingerprint(source)),
    notified,
    mutes,
    now,
    failures: true,
    ...(sourceLabel !== undefined && { sourceLabel }),
  });
  if (JSON.stringify(plan.notified) !== JSON.stringify(notified)) await saveNotified(plan.notified);
  await Promise.all(plan.clear.map(clearNotification));
  for (const shown of plan.show) await showNotification(shown.id, alertText(t, shown.title), alertText(t, shown.message));
}

/** Clears every notification on record and the record: notifications were turned off. */
export async function forgetNotifications(): Promise<void> {
  const notified = await loadNotified();
  const ids = new Set([...notified.breaks, ...notified.failures].map((entry) => entry.id));
  if (ids.size === 0) return;
  await saveNotified(EMPTY_NOTIFIED);
  await Promise.all([...ids].map(clearNotification));
}

/** The settings changed: what belonged to a removed source goes, and so do notifications turned off. */
export function afterSettingsChange(settings: Settings): Promise<void> {
  return inOrder(async () => {
    const now = Date.now();
    const ids = new Set(settings.sources.map((source) => source.id));
    await updateMutes((list) => pruneMutes(list, now, new Map([...ids].map((id) => [id, undefined]))));
    await updateFollowUps((list) => pruneFollowUps(list, now, ids));
    const pruned = pruneNotified(await loadNotified(), ids);
    if (pruned.clear.length > 0) await saveNotified(pruned.notified);
    await Promise.all(pruned.clear.map(clearNotification));
    if (settings.notifications !== true) await forgetNotifications();
    await scheduleFollowUps();
  }).catch(() => undefined);
}

/** The mute alarm fired: expired mutes go (the badge is rendered on their change) and the next end is set. */
export function expireMutes(): Promise<void> {
  return inOrder(async () => {
    const { sources } = await loadSettings();
    const mutes = await updateMutes((list) => pruneMutes(list, Date.now(), new Map(sources.map((source) => [source.id, undefined]))));
    // Set here, not only when the mutes change: an alarm that fires early (browsers may) ends no
    // mute, so nothing changes, and the mute's end would have no alarm left.
    await scheduleMuteExpiry(mutes);
  }).catch(() => undefined);
}

/** An alarm at the end of the first timed mute still running, so the badge counts its apps again then. */
export async function scheduleMuteExpiry(mutes: readonly Mute[]): Promise<void> {
  const at = nextExpiry(mutes, Date.now());
  if (at === undefined) await api().alarms.clear(MUTE_ALARM);
  else await api().alarms.create(MUTE_ALARM, { when: at });
}

/** Follow-ups that ended long ago are forgotten at start; the rest carry on. */
export async function pruneOldFollowUps(): Promise<void> {
  const { sources } = await loadSettings();
  if ((await loadFollowUps()).length === 0) return;
  await updateFollowUps((list) => pruneFollowUps(list, Date.now(), new Set(sources.map((source) => source.id))));
}
