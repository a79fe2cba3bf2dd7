import { listsOnlyAttention, type Status } from "../status/model.ts";
import { arrayOf, bool, num, object, oneOf, optional, str, type Guard } from "../kit/guards.ts";

/*
 * Follow-up after Reconnect or Copy link: the linked account is re-checked (with
 * core/check/accounts.ts, checkAccounts) when the reconnect tab closes and at set times after,
 * over a longer window for a copied link (the customer may act later), until the app is seen
 * fixed. The row then says "Reconnected at <time>", or "still broken" after the last re-check.
 * Stored under `followups` as a list of FollowUp.
 *
 * The request budget: a re-check costs one request per linked account, and checkAccounts paces
 * its requests at the source's budget. dueRechecks adds the rest: no re-check of a source starts
 * sooner than one budget interval after the source's last request nor while its backoff holds
 * (a rate limit, a failure), follow-ups of one account coalesce into one re-check, and a run takes
 * at most maxPerRun accounts, so a full check never waits long behind follow-ups.
 */

export type FollowUpKind = "reconnect" | "copy";

const MIN = 60_000;
/** When to re-check, after Reconnect or Copy link was used. */
export const FOLLOW_UP_AFTER_MS: Record<FollowUpKind, readonly number[]> = {
  reconnect: [1 * MIN, 3 * MIN, 10 * MIN],
  copy: [5 * MIN, 15 * MIN, 30 * MIN, 60 * MIN],
};
/** How long a row keeps saying how its follow-up ended. */
export const KEEP_OUTCOME_MS = 60 * MIN;

export interface FollowedApp {
  sourceId: string;
  accountId: string;
  slug: string;
  /** The app's name, for the row that says it was reconnected once it has left the list. */
  name: string;
}

export interface FollowUp extends FollowedApp {
  kind: FollowUpKind;
  startedAt: number;
  /** Re-checks still to make, in time order. */
  due: number[];
  /** Set when decided: seen fixed (at the check that saw it), or still broken after the last re-check. */
  outcome?: { fixed: boolean; at: number };
  /** The tab Reconnect opened, whose closing means the user is probably done. */
  tabId?: number;
}

export interface RecheckBudget {
  requestsPerMinute: number;
  /** The source's backoff: no request before then. */
  notBefore?: number;
  /** When the source last asked Cobalt (the end of its last check or re-check). */
  lastRequestAt?: number;
}

const sameApp = (a: FollowedApp, b: FollowedApp) => a.sourceId === b.sourceId && a.accountId === b.accountId && a.slug === b.slug;

/** Starts following `app` up, replacing a follow-up of the same app (its schedule restarts). */
export function startFollowUp(list: readonly FollowUp[], app: FollowedApp, kind: FollowUpKind, now: number, tabId?: number): FollowUp[] {
  const { sourceId, accountId, slug, name } = app;
  const followUp: FollowUp = { sourceId, accountId, slug, name, kind, startedAt: now, due: FOLLOW_UP_AFTER_MS[kind].map((after) => now + after) };
  if (tabId !== undefined) followUp.tabId = tabId;
  return [...list.filter((f) => !sameApp(f, app)), followUp];
}

/** The follow-up whose reconnect tab this is. */
export function followUpOfTab(list: readonly FollowUp[], tabId: number): FollowUp | undefined {
  return list.find((f) => f.tabId === tabId);
}

/** The reconnect tab of `app` was closed: the user is probably done, so re-check now. */
export function tabClosed(list: readonly FollowUp[], app: FollowedApp, now: number): FollowUp[] {
  return list.map((f) => (sameApp(f, app) && f.kind === "reconnect" && !f.outcome ? { ...f, due: [...new Set([now, ...f.due])].sort((a, b) => a - b) } : f));
}

/** Accounts re-checked per run: a tenth of a minute's budget, at least one. */
export function maxPerRun(requestsPerMinute: number): number {
  return Math.max(1, Math.floor(requestsPerMinute / 10));
}

/**
 * The re-checks to run now, per source (each account once), and when to look again (undefined:
 * nothing is pending). `budgetOf` gives a source's budget, undefined for a source that no longer
 * exists (its follow-ups are skipped; pruneFollowUps forgets them).
 */
export function dueRechecks(list: readonly FollowUp[], budgetOf: (sourceId: string) => RecheckBudget | undefined, now: number): { due: { sourceId: string; accountIds: string[] }[]; nextAt?: number } {
  const due: { sourceId: string; accountIds: string[] }[] = [];
  let nextAt: number | undefined;
  const later = (at: number) => (nextAt = nextAt === undefined ? at : Math.min(nextAt, at));
  for (const [sourceId, pending] of pendingBySource(list)) {
    const budget = budgetOf(sourceId);
    if (!budget) continue;
    const interval = MIN / budget.requestsPerMinute;
    const allowedAt = Math.max(budget.notBefore ?? -Infinity, (budget.lastRequestAt ?? -Infinity) + interval);
    // Each account with its due times, the earliest due first.
    const accounts = [...pending].sort((a, b) => a[1][0]! - b[1][0]!);
    const ready = now >= allowedAt ? accounts.filter(([, times]) => times[0]! <= now).slice(0, maxPerRun(budget.requestsPerMinute)) : [];
    if (ready.length > 0) due.push({ sourceId, accountIds: ready.map(([id]) => id) });
    // This run's requests are paced at the budget: what remains may follow once they are made.
    const resumeAt = Math.max(allowedAt, now + ready.length * interval);
    const taken = new Set(ready.map(([id]) => id));
    for (const [id, times] of accounts) {
      const next = taken.has(id) ? times.find((at) => at > now) : times[0];
      if (next !== undefined) later(Math.max(next, resumeAt));
    }
  }
  return nextAt === undefined ? { due } : { due, nextAt };
}

