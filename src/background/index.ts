import polyfill from "webextension-polyfill";
import { installApi } from "../adapters/browser.ts";
import { ensureCheckAlarms } from "../adapters/alarms.ts";
import { CheckMessageSchema, DeskMessageSchema, HealthyMessageSchema } from "../adapters/check-message.ts";
import { removeRelayHealthyLists } from "../adapters/healthy-store.ts";
import { AlertMessageSchema, type AlertMessage } from "../adapters/alert-messages.ts";
import { listenAgain, onNotificationClicked } from "../adapters/notifications.ts";
import { onManagedChange } from "../adapters/managed.ts";
import { KEYS, loadSnapshot, onStoredChange, removeRemovedSources } from "../adapters/storage.ts";
import { parseAlarmName } from "../core/check/schedule.ts";
import { withTeamMutes } from "../core/alerts/mutes.ts";
import type { Settings } from "../core/settings/model.ts";
import { check, checkIfAccessLost, checkIfAccessReturned, recoverFromStop, renderBadge, resumeStoppedChecks } from "./checker.ts";
import { afterSettingsChange, expireMutes, MUTE_ALARM, pruneOldFollowUps, scheduleMuteExpiry } from "./alerts.ts";
import { FOLLOW_UP_ALARM, scheduleFollowUps } from "./follow-up-alarm.ts";
import { notificationClicked, openReconnect, runFollowUps, startFollowingUp, tabRemoved } from "./follow-up.ts";
import { followPolicy } from "./policy.ts";
import { fetchRelayHealthy } from "./relay-healthy.ts";
import { changeDesk } from "./desk.ts";

/*
 * Wiring only. Every listener is registered synchronously at the top level, so an event that
 * wakes a stopped background is delivered; all state is read from storage inside the handlers.
 */

installApi(polyfill);
const browser = polyfill;

browser.alarms.onAlarm.addListener((alarm) => {
  // Each source has its own alarms (`check.<id>`, `retry.<id>`); any other name is left over.
  const parsed = parseAlarmName(alarm.name);
  // Rendered after every tick, checked or not, so the title's words stay true.
  if (parsed?.kind === "check") void check("alarm", parsed.sourceId).then(() => renderBadge());
  else if (parsed?.kind === "retry") void check("retry", parsed.sourceId);
  else if (alarm.name === FOLLOW_UP_ALARM) void runFollowUps();
  else if (alarm.name === MUTE_ALARM) void muteEnded();
});

browser.runtime.onStartup.addListener(() => {
  void check("startup");
});

browser.runtime.onInstalled.addListener((details) => {
  // A new user's first stop is the settings, with what their organisation set (policy.ts) in
  // them; an update just checks with the settings it has.
  if (details.reason === "install") void followPolicy().catch(() => undefined).then(() => browser.runtime.openOptionsPage());
  void check("startup");
});

browser.runtime.onMessage.addListener((message: unknown, _sender, sendResponse: (response: unknown) => void): true => {
  const alert = AlertMessageSchema.safeParse(message);
  if (alert.success) {
    void handleAlertMessage(alert.data).then(
      () => sendResponse({ ok: true }),
      () => sendResponse({ ok: false }),
    );
    return true;
  }
  const healthy = HealthyMessageSchema.safeParse(message);
  if (healthy.success) {
    void fetchRelayHealthy(healthy.data.source).then(sendResponse, () => sendResponse({ ok: false }));
    return true;
  }
  const desk = DeskMessageSchema.safeParse(message);
  if (desk.success) {
    void changeDesk(desk.data).then(sendResponse, () => sendResponse({ ok: false }));
    return true;
  }
  const parsed = CheckMessageSchema.safeParse(message);
  if (!parsed.success) {
    sendResponse({ ok: false, error: "unknown message" });
    return true;
  }
  // Reply when the check is over (every source's, when none is named); `return true` keeps the
  // channel open in every browser.
  void check(parsed.data.trigger, parsed.data.source).then(
    () => sendResponse({ ok: true }),
    () => sendResponse({ ok: false }),
  );
  return true;
});

