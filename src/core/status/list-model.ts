import { byOldestBreak, type AppRecord } from "../api/records.ts";
import { accountsWatched, healthyAppCount, type AccountStatus, type ErrorInfo, type Status } from "./model.ts";
import { canonicalJson } from "../kit/slots.ts";

/** What the popup lists: accounts with apps to fix, and accounts that could not be checked. */
export interface AccountGroup {
  id: string;
  label: string;
  apps: AppRecord[];
  error?: ErrorInfo;
  checkedAt?: number;
}

export interface ListModel {
  groups: AccountGroup[];
  /** Totals before filtering, for the summary line. */
  appCount: number;
  accountsWithApps: number;
  accountsWatched: number;
  healthyCount: number;
  /** Totals after filtering. */
  shownApps: number;
}

export function accountLabel(account: Pick<AccountStatus, "id" | "name">): string {
  return account.name && account.name !== account.id ? `${account.name} (${account.id})` : account.id;
}

/** When the group's oldest break began (its apps are sorted); Infinity without one. */
function oldestBreak(group: AccountGroup): number {
  return group.apps[0]?.since ?? Infinity;
}

/** Same failure, same words: what the banner already says (when it happened aside). */
function sameFailure(a: ErrorInfo, b: ErrorInfo | undefined): boolean {
  return b !== undefined && canonicalJson({ ...a, at: 0 }) === canonicalJson({ ...b, at: 0 });
}

/**
 * Groups and filters in one pass; the query matches app names, slugs, account names and IDs.
 * Oldest break first: in each account, and the account with the oldest break first;
 * equals keep the stored order, and apps or accounts without a since come after the others.
 * `banner` is the failure the page already shows for the whole check: an account that failed in
 * exactly that way gets no note of its own (it would repeat the banner under every account).
 */
export function buildListModel(status: Status, query: string, banner?: ErrorInfo): ListModel {
  const needle = query.trim().toLowerCase();
  const groups: AccountGroup[] = [];
  let appCount = 0;
  let accountsWithApps = 0;
  let shownApps = 0;
  for (const account of status.accounts) {
    appCount += account.reauth.length;
    if (account.reauth.length > 0) accountsWithApps++;
    const error = account.error && !sameFailure(account.error, banner) ? account.error : undefined;
    if (account.reauth.length === 0 && !error) continue;
    const label = accountLabel(account);
    const accountMatches = needle === "" || label.toLowerCase().includes(needle);
    const matching = accountMatches
      ? account.reauth
      : account.reauth.filter((app) => app.name.toLowerCase().includes(needle) || app.slug.toLowerCase().includes(needle));
    const apps = [...matching].sort(byOldestBreak);
    if (apps.length === 0 && !(accountMatches && error)) continue;
    const group: AccountGroup = { id: account.id, label, apps };
    if (error) group.error = error;
    if (account.checkedAt !== undefined) group.checkedAt = account.checkedAt;
    groups.push(group);
    shownApps += apps.length;
  }
  return {
    groups: groups.sort((a, b) => oldestBreak(a) - oldestBreak(b) || 0),
    appCount,
    accountsWithApps,
    accountsWatched: accountsWatched(status),
    healthyCount: healthyAppCount(status),
    shownApps,
  };
}