/** Per source, each account with a follow-up still running and its due times, in order. */
function pendingBySource(list: readonly FollowUp[]): Map<string, Map<string, number[]>> {
  const bySource = new Map<string, Map<string, number[]>>();
  for (const f of list) {
    if (f.outcome || f.due.length === 0) continue;
    const accounts = bySource.get(f.sourceId) ?? new Map<string, number[]>();
    accounts.set(f.accountId, [...(accounts.get(f.accountId) ?? []), ...f.due].sort((a, b) => a - b));
    bySource.set(f.sourceId, accounts);
  }
  return bySource;
}

export interface Settle {
  sourceId: string;
  /** The source's results after a check or re-check. */
  status: Status;
  now: number;
  /** Accounts this re-check asked about: their due times up to now are used up, even if it failed. */
  rechecked?: readonly string[];
}

/**
 * Follow-ups after a check or re-check of a source. Fixed: the app's account was fetched after
 * the follow-up began and the app no longer needs re-authentication (data from before, kept
 * through a failure, proves nothing). Still broken: no re-check is left to make. A follow-up of
 * an account the source no longer has is dropped. An account a relay's compact status leaves out
 * is healthy as of that status: fixed, once that status is newer than the follow-up.
 */
export function settleFollowUps(list: readonly FollowUp[], { sourceId, status, now, rechecked = [] }: Settle): FollowUp[] {
  const asked = new Set(rechecked);
  const compact = listsOnlyAttention(status);
  return list.flatMap((f): FollowUp[] => {
    if (f.sourceId !== sourceId || f.outcome) return [f];
    const listed = status.accounts.find((a) => a.id === f.accountId);
    const account = listed ?? (compact ? { id: f.accountId, reauth: [], checkedAt: status.checkedAt } : undefined);
    if (!account) return [];
    const due = asked.has(f.accountId) ? f.due.filter((at) => at > now) : f.due;
    const fetchedSince = account.checkedAt !== undefined && account.checkedAt >= f.startedAt;
    if (fetchedSince && !account.reauth.some((app) => app.slug === f.slug)) return [{ ...f, due: [], outcome: { fixed: true, at: account.checkedAt! } }];
    if (due.length === 0) return [{ ...f, due, outcome: { fixed: false, at: now } }];
    return [{ ...f, due }];
  });
}

/** Without follow-ups of sources that no longer exist, and outcomes older than KEEP_OUTCOME_MS. */
export function pruneFollowUps(list: readonly FollowUp[], now: number, sourceIds: ReadonlySet<string>): FollowUp[] {
  return list.filter((f) => sourceIds.has(f.sourceId) && !(f.outcome && now >= f.outcome.at + KEEP_OUTCOME_MS));
}

export type FollowUpRow = { state: "following" } | { state: "fixed"; at: number } | { state: "still-broken"; at: number };

/** What the row of `app` says about its follow-up, if anything. */
export function followUpRow(list: readonly FollowUp[], app: FollowedApp, now: number): FollowUpRow | undefined {
  const f = list.find((candidate) => sameApp(candidate, app));
  if (!f) return undefined;
  if (!f.outcome) return { state: "following" };
  if (now >= f.outcome.at + KEEP_OUTCOME_MS) return undefined;
  return f.outcome.fixed ? { state: "fixed", at: f.outcome.at } : { state: "still-broken", at: f.outcome.at };
}

/** Stored follow-ups, entry by entry: a damaged entry is dropped alone, unknown fields ignored. */
export function parseFollowUps(raw: unknown): FollowUp[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item) => {
    // A hand-written guard (the popup loads no zod), twin of FollowUpSchema in test/unit/support/schemas.ts.
    const read = readFollowUp(item);
    if (!read) return [];
    const { outcome, tabId, ...rest } = read;
    return [{ ...rest, ...(outcome && { outcome }), ...(tabId !== undefined && { tabId }) }];
  });
}

/** One stored follow-up (core/alerts/followups.ts). */
export const readFollowUp: Guard<FollowUp> = object({
  sourceId: str,
  accountId: str,
  slug: str,
  name: str,
  kind: oneOf(["reconnect", "copy"] as const),
  startedAt: num,
  due: arrayOf(num),
  outcome: optional(object({ fixed: bool, at: num })),
  tabId: optional(num),
});
