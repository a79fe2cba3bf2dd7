import type { ErrorKind } from "../api/errors.ts";
import type { Status } from "../status/model.ts";
import { newBreaks, orphanedIds, type AnnouncedBreak, type AnnouncedFailure, type BreakInput, type BrokenApp, type Notified } from "./breaks.ts";
import type { AlertMessageKey, Message } from "./messages.ts";
import { isMuted, type Mute } from "./mutes.ts";

/*
 * What to show and clear after a check of one source: one notification per app that
 * newly needs re-authentication (see breaks.ts), one summary instead when more than SUMMARY_ABOVE
 * break at once, nothing for muted apps; a notification is cleared when its app is fixed (a
 * summary when every app it announced is). Optionally, failures that need the user, once per
 * failure episode. Call it after every check of a source while notifications are on, and keep
 * the returned record; the wiring turns messages into text (i18n) and ids into notifications.
 */

export const SUMMARY_ABOVE = 3;

/** Failures that wait for the user, worth a notification when asked for. */
const USER_FAILURES: Partial<Record<ErrorKind, { title: AlertMessageKey; message: AlertMessageKey; inSource: AlertMessageKey }>> = {
  unauthorized: { title: "notifyKeyRejectedTitle", message: "notifyKeyRejectedMessage", inSource: "notifyKeyRejectedMessageInSource" },
  forbidden: { title: "notifyAccessRefusedTitle", message: "notifyAccessRefusedMessage", inSource: "notifyAccessRefusedMessageInSource" },
};

export interface NotifyInput extends BreakInput {
  mutes: readonly Mute[];
  now: number;
  /** The source's name, when the user has several sources (with one, it goes unsaid). */
  sourceLabel?: string;
  /** Also notify failures that need the user (key rejected, access refused). */
  failures: boolean;
}

export interface PlannedNotification {
  id: string;
  title: Message;
  message: Message;
}

export interface NotificationPlan {
  show: PlannedNotification[];
  /** Ids of notifications to clear. */
  clear: string[];
  /** The notified record to keep. */
  notified: Notified;
}

export function planNotifications(input: NotifyInput): NotificationPlan {
  const { sourceId, next, notified } = input;
  const breaks = notified.breaks.filter((b) => b.sourceId !== sourceId || stillBroken(b, next));
  const failures = notified.failures.filter((f) => f.sourceId !== sourceId || next.error?.kind === f.kind);
  const settled: Notified = { breaks, failures };

  const fresh = newBreaks({ ...input, notified: settled }).filter((b) => !isMuted(input.mutes, b, input.now));
  const show: PlannedNotification[] = [];
  if (fresh.length > SUMMARY_ABOVE) {
    const summary = summaryNotification(input, fresh);
    show.push(summary);
    breaks.push(...fresh.map((b) => announced(b, summary.id)));
  } else {
    for (const b of fresh) {
      const notification = breakNotification(input, b);
      show.push(notification);
      breaks.push(announced(b, notification.id));
    }
  }
  const failure = failureNotification(input, settled);
  if (failure) {
    show.push(failure.notification);
    failures.push(failure.entry);
  }
  return { show, clear: orphanedIds(notified, settled), notified: settled };
}

/** Whether an announced break is still broken (the same break: same since) in these results. */
function stillBroken(b: AnnouncedBreak, next: Status): boolean {
  const account = next.accounts.find((a) => a.id === b.accountId);
  return account?.reauth.some((app) => app.slug === b.slug && (b.since === undefined || app.since === b.since)) ?? false;
}

function announced(b: BrokenApp, id: string): AnnouncedBreak {
  const entry: AnnouncedBreak = { sourceId: b.sourceId, accountId: b.accountId, slug: b.slug, id };
  if (b.since !== undefined) entry.since = b.since;
  return entry;
}

function breakNotification(input: NotifyInput, b: BrokenApp): PlannedNotification {
  const message: Message =
    input.sourceLabel === undefined
      ? { key: "notifyBreakMessage", params: { account: b.account } }
      : { key: "notifyBreakMessageInSource", params: { account: b.account, source: input.sourceLabel } };
  return {
    id: notificationId.app(b.sourceId, b.accountId, b.slug),
    title: { key: "notifyBreakTitle", params: { app: b.name } },
    message,
  };
}

function summaryNotification(input: NotifyInput, fresh: BrokenApp[]): PlannedNotification {
  const count = fresh.length;
  const accounts = new Set(fresh.map((b) => b.accountId)).size;
  const message: Message =
    input.sourceLabel === undefined
      ? { key: "notifySummaryMessage", params: { count, accounts } }
      : { key: "notifySummaryMessageInSource", params: { count, accounts, source: input.sourceLabel } };
  return {
    id: notificationId.summary(input.sourceId, input.now),
    title: { key: "notifySummaryTitle", params: { count } },
    message,
  };
}

/** A failure that needs the user, new in this check and not announced yet for this episode. */
function failureNotification(input: NotifyInput, settled: Notified): { notification: PlannedNotification; entry: AnnouncedFailure } | undefined {
  const kind = input.next.error?.kind;
  const texts = kind === undefined ? undefined : USER_FAILURES[kind];
  if (!input.failures || !input.baseline || !kind || !texts) return undefined;
  if (input.previous.error?.kind === kind || settled.failures.some((f) => f.sourceId === input.sourceId)) return undefined;
  const id = notificationId.failure(input.sourceId);
  const message: Message = input.sourceLabel === undefined ? { key: texts.message } : { key: texts.inSource, params: { source: input.sourceLabel } };
  return {
    notification: { id, title: { key: texts.title }, message },
    entry: { sourceId: input.sourceId, kind, id },
  };
}

/** Notification ids: JSON, so that a click can be traced back to what it is about. */
export const notificationId = {
  app: (sourceId: string, accountId: string, slug: string) => JSON.stringify(["app", sourceId, accountId, slug]),
  summary: (sourceId: string, at: number) => JSON.stringify(["summary", sourceId, at]),
  failure: (sourceId: string) => JSON.stringify(["failure", sourceId]),
};

export type NotificationSubject =
  | { kind: "app"; sourceId: string; accountId: string; slug: string }
  | { kind: "summary"; sourceId: string }
  | { kind: "failure"; sourceId: string };

/** What a notification id is about; undefined for an id that is not one of ours. */
export function parseNotificationId(id: string): NotificationSubject | undefined {
  let parts: unknown;
  try {
    parts = JSON.parse(id);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts)) return undefined;
  const [kind, sourceId, a, b] = parts as unknown[];
  if (typeof sourceId !== "string") return undefined;
  if (kind === "app" && typeof a === "string" && typeof b === "string" && parts.length === 4) return { kind, sourceId, accountId: a, slug: b };
  if (kind === "summary" && parts.length === 3) return { kind, sourceId };
  if (kind === "failure" && parts.length === 2) return { kind, sourceId };
  return undefined;
}
