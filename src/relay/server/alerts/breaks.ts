import { own } from "../../../core/kit/dict.ts";
import type { Status } from "../../../core/status/model.ts";
import type { AlertRules } from "../base/alerts-config.ts";
import type { Since } from "../check/merge.ts";
import { claimOf, endedClaimOf, type DeskSnapshot } from "./desk.ts";
import { LISTED, type AlertMessage, type AppCount, type BreakRef, type FixRef, type SourceRef } from "./messages.ts";
import type { OpenBreak, SourceAlerts } from "./record.ts";
import { troubleAfterCheck } from "./trouble.ts";

/*
 * What a check of one source means for the team, pure: which apps newly need re-authentication,
 * which open breaks ended, and the relay's own trouble. A break is an app of a linked account
 * from when the relay first sees it needing re-authentication until it sees it working again (or
 * the account gone from a complete listing); while it is open, no later check, webhook or restart
 * announces it again. Nothing ends on a check that could not see it: an account whose fetch
 * failed keeps its last apps, and a failed check keeps every account.
 *
 * The first check of a source (or the first after its key, address or accounts changed) is the
 * baseline: what is broken then is recorded, not announced one by one (the digest lists it).
 */

const DAY = 86_400_000;

export interface SourceView {
  ref: SourceRef;
  status: Status;
  since: Since;
}

/** What a check means; `baseline` when it was the source's baseline (nothing announced one by one). */
export function afterCheck(before: SourceAlerts | undefined, view: SourceView, desk: DeskSnapshot, now: number, rules: AlertRules): { source: SourceAlerts; messages: AlertMessage[]; baseline?: true } {
  const { status, ref } = view;
  const trouble = troubleAfterCheck(before?.trouble, ref, status, now, rules);
  const source: SourceAlerts = { open: before?.open ?? [] };
  if (before?.fingerprint !== undefined) source.fingerprint = before.fingerprint;
  if (trouble.trouble) source.trouble = trouble.trouble;
  // No check has ever succeeded: there is no list to compare.
  if (status.checkedAt === undefined) return { source, messages: trouble.messages };
  const current = currentBreaks(view, desk, now);
  if (before?.fingerprint !== status.source) {
    source.fingerprint = status.source;
    source.open = current.map((item) => ({ ...item, remindedDays: passedDays(item.since, now, rules.reminderDays) }));
    return { source, messages: trouble.messages, baseline: true };
  }
  const { open, opened, ended } = compare(before.open, current, view, desk, now);
  source.open = open;
  return { source, messages: [...breakMessages(ref, opened, rules), ...fixMessages(ref, ended, rules), ...trouble.messages] };
}

/** Every app the status lists as needing re-authentication, with when the relay first saw it so. */
function currentBreaks(view: SourceView, desk: DeskSnapshot, now: number): BreakRef[] {
  return view.status.accounts.flatMap((account) =>
    account.reauth.map((app) => {
      const item: BreakRef = { accountId: account.id, slug: app.slug, app: app.name, since: own(own(view.since, account.id) ?? {}, app.slug) ?? now };
      if (account.name) item.accountName = account.name;
      const claim = claimOf(desk, { sourceId: view.ref.id, accountId: account.id, slug: app.slug });
      if (claim) item.claimedBy = claim.member;
      return item;
    }),
  );
}

const keyOf = (item: { accountId: string; slug: string }) => JSON.stringify([item.accountId, item.slug]);

function compare(before: readonly OpenBreak[], current: readonly BreakRef[], view: SourceView, desk: DeskSnapshot, now: number): { open: OpenBreak[]; opened: BreakRef[]; ended: FixRef[] } {
  const still = new Map(current.map((item) => [keyOf(item), item]));
  const accounts = new Map(view.status.accounts.map((account) => [account.id, account]));
  const open: OpenBreak[] = [];
  const ended: FixRef[] = [];
  for (const item of before) {
    const claim = claimOf(desk, { sourceId: view.ref.id, ...item })?.member;
    const seen = still.get(keyOf(item));
    still.delete(keyOf(item));
    const account = accounts.get(item.accountId);
    // Seen broken again, or not seen at all (its fetch or the whole check failed): still open.
    if (seen || (account ? account.error !== undefined : view.status.error !== undefined)) {
      open.push(withClaim({ ...item, ...(seen?.accountName && { accountName: seen.accountName }), ...(seen && { app: seen.app }) }, claim));
      continue;
    }
    const fix: FixRef = { ...refOf(item), fixedAt: now };
    // Who held it when it ended: the claim the fix ended (a take-over since the last check counts), else one in effect, else the last seen.
    const by = endedClaimOf(desk, { sourceId: view.ref.id, accountId: item.accountId, slug: item.slug, since: item.since })?.member ?? claim ?? item.claimedBy;
    if (by) fix.claimedBy = by;
    else delete fix.claimedBy;
    if (!account) fix.removed = true;
    ended.push(fix);
  }
  const opened = [...still.values()];
  open.push(...opened.map((item) => ({ ...item, remindedDays: 0 })));
  return { open, opened, ended };
}

function withClaim(item: OpenBreak, member: string | undefined): OpenBreak {
  const next = { ...item };
  if (member) next.claimedBy = member;
  else delete next.claimedBy;
  return next;
}

export function refOf(item: OpenBreak): BreakRef {
  const ref: BreakRef = { accountId: item.accountId, slug: item.slug, app: item.app, since: item.since };
  if (item.accountName !== undefined) ref.accountName = item.accountName;
  if (item.claimedBy !== undefined) ref.claimedBy = item.claimedBy;
  return ref;
}

/** The latest reminder already due at `now` (a baseline's old breaks are not reminded of what has passed). */
export function passedDays(since: number, now: number, days: readonly number[]): number {
  return days.filter((day) => since + day * DAY <= now).reduce((latest, day) => Math.max(latest, day), 0);
}

export const byAge = (a: BreakRef, b: BreakRef) => a.since - b.since || a.accountId.localeCompare(b.accountId) || a.slug.localeCompare(b.slug);

/** One message per break; more than `summaryAbove` at once (a connector change, an expired OAuth app), one summary by app. */
function breakMessages(source: SourceRef, opened: readonly BreakRef[], rules: AlertRules): AlertMessage[] {
  if (opened.length <= rules.summaryAbove) return opened.map((item) => ({ type: "break", source, item }));
  return [{ type: "breaks", source, count: opened.length, apps: appCounts(opened), items: [...opened].sort(byAge).slice(0, LISTED) }];
}

function fixMessages(source: SourceRef, ended: readonly FixRef[], rules: AlertRules): AlertMessage[] {
  if (ended.length <= rules.summaryAbove) return ended.map((item) => ({ type: "fixed", source, item }));
  return [{ type: "fixes", source, count: ended.length, items: [...ended].sort(byAge).slice(0, LISTED) }];
}

function appCounts(items: readonly BreakRef[]): AppCount[] {
  const counts = new Map<string, AppCount>();
  for (const item of items) {
    const count = counts.get(item.slug) ?? { slug: item.slug, app: item.app, count: 0 };
    count.count++;
    counts.set(item.slug, count);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.slug.localeCompare(b.slug));
}
