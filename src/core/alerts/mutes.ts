import { accountLabel } from "../status/list-model.ts";
import type { AppRecord } from "../api/records.ts";
import { listsOnlyAttention, type AccountStatus, type Status } from "../status/model.ts";
import { arrayOf, num, object, optional, str, type Guard } from "../kit/guards.ts";

/*
 * Mutes: the user sets aside an app, or a whole linked account, of one source, for an
 * hour, a day, a week, or until it is fixed. Muted apps stay listed (in a "Muted" section) but do
 * not count on the badge and do not notify. Stored under `mutes` as a list of Mute.
 *
 * "Until fixed" mutes the breaks there are when it is set: an app's break is its slug and since
 * (see core/check/since.ts), so the mute ends when the app is seen healthy, and an app that
 * breaks again later, with a new since, counts and notifies again, even before pruneMutes ran.
 * For a whole account it covers the apps broken when it was set; another app breaking later
 * counts. A timed account mute covers every app of the account while it lasts.
 */

export type MuteLength = "hour" | "day" | "week" | "fixed";

export const MUTE_MS = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const;

export interface MuteScope {
  sourceId: string;
  accountId: string;
  /** Absent: the whole linked account. */
  slug?: string;
}

export interface Mute extends MuteScope {
  /** When it was set. */
  at: number;
  /**
   * A team mute of a relay source: the member who set it (the relay keeps it, for the whole team;
   * see teamMutes). Absent: the user's own mute, kept in this browser.
   */
  by?: string;
  /** A timed mute: muted while now < until. */
  until?: number;
  /** A mute until fixed: the breaks it covers (since absent when the app had none recorded). */
  breaks?: { slug: string; since?: number }[];
}

/** One app of one account of one source, as it is now. */
export interface AppRef {
  sourceId: string;
  accountId: string;
  slug: string;
  since?: number | undefined;
}

/** The mutes with `scope` muted for `length` from `now`, replacing a mute of the same scope.
 * Muting until fixed what is not broken changes nothing. */
export function mute(mutes: readonly Mute[], target: { sourceId: string; account: AccountStatus; slug?: string }, length: MuteLength, now: number): Mute[] {
  const scope: MuteScope = { sourceId: target.sourceId, accountId: target.account.id };
  if (target.slug !== undefined) scope.slug = target.slug;
  const entry: Mute = { ...scope, at: now };
  if (length === "fixed") {
    const covered = target.account.reauth.filter((app) => target.slug === undefined || app.slug === target.slug);
    if (covered.length === 0) return [...mutes];
    entry.breaks = covered.map(({ slug, since }) => (since === undefined ? { slug } : { slug, since }));
  } else {
    entry.until = now + MUTE_MS[length];
  }
  return [...unmute(mutes, scope), entry];
}

/** The mutes without the one of exactly this scope (an app's, or its account's). */
export function unmute(mutes: readonly Mute[], scope: MuteScope): Mute[] {
  return mutes.filter((m) => !(m.sourceId === scope.sourceId && m.accountId === scope.accountId && m.slug === scope.slug));
}

/** Whether `mute` covers `app` at `now`. */
function covers(mute: Mute, app: AppRef, now: number): boolean {
  if (mute.sourceId !== app.sourceId || mute.accountId !== app.accountId) return false;
  if (mute.slug !== undefined && mute.slug !== app.slug) return false;
  if (mute.until !== undefined) return now < mute.until;
  return (mute.breaks ?? []).some((broken) => sameBreak(broken, app));
}

/** A break recorded without since (older data) is dated by a later check: any since matches. */
function sameBreak(broken: { slug: string; since?: number }, app: { slug: string; since?: number | undefined }): boolean {
  return broken.slug === app.slug && (broken.since === undefined || broken.since === app.since);
}

/** The mute that covers `app` now, the one that lasts longest if several ("until fixed" first). */
export function muteOf(mutes: readonly Mute[], app: AppRef, now: number): Mute | undefined {
  let found: Mute | undefined;
  for (const m of mutes) {
    if (!covers(m, app, now)) continue;
    if (!found || (found.until !== undefined && (m.until === undefined || m.until > found.until))) found = m;
  }
  return found;
}

/** When the first timed mute still running ends (the badge must count its apps again then). */
export function nextExpiry(mutes: readonly Mute[], now: number): number | undefined {
  const ends = mutes.flatMap((m) => (m.until !== undefined && m.until > now ? [m.until] : []));
  return ends.length === 0 ? undefined : Math.min(...ends);
}

export function isMuted(mutes: readonly Mute[], app: AppRef, now: number): boolean {
  return muteOf(mutes, app, now) !== undefined;
}

/**
 * The mutes still worth keeping. `sources` maps every source that exists to its current results,
 * or to undefined while they are not known (not checked yet, or from before a settings change):
 * then only expiry applies. Dropped: expired mutes, mutes of sources or linked accounts that no
 * longer exist, and "until fixed" mutes once none of their breaks is still broken (an account a
 * relay's compact status leaves out is healthy: its timed mutes stay, the others go).
 */
