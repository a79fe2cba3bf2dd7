import { dueRechecks, followUpOfTab, startFollowUp, tabClosed, type FollowedApp, type FollowUpKind } from "../core/alerts/followups.ts";
import { parseNotificationId } from "../core/alerts/notify.ts";
import { fetchLink } from "../adapters/reconnect-link.ts";
import { isHttpUrl } from "../core/kit/url.ts";
import { ApiError } from "../core/api/errors.ts";
import { isCurrent } from "../core/status/view-state.ts";
import { api } from "../adapters/browser.ts";
import { loadFollowUps, updateFollowUps } from "../adapters/alerts-store.ts";
import { clearNotification } from "../adapters/notifications.ts";
import { loadSnapshot, loadSourceState } from "../adapters/storage.ts";
import { recheck } from "./checker.ts";
import { budgetsOf, scheduleFollowUps } from "./follow-up-alarm.ts";

/*
 * Follow-up after Reconnect or Copy link, and what a click on a notification opens.
 * The background opens reconnect tabs itself and keeps each tab's id with its follow-up; the
 * follow-up alarm and the tab's closing (events that wake a stopped background) re-check the
 * app's linked account with checkAccounts, in turn with the source's checks (checker.ts recheck).
 */

/** One run at a time: two runs (the alarm and a closed tab) would re-check the same accounts twice. */
let running: Promise<unknown> = Promise.resolve();

/** Runs the re-checks due now, within each source's budget, then sets the alarm for the next ones. */
export function runFollowUps(): Promise<void> {
  const run = running.then(async () => {
    const { settings, statuses, followUps } = await loadSnapshot();
    const { due } = dueRechecks(followUps, budgetsOf(settings, statuses), Date.now());
    for (const { sourceId, accountIds } of due) await recheck(sourceId, accountIds).catch(() => undefined);
    await scheduleFollowUps();
  });
  running = run.catch(() => undefined);
  return run.catch(() => undefined);
}

/** Opens a reconnect link (only a web link) in a new tab, and follows the app up. */
export async function openReconnect(app: FollowedApp, url: string): Promise<void> {
  if (!isHttpUrl(url)) throw new ApiError("bad-response", { cause: "not-web-link" });
  const tab = await api().tabs.create({ url });
  await startFollowingUp(app, "reconnect", tab.id);
}

export async function startFollowingUp(app: FollowedApp, kind: FollowUpKind, tabId?: number): Promise<void> {
  const now = Date.now();
  await updateFollowUps((list) => startFollowUp(list, app, kind, now, tabId));
  await scheduleFollowUps();
}

/** A tab closed: if it was a reconnect tab, the user is probably done, so its app is re-checked now. */
export async function tabRemoved(tabId: number): Promise<void> {
  const followUp = followUpOfTab(await loadFollowUps(), tabId);
  if (!followUp) return;
  const now = Date.now();
  await updateFollowUps((list) => tabClosed(list, followUp, now).map((f) => (f.tabId === tabId ? withoutTab(f) : f)));
  await runFollowUps();
}

function withoutTab<T extends { tabId?: number }>(followUp: T): T {
  const { tabId: _closed, ...rest } = followUp;
  return rest as T;
}

/**
 * A notification was clicked: an app's opens its reconnect flow (a fresh link, made now), a
 * summary's the list, a failure's the options page. An app fixed since, or whose link cannot be
 * had, opens the list, where its state is shown. So does an app's while the sample data is on
 * (no request of any kind then) or whose results are of settings replaced since (a link made now
 * would use the new key for the old list): the popup's Reconnect keeps the same safeguards.
 */
export async function notificationClicked(id: string): Promise<void> {
  const subject = parseNotificationId(id);
  if (!subject) return;
  await clearNotification(id);
  if (subject.kind === "failure") return api().runtime.openOptionsPage();
  if (subject.kind === "app") {
    const { source, status, preview } = await loadSourceState(subject.sourceId);
    const account = status.accounts.find((candidate) => candidate.id === subject.accountId);
    const app = account?.reauth.find((candidate) => candidate.slug === subject.slug);
    if (source && account && app && !preview && isCurrent(source, status)) {
      try {
        const url = await fetchLink(source, app, account.id);
        return await openReconnect({ sourceId: source.id, accountId: account.id, slug: app.slug, name: app.name }, url);
      } catch {
        // The list says what is wrong when its Reconnect is used.
      }
    }
  }
  await openList();
}

/** The popup's list in a tab: a background cannot open the popup itself in every browser. */
async function openList(): Promise<void> {
  const popup = (api().runtime.getManifest().action as { default_popup?: string } | undefined)?.default_popup ?? "src/ui/popup/popup.html";
  await api().tabs.create({ url: api().runtime.getURL(popup) });
}
