import { api } from "./browser.ts";

/*
 * Desktop notifications, behind the optional `notifications` permission: the options
 * page asks for it when the user turns notifications on and gives it back when they turn them
 * off. Without it the browser has no `notifications` API at all, so every call here checks.
 */

const PERMISSION = { permissions: ["notifications" as const] };

export async function notificationsAllowed(): Promise<boolean> {
  try {
    return await api().permissions.contains(PERMISSION);
  } catch {
    return false;
  }
}

/** Must run straight from a click handler, before any other await: browsers ask only during a user gesture. */
export function requestNotificationsPermission(): Promise<boolean> {
  return api().permissions.request(PERMISSION);
}

/** Gives the permission back; false when the browser keeps it (a permission it granted at install, say). */
export async function giveBackNotificationsPermission(): Promise<boolean> {
  try {
    return await api().permissions.remove(PERMISSION);
  } catch {
    return false;
  }
}

function notificationsApi() {
  return (api() as { notifications?: ReturnType<typeof api>["notifications"] }).notifications;
}

export async function showNotification(id: string, title: string, message: string): Promise<void> {
  await notificationsApi()?.create(id, { type: "basic", iconUrl: api().runtime.getURL("icons/icon-128.png"), title, message });
}

export async function clearNotification(id: string): Promise<void> {
  try {
    await notificationsApi()?.clear(id);
  } catch {
    // Gone already, or the permission with it.
  }
}

let clickListener: ((id: string) => void) | undefined;

/**
 * Listens to clicks on notifications. Call at the top level of the background; the API exists only
 * while the permission is held, so call again when it is granted (listenAgain).
 */
export function onNotificationClicked(listener: (id: string) => void): void {
  clickListener = listener;
  listenAgain();
}

/** Registers the click listener if the API is there now and it is not registered yet. */
export function listenAgain(): void {
  try {
    const events = notificationsApi()?.onClicked;
    if (clickListener && events && !events.hasListener(clickListener)) events.addListener(clickListener);
  } catch {
    // The API object can outlive its permission (Chromium): it answers nothing then, and needs no listener.
  }
}
