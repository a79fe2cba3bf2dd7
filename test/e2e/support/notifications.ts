import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { browserUnderTest, defaultExtensionDir, launchExtension, type ExtensionSession } from "./browsers.ts";

/*
 * Desktop notifications in the end-to-end tests.
 *
 * The optional `notifications` permission. Firefox grants permissions.request() without a prompt
 * (the harness's profile pref), so the options page's own click gets it. Chromium shows a prompt
 * that automation cannot answer. So in Chromium the build is first installed once with
 * `notifications` granted at install (a copy whose manifest lists it as required), then the
 * shipped manifest is put back and Chromium started again on the same profile: Chromium keeps a
 * permission it granted, so the options page's request, from the real click, resolves without a
 * prompt, as for a user who allowed it before. The extension that runs is the shipped build.
 *
 * Reading them. Chromium's notifications.getAll() gives the ids shown (not their words). Headless
 * Firefox has no desktop notification service: each notification closes at once. So a stand-in
 * for that service is registered in Firefox's chrome scope: Firefox's own notifications API runs
 * unchanged and hands it each notification, which it keeps until cleared (getAll() then has its
 * title and message); it records every one it was given, and can click one.
 */

export interface Shown {
  id: string;
  /** Firefox only: Chromium's getAll() does not give the words. */
  title?: string;
  message?: string;
}

/** What launchForNotifications needs to start (and start again) the same browser profile. */
export interface NotificationsProfile {
  userDataDir: string;
  /** Chromium: the copy of the build the profile was set up with (its id depends on its path). */
  extensionDir?: string;
}

/** A fresh profile in which the extension can be given the notifications permission (see above). */
export async function notificationsProfile(): Promise<NotificationsProfile> {
  const userDataDir = mkdtempSync(join(tmpdir(), "cobalt-alerts-profile-"));
  if (browserUnderTest() === "firefox") return { userDataDir };
  const extensionDir = mkdtempSync(join(tmpdir(), "cobalt-alerts-ext-"));
  cpSync(defaultExtensionDir("chromium"), extensionDir, { recursive: true });
  const manifestPath = join(extensionDir, "manifest.json");
  const shipped = readFileSync(manifestPath, "utf8");
  const manifest = JSON.parse(shipped) as { permissions: string[]; optional_permissions?: string[] };
  if (!manifest.optional_permissions?.includes("notifications")) throw new Error("The build does not ask for notifications as an optional permission");
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, permissions: [...manifest.permissions, "notifications"], optional_permissions: [] }));
  const granting = await launchExtension({ extensionDir, userDataDir });
  await granting.close();
  writeFileSync(manifestPath, shipped);
  return { userDataDir, extensionDir };
}

/** Starts the browser on the profile; in Firefox, with the stand-in notification service. */
export async function launchForNotifications(profile: NotificationsProfile): Promise<ExtensionSession> {
  const ext = await launchExtension(profile.extensionDir ? profile : { userDataDir: profile.userDataDir });
  if (ext.browser === "firefox") await ext.privilegedEval(STAND_IN);
  return ext;
}

/** The notifications the extension shows now, read through the browser's notifications API. */
export async function shownNotifications(ext: ExtensionSession): Promise<Shown[]> {
  const all = await ext.evalInBackground<Record<string, true | { title?: string; message?: string }>>(
    // Without the permission the API is missing (or, in Chromium, refuses every call): none shown.
    `(async () => { const api = globalThis.browser ?? chrome; try { return await api.notifications.getAll(); } catch { return {}; } })()`,
  );
  return Object.entries(all).map(([id, value]) => (value === true ? { id } : { id, title: value.title ?? "", message: value.message ?? "" }));
}

/** Polls until the shown notifications satisfy `pred`. */
export async function waitForNotifications(ext: ExtensionSession, pred: (shown: Shown[]) => boolean, timeoutMs = 15_000): Promise<Shown[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const shown = await shownNotifications(ext);
    if (pred(shown)) return shown;
    if (Date.now() > end) throw new Error(`Notifications did not come to the expected state within ${timeoutMs} ms; shown: ${JSON.stringify(shown)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Closes a notification as the user would (Chromium and Firefox alike). */
export async function dismissNotification(ext: ExtensionSession, id: string): Promise<void> {
  await ext.evalInBackground(`(globalThis.browser ?? chrome).notifications.clear(${JSON.stringify(id)})`);
}

/** Firefox: every notification the extension handed to the notification service since launch. */
export async function firefoxNotificationLog(ext: ExtensionSession): Promise<{ name: string; title: string; text: string }[]> {
  return JSON.parse((await ext.privilegedEval(`JSON.stringify(globalThis.__e2eAlerts.shown)`)) as string) as { name: string; title: string; text: string }[];
}

/** Firefox: a click on a notification shown now, as the desktop's notification service reports it. */
export async function clickNotificationInFirefox(ext: ExtensionSession, id: string): Promise<void> {
  const clicked = await ext.privilegedEval(
    `(() => { const l = globalThis.__e2eAlerts.listeners.get(${JSON.stringify(id)}); if (!l) return "none"; l.observe(null, "alertclickcallback", ""); return "clicked"; })()`,
  );
  if (clicked !== "clicked") throw new Error(`No notification ${id} is shown`);
}

/** The app's notification id, as core/alerts/notify.ts makes it. */
export function appNotificationId(sourceId: string, accountId: string, slug: string): string {
  return JSON.stringify(["app", sourceId, accountId, slug]);
}

/**
 * Firefox's desktop notification service (nsIAlertsService), replaced for this browser run by one
 * that keeps what it is shown: registered under the same contract id, so Firefox's notifications
 * API (ext-notifications.js) gets it the next time it asks for the service.
 */
const STAND_IN = `(() => {
  if (globalThis.__e2eAlerts) return "kept";
  const shown = [];
  const listeners = new Map();
  const service = {
    QueryInterface: ChromeUtils.generateQI(["nsIAlertsService"]),
    showAlert(alert, listener) {
      shown.push({ name: alert.name, title: alert.title, text: alert.text });
      if (listener) listeners.set(alert.name, listener);
      listener?.observe(null, "alertshow", alert.cookie);
    },
    closeAlert(name) {
      const listener = listeners.get(name);
      listeners.delete(name);
      listener?.observe(null, "alertfinished", "");
    },
  };
  const factory = { QueryInterface: ChromeUtils.generateQI(["nsIFactory"]), createInstance: (iid) => service.QueryInterface(iid) };
  Components.manager.QueryInterface(Ci.nsIComponentRegistrar).registerFactory(Services.uuid.generateUUID(), "e2e alerts", "@mozilla.org/alerts-service;1", factory);
  globalThis.__e2eAlerts = { shown, listeners };
  return "registered";
})()`;
