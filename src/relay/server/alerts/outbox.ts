import type { AlertMessage } from "./messages.ts";

/*
 * The outbox's rules, pure: one entry per message and channel, delivered in the order they were
 * queued, each channel on its own (a failing channel holds back only its own later messages, so
 * they still arrive in order), retried with a growing wait for a day, then dropped.
 */

export interface DeliveryFailure {
  /** The receiver's HTTP status (or SMTP reply code), when it answered. */
  status?: number;
  /** What went wrong without an answer: the error's name or code, never its message. */
  error?: string;
}

export interface OutboxEntry {
  /** The message's id, the same on every channel and every attempt (a webhook's `webhook-id`). */
  id: string;
  channel: string;
  message: AlertMessage;
  createdAt: number;
  attempts: number;
  /** Not tried again before this. */
  nextAt: number;
  /** When its first attempt failed (while it keeps failing). */
  failedSince?: number;
  lastFailure?: DeliveryFailure;
}

export interface RetryRules {
  firstMs: number;
  maxMs: number;
  giveUpMs: number;
}

/** A channel holds at most this many waiting messages: past it the oldest go (a day of a dead channel is far fewer). */
export const MAX_PER_CHANNEL = 500;

/** The messages queued for every channel, after what waits already; the oldest beyond MAX_PER_CHANNEL go (returned). */
export function enqueue(outbox: readonly OutboxEntry[], messages: readonly { id: string; message: AlertMessage }[], channels: readonly string[], now: number): { outbox: OutboxEntry[]; dropped: OutboxEntry[] } {
  const added = messages.flatMap(({ id, message }) => channels.map((channel): OutboxEntry => ({ id, channel, message, createdAt: now, attempts: 0, nextAt: now })));
  const all = [...outbox, ...added];
  const dropped: OutboxEntry[] = [];
  for (const channel of channels) {
    const mine = all.filter((entry) => entry.channel === channel);
    dropped.push(...mine.slice(0, Math.max(0, mine.length - MAX_PER_CHANNEL)));
  }
  return { outbox: all.filter((entry) => !dropped.includes(entry)), dropped };
}

/** The next message a channel sends: its oldest. */
export function headOf(outbox: readonly OutboxEntry[], channel: string): OutboxEntry | undefined {
  return outbox.find((entry) => entry.channel === channel);
}

export function withoutEntry(outbox: readonly OutboxEntry[], entry: Pick<OutboxEntry, "id" | "channel">): OutboxEntry[] {
  return outbox.filter((each) => each.id !== entry.id || each.channel !== entry.channel);
}

/**
 * After a failed attempt: tried again after `firstMs`, doubled each time up to `maxMs` (with a
 * little jitter, and at least the receiver's Retry-After), until a day after it was queued; the
 * attempt at that moment is the last. `dropped` when it is given up.
 */
export function afterFailure(
  outbox: readonly OutboxEntry[],
  entry: OutboxEntry,
  failure: DeliveryFailure & { retryAfterMs?: number },
  now: number,
  retry: RetryRules,
  random: () => number,
): { outbox: OutboxEntry[]; dropped: boolean; retryAt?: number } {
  const current = outbox.find((each) => each.id === entry.id && each.channel === entry.channel);
  if (!current) return { outbox: [...outbox], dropped: false };
  const giveUpAt = current.createdAt + retry.giveUpMs;
  if (now >= giveUpAt) return { outbox: withoutEntry(outbox, current), dropped: true };
  const attempts = current.attempts + 1;
  const backoff = Math.min(retry.maxMs, retry.firstMs * 2 ** Math.min(attempts - 1, 40)) * (0.9 + random() * 0.2);
  const retryAt = Math.min(giveUpAt, now + Math.max(backoff, failure.retryAfterMs ?? 0));
  const lastFailure: DeliveryFailure = {};
  if (failure.status !== undefined) lastFailure.status = failure.status;
  if (failure.error !== undefined) lastFailure.error = failure.error;
  const next: OutboxEntry = { ...current, attempts, nextAt: retryAt, failedSince: current.failedSince ?? now, lastFailure };
  return { outbox: outbox.map((each) => (each === current ? next : each)), dropped: false, retryAt };
}

/** When the next delivery is due among the channels not sending now; undefined when none waits. */
export function nextDeliveryAt(outbox: readonly OutboxEntry[], busy: ReadonlySet<string>): number | undefined {
  let next: number | undefined;
  const seen = new Set<string>();
  for (const entry of outbox) {
    if (seen.has(entry.channel)) continue;
    seen.add(entry.channel);
    if (busy.has(entry.channel)) continue;
    next = next === undefined ? entry.nextAt : Math.min(next, entry.nextAt);
  }
  return next;
}

/** Entries of channels no longer configured: they go (returned), the rest stay. */
export function forChannels(outbox: readonly OutboxEntry[], channels: ReadonlySet<string>): { outbox: OutboxEntry[]; dropped: OutboxEntry[] } {
  return { outbox: outbox.filter((entry) => channels.has(entry.channel)), dropped: outbox.filter((entry) => !channels.has(entry.channel)) };
}

export interface ChannelBacklog {
  undelivered: number;
  /** The oldest undelivered message's queueing time. */
  oldestAt?: number;
  /** Since when its oldest message has been failing; absent while nothing failed. */
  failingSince?: number;
  lastFailure?: DeliveryFailure;
}

export function backlogOf(outbox: readonly OutboxEntry[], channel: string): ChannelBacklog {
  const mine = outbox.filter((entry) => entry.channel === channel);
  const head = mine[0];
  const backlog: ChannelBacklog = { undelivered: mine.length };
  if (head) backlog.oldestAt = Math.min(...mine.map((entry) => entry.createdAt));
  if (head?.failedSince !== undefined) backlog.failingSince = head.failedSince;
  if (head?.lastFailure) backlog.lastFailure = head.lastFailure;
  return backlog;
}
