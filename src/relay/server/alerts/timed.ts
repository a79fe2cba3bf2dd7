import { dict } from "../../../core/kit/dict.ts";
import type { AlertRules } from "../base/alerts-config.ts";
import { byAge, refOf } from "./breaks.ts";
import { addDays, instantAt, localDate } from "./clock.ts";
import { claimOf, isMuted, type DeskSnapshot } from "./desk.ts";
import { LISTED, type AlertMessage, type BreakRef, type SourceRef } from "./messages.ts";
import type { AlertsRecord, OpenBreak } from "./record.ts";
import { announceDue, troubleDueAt } from "./trouble.ts";

/*
 * What is said because time passed, pure: reminders of breaks still open (none for muted ones),
 * the daily digest, and trouble that has now lasted long enough. `nextTimedAt` says when the
 * next of these is due, for the schedule.
 */

const DAY = 86_400_000;

export function timed(record: AlertsRecord, refs: ReadonlyMap<string, SourceRef>, desk: DeskSnapshot, now: number, rules: AlertRules): { record: AlertsRecord; messages: AlertMessage[] } {
  const messages: AlertMessage[] = [];
  const sources = dict<AlertsRecord["sources"][string]>();
  for (const [id, source] of Object.entries(record.sources)) {
    const ref = refs.get(id);
    if (!ref) {
      sources[id] = source;
      continue;
    }
    const reminded = remind(source.open, ref, desk, now, rules);
    const next = { ...source, open: reminded.open };
    messages.push(...reminded.messages);
    if (source.trouble) {
      const trouble = announceDue(source.trouble, ref, now, rules);
      next.trouble = trouble.trouble;
      messages.push(...trouble.messages);
    }
    sources[id] = next;
  }
  const digest = digestDue({ ...record, sources }, refs, desk, now, rules);
  return { record: { ...record, sources, digest: digest.digest }, messages: [...messages, ...digest.messages] };
}

/** The latest threshold passed since the last reminder, if any. */
function dueDays(item: OpenBreak, now: number, days: readonly number[]): number | undefined {
  const due = days.filter((day) => day > item.remindedDays && item.since + day * DAY <= now);
  return due.length === 0 ? undefined : Math.max(...due);
}

function remind(open: readonly OpenBreak[], source: SourceRef, desk: DeskSnapshot, now: number, rules: AlertRules): { open: OpenBreak[]; messages: AlertMessage[] } {
  const due: (BreakRef & { days: number })[] = [];
  const next = open.map((item) => {
    const days = dueDays(item, now, rules.reminderDays);
    if (days === undefined) return item;
    const key = { sourceId: source.id, accountId: item.accountId, slug: item.slug, since: item.since };
    if (!isMuted(desk, key, now)) {
      const ref = refOf(item);
      const claim = claimOf(desk, key);
      if (claim) ref.claimedBy = claim.member;
      else delete ref.claimedBy;
      due.push({ ...ref, days });
    }
    return { ...item, remindedDays: days };
  });
  if (due.length <= rules.summaryAbove) return { open: next, messages: due.map(({ days, ...item }) => ({ type: "reminder", source, days, item })) };
  return { open: next, messages: [{ type: "reminders", source, count: due.length, items: due.sort(byAge).slice(0, LISTED) }] };
}

/**
 * The digest, once per local day, at the first moment the clock there reads the configured time
 * or later (clock.ts, instantAt) (late if the relay was down then, but the same day). The first day the relay sees
 * after that time is passed over, so starting a relay does not send one at once.
 */
function digestDue(record: AlertsRecord, refs: ReadonlyMap<string, SourceRef>, desk: DeskSnapshot, now: number, rules: AlertRules): { digest: AlertsRecord["digest"]; messages: AlertMessage[] } {
  const rule = rules.digest;
  const { lastDate } = record.digest;
  const today = localDate(now, rules.timeZone);
  if (!rule || lastDate === today) return { digest: record.digest, messages: [] };
  if (now < instantAt(today, rule.minutes, rules.timeZone)) return { digest: lastDate === undefined ? { lastDate: "" } : record.digest, messages: [] };
  if (lastDate === undefined) return { digest: { lastDate: today }, messages: [] };
  const open = Object.entries(record.sources).flatMap(([id, source]) => {
    const ref = refs.get(id);
    return ref ? source.open.map((item) => ({ item, source: ref })) : [];
  });
  if (open.length === 0 && !rule.whenNothingBroken) return { digest: { lastDate: today }, messages: [] };
  return { digest: { lastDate: today }, messages: [digestOf(open, today, desk, now, rules.timeZone)] };
}

function digestOf(open: readonly { item: OpenBreak; source: SourceRef }[], date: string, desk: DeskSnapshot, now: number, timeZone: string): AlertMessage {
  let muted = 0;
  const unclaimed: (BreakRef & { source: SourceRef })[] = [];
  const all = open.map(({ item, source }) => {
    const key = { sourceId: source.id, accountId: item.accountId, slug: item.slug, since: item.since };
    const ref: BreakRef & { source: SourceRef } = { ...refOf(item), source };
    const claim = claimOf(desk, key);
    if (claim) ref.claimedBy = claim.member;
    else delete ref.claimedBy;
    if (isMuted(desk, key, now)) muted++;
    else if (!claim) unclaimed.push(ref);
    return ref;
  });
  const oldest = [...all].sort(byAge)[0];
  const message: AlertMessage = { type: "digest", date, timeZone, count: all.length, unclaimed: unclaimed.length, muted, items: unclaimed.sort(byAge).slice(0, LISTED) };
  if (oldest) message.oldest = oldest;
  return message;
}

/** When something here is next due: a reminder, a failure reaching the threshold, the digest. */
export function nextTimedAt(record: AlertsRecord, refs: ReadonlyMap<string, SourceRef>, now: number, rules: AlertRules): number | undefined {
  let next = Infinity;
  for (const [id, source] of Object.entries(record.sources)) {
    if (!refs.has(id)) continue;
    for (const item of source.open) {
      const day = rules.reminderDays.find((each) => each > item.remindedDays);
      if (day !== undefined) next = Math.min(next, item.since + day * DAY);
    }
    next = Math.min(next, troubleDueAt(source.trouble, rules) ?? Infinity);
  }
  if (rules.digest) {
    const today = localDate(now, rules.timeZone);
    next = Math.min(next, instantAt(record.digest.lastDate === today ? addDays(today, 1) : today, rules.digest.minutes, rules.timeZone));
  }
  return next === Infinity ? undefined : next;
}
