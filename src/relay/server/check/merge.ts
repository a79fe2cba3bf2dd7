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

/**
 * The healthy apps after a re-check of a few accounts: theirs replaced in `healthy` itself, which
 * is returned. A copy would cost the whole org's list for each change (some 150 ms at 100,000
 * accounts, during which no poll is answered). The state saver may be part way through writing
 * the same object: what it writes then is at most newer for these accounts, and the write this
 * change schedules follows at once (state.ts). Set as own properties, so an account named
 * `__proto__` is an entry like any other, whatever the object's prototype.
 */
export function mergeHealthy(healthy: HealthyApps, updates: HealthyApps, ids: Iterable<string>): HealthyApps {
  for (const id of ids) Object.defineProperty(healthy, id, { value: own(updates, id) ?? [], enumerable: true, writable: true, configurable: true });
  return healthy;
}