browser.permissions.onAdded.addListener(() => {
  // The notifications API appears with its permission: listen to its clicks from now on.
  listenAgain();
  void checkIfAccessReturned();
});

// A click on a notification, the closing of a reconnect tab.
onNotificationClicked((id) => void notificationClicked(id));

// Any tab's closing wakes the background for one small read: a listener added only while a
// reconnect tab is open would miss its closing whenever the browser had stopped the background.
browser.tabs.onRemoved.addListener((tabId) => {
  void tabRemoved(tabId);
});

// The organisation's policy changed (Chrome and Edge): what it sets reaches storage, and from
// there the alarms, the badge and the pages, as any settings change does.
onManagedChange(() => void followPolicy().catch(() => undefined));

browser.permissions.onRemoved.addListener(() => {
  void checkIfAccessLost();
});

onStoredChange((changed) => {
  if (![KEYS.settings, KEYS.status, KEYS.mutes, KEYS.preview].some((key) => changed.has(key))) return;
  void loadSnapshot().then(async (snapshot) => {
    if (changed.has(KEYS.settings)) await Promise.all([followSources(snapshot.settings), afterSettingsChange(snapshot.settings)]);
    // A relay source's team mutes come with its results.
    if (changed.has(KEYS.mutes) || changed.has(KEYS.status)) await scheduleMuteExpiry(withTeamMutes(snapshot.mutes, snapshot.statuses));
    await renderBadge(snapshot);
    // The preview ended: checks resume, at once for a source whose data is older than its
    // schedule promises (as when the popup opens), else at its next alarm.
    if (changed.has(KEYS.preview) && !snapshot.preview) await check("open");
  });
});

/**
 * A mute's time is up: the user's own expired mutes go (their change renders the badge), and as a
 * team mute's end changes nothing stored, the badge is rendered and the next end set here too.
 */
async function muteEnded(): Promise<void> {
  await expireMutes();
  const snapshot = await loadSnapshot();
  await renderBadge(snapshot);
  await scheduleMuteExpiry(withTeamMutes(snapshot.mutes, snapshot.statuses));
}

async function handleAlertMessage(message: AlertMessage): Promise<void> {
  if (message.type === "reconnect") await openReconnect(message.app, message.url);
  else await startFollowingUp(message.app, "copy");
}

/** Every source has its alarm at its interval; a removed source has no alarm and no data left. */
async function followSources(settings: Settings): Promise<void> {
  await Promise.all([ensureCheckAlarms(), removeRemovedSources(), removeRelayHealthyLists(new Set(settings.sources.map((source) => source.id)))]);
}

async function start(): Promise<void> {
  // First, before the check of the event that woke this background: marks of a stopped one.
  await recoverFromStop().catch(() => undefined);
  // The policy is read beside the rest, as the browser can be slow to give it (managed.ts): the
  // alarms and the badge do not wait for it, and what it changes reaches them as any settings
  // change does. A check the browser stopped in the middle carries on from its checkpoint once
  // the policy is in, as it may forbid the key that check was using.
  void followPolicy()
    .catch(() => undefined)
    .then(() => resumeStoppedChecks())
    .catch(() => undefined);
  const snapshot = await loadSnapshot();
  // Each on its own: one that fails holds none of the others back.
  await Promise.allSettled([
    followSources(snapshot.settings)
      .catch(() => undefined)
      .then(() => renderBadge(snapshot)),
    // The alerts' alarms, in case the browser lost them; follow-ups that ended long ago go.
    scheduleMuteExpiry(withTeamMutes(snapshot.mutes, snapshot.statuses)),
    pruneOldFollowUps().then(scheduleFollowUps),
  ]);
}

void start();
