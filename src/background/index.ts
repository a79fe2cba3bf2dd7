import polyfill from "webextension-polyfill";
import { installApi } from "../adapters/browser.ts";
import { ensureCheckAlarms } from "../adapters/alarms.ts";
import { CheckMessageSchema } from "../adapters/check-message.ts";
import { KEYS, loadSnapshot, onStoredChange, removeRemovedSources } from "../adapters/storage.ts";
import { parseAlarmName } from "../core/schedule.ts";
import type { Settings } from "../core/settings.ts";
import { check, checkIfAccessLost, checkIfAccessReturned, recoverFromStop, renderBadge } from "./checker.ts";

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
  // Reply when the check is over (every source's, when none is named); `return true` keeps the
  // channel open in every browser.
  void check(parsed.data.trigger, parsed.data.source).then(
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
  if (!changed.has(KEYS.settings) && !changed.has(KEYS.status) && !changed.has(KEYS.preview)) return;
  void loadSnapshot().then(async (snapshot) => {
    if (changed.has(KEYS.settings)) await followSources(snapshot.settings);
    await renderBadge(snapshot);
    // The preview ended: checks resume, at once for a source whose data is older than its
    // schedule promises (as when the popup opens), else at its next alarm.
    if (changed.has(KEYS.preview) && !snapshot.preview) await check("open");
  });
});

/** Every source has its alarm at its interval; a removed source has no alarm and no data left. */
async function followSources(settings: Settings): Promise<void> {
  await Promise.all([ensureCheckAlarms(settings.sources), removeRemovedSources()]);
}

async function start(): Promise<void> {
  // First, before the check of the event that woke this background: marks of a stopped one.
  await recoverFromStop();
  const snapshot = await loadSnapshot();
  await followSources(snapshot.settings);
  await renderBadge(snapshot);
}

void start();
