import type { HealthyApps, Status, AccountStatus } from "../../../core/status/model.ts";
import { dict, own } from "../../../core/kit/dict.ts";

/** accountId → slug → when the relay first saw that app needing re-authentication. */
export type Since = Record<string, Record<string, number>>;

/**
 * Keeps the first-seen time of every app that still needs re-authentication, stamps new ones
 * with `now`, and forgets the ones that are fixed (so breaking again later starts a new "since").
 * An account whose latest check failed keeps its last good list, and so its times.
 */
export function trackSince(previous: Since, accounts: readonly AccountStatus[], now: number): Since {
  const next: Since = dict();
  for (const account of accounts) {
    if (account.reauth.length === 0) continue;
    const before = own(previous, account.id) ?? dict<number>();
    const times = dict<number>();
    for (const app of account.reauth) times[app.slug] = own(before, app.slug) ?? now;
    next[account.id] = times;
  }
  return next;
}

/**
 * The status after a re-check of a few accounts: those accounts replaced, the rest untouched.
 * `addUnknown` appends accounts the status does not list yet (a signed "Connection Created" for a
 * new linked account, when the source watches all of them).
 */
export function mergeAccounts(status: Status, updates: readonly AccountStatus[], addUnknown: boolean): Status {
  const byId = new Map(updates.map((account) => [account.id, account]));
  const accounts = status.accounts.map((account) => {
    const update = byId.get(account.id);
    byId.delete(account.id);
    return update ?? account;
  });
  if (addUnknown) accounts.push(...byId.values());
  return { ...status, accounts };
}

export function mergeHealthy(healthy: HealthyApps, updates: HealthyApps, ids: Iterable<string>): HealthyApps {
  const next = dict(Object.entries(healthy));
  for (const id of ids) next[id] = own(updates, id) ?? [];
  return next;
}
