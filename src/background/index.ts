import polyfill from "webextension-polyfill";
import { installApi } from "../adapters/browser.ts";
import { ensureCheckAlarm } from "../adapters/alarms.ts";
import { CheckMessageSchema } from "../adapters/messages.ts";
import { KEYS, loadSnapshot, onStoredChange } from "../adapters/storage.ts";
import { ALARM_NAME, RETRY_ALARM_NAME } from "../core/schedule.ts";
import { check, checkIfAccessLost, checkIfAccessReturned, recoverFromStop, renderBadge } from "./checker.ts";

/*
 * Wiring only. Every listener is registered synchronously at the top level, so an event that
 * wakes a stopped background is delivered; all state is read from storage inside the handlers.
 */

installApi(polyfill);
const browser = polyfill;

browser.alarms.onAlarm.addListener((alarm) => {
  // Rendered after every tick, checked or not, so "checked 5 minutes ago" in the title stays true.
  if (alarm.name === ALARM_NAME) void check("alarm").then(() => renderBadge());
  else if (alarm.name === RETRY_ALARM_NAME) void check("retry");
});

browser.runtime.onStartup.addListener(() => {
  void check("startup");
});

browser.runtime.onInstalled.addListener((details) => {
  // A new user's first stop is the settings; an update just checks with the settings it has.
  if (details.reason === "install") void browser.runtime.openOptionsPage();
  void check("startup");
});

browser.runtime.onMessage.addListener((message: unknown, _sender, sendResponse: (response: unknown) => void): true => {
  const parsed = CheckMessageSchema.safeParse(message);
  if (!parsed.success) {
    sendResponse({ ok: false, error: "unknown message" });
    return true;
  }
  // Reply when the check is over; `return true` keeps the channel open in every browser.
  void check(parsed.data.trigger).then(
    () => sendResponse({ ok: true }),
    () => sendResponse({ ok: false }),
  );
  return true;
});

browser.permissions.onAdded.addListener(() => {
  void checkIfAccessReturned();
});

browser.permissions.onRemoved.addListener(() => {
  void checkIfAccessLost();
});

onStoredChange((changed) => {
  if (!changed.has(KEYS.settings) && !changed.has(KEYS.status)) return;
  void loadSnapshot().then(async (snapshot) => {
    if (changed.has(KEYS.settings)) await ensureCheckAlarm(snapshot.settings.intervalMinutes);
    await renderBadge(snapshot);
  });
});

async function start(): Promise<void> {
  // First, before the check of the event that woke this background: marks of a stopped one.
  await recoverFromStop();
  const snapshot = await loadSnapshot();
  await ensureCheckAlarm(snapshot.settings.intervalMinutes);
  await renderBadge(snapshot);
}

void start();