export function pruneMutes(mutes: readonly Mute[], now: number, sources: ReadonlyMap<string, Status | undefined>): Mute[] {
  const kept: Mute[] = [];
  for (const m of mutes) {
    if (!sources.has(m.sourceId)) continue;
    if (m.until !== undefined && now >= m.until) continue;
    const status = sources.get(m.sourceId);
    if (!status) {
      kept.push(m);
      continue;
    }
    // Missing from a relay's compact status, the account is healthy, not gone: a timed mute stays.
    const account = status.accounts.find((a) => a.id === m.accountId) ?? (listsOnlyAttention(status) ? { id: m.accountId, reauth: [], healthyCount: 0 } : undefined);
    if (!account) continue;
    if (m.breaks === undefined) {
      kept.push(m);
      continue;
    }
    const still = stillBroken(m.breaks, account);
    if (still.length > 0) kept.push({ ...m, breaks: still });
  }
  return kept;
}

/** The covered breaks still broken; one recorded without since takes the since a check gave it. */
function stillBroken(breaks: NonNullable<Mute["breaks"]>, account: AccountStatus): NonNullable<Mute["breaks"]> {
  return breaks.flatMap((broken) => {
    const app = account.reauth.find((candidate) => sameBreak(broken, candidate));
    if (!app) return [];
    return [broken.since === undefined && app.since !== undefined ? { slug: broken.slug, since: app.since } : broken];
  });
}

export interface MutedApp {
  accountId: string;
  /** The linked account as the list names it. */
  account: string;
  app: AppRecord;
  mute: Mute;
  /** Time left of a timed mute; absent for "until fixed". */
  leftMs?: number;
}

/** A source's accounts with their muted apps taken out (`counted`), and those apps (`muted`). */
export function splitMuted(sourceId: string, status: Status, mutes: readonly Mute[], now: number): { counted: AccountStatus[]; muted: MutedApp[] } {
  const muted: MutedApp[] = [];
  const counted = status.accounts.map((account) => {
    const reauth = account.reauth.filter((app) => {
      const m = muteOf(mutes, { sourceId, accountId: account.id, slug: app.slug, since: app.since }, now);
      if (!m) return true;
      const entry: MutedApp = { accountId: account.id, account: accountLabel(account), app, mute: m };
      // Never more than the mute's length: a page may render with a moment from before it was set.
      if (m.until !== undefined) entry.leftMs = m.until - Math.max(now, m.at);
      muted.push(entry);
      return false;
    });
    return reauth.length === account.reauth.length ? account : { ...account, reauth };
  });
  return { counted, muted };
}

/** Apps needing re-authentication that are not muted: what the badge counts for this source. */
export function countUnmuted(sourceId: string, status: Status, mutes: readonly Mute[], now: number): number {
  let count = 0;
  for (const account of status.accounts) {
    for (const app of account.reauth) if (!isMuted(mutes, { sourceId, accountId: account.id, slug: app.slug, since: app.since }, now)) count++;
  }
  return count;
}

/**
 * A relay source's team mutes (its desk, core/status/desk.ts) as mutes of that source. The relay
 * ends them (at their time, or when their breaks are fixed); until its next answer they are
 * honoured here as any mute is.
 */
export function teamMutes(sourceId: string, status: Status): Mute[] {
  return (status.relay?.desk?.mutes ?? []).map((entry) => {
    const mute: Mute = { sourceId, accountId: entry.accountId, at: entry.at, by: entry.member };
    if (entry.slug !== undefined) mute.slug = entry.slug;
    if (entry.until !== undefined) mute.until = entry.until;
    else mute.breaks = entry.breaks ?? (entry.slug === undefined ? [] : [{ slug: entry.slug }]);
    return mute;
  });
}

/** The user's own mutes with every relay source's team mutes: what the badge, the popup and the alerts honour. */
export function withTeamMutes(mutes: readonly Mute[], statuses: Readonly<Record<string, Status>>): Mute[] {
  const team = Object.entries(statuses).flatMap(([sourceId, status]) => teamMutes(sourceId, status));
  return team.length === 0 ? [...mutes] : [...mutes, ...team];
}

/** Stored mutes, entry by entry: a damaged entry (or one neither timed nor until fixed) is
 * dropped alone; fields a later version adds are ignored. */
export function parseMutes(raw: unknown): Mute[] {
  if (!Array.isArray(raw)) return [];
  const mutes: Mute[] = [];
  for (const item of raw) {
    // A hand-written guard (the popup loads no zod), twin of test/unit/support/schemas.ts MuteSchema.
    const mute = readMute(item);
    if (!mute || (mute.until === undefined) === (mute.breaks === undefined)) continue;
    mutes.push(withoutUndefined(mute));
  }
  return mutes;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

/** One stored mute (core/alerts/mutes.ts checks that it is timed or until fixed). */
export const readMute: Guard<Mute> = object({
  sourceId: str,
  accountId: str,
  slug: optional(str),
  at: num,
  until: optional(num),
  breaks: optional(arrayOf(object({ slug: str, since: optional(num) }))),
});
