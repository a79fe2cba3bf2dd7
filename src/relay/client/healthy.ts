import type { AppRecord } from "../../core/api/records.ts";
import { dict } from "../../core/kit/dict.ts";
import { arrayOf, num, object, optional, str, type Guard } from "../../core/kit/guards.ts";
import { readAppRecord } from "../../core/status/stored.ts";
import type { AccountStatus, HealthyApps } from "../../core/status/model.ts";
import type { RelayHealthyApps, RelayHealthyCompact } from "../protocol/v1.ts";
import { toApp } from "./check.ts";

/*
 * A relay source's healthy apps, the list the popup shows collapsed. A poll does not fetch them:
 * the background asks the relay when the popup opens that section, and keeps the answer in
 * storage.session (memory, while the browser runs), so that what storage.local keeps of a relay
 * source grows with what is broken, not with the org. Kept as the relay sends it: each app once,
 * and per account its name and its apps' indices.
 */

const MAX_NAME = 200;

export interface RelayHealthyList {
  /** Fingerprint of the relay source's settings (relay URL and token) the list came with. */
  source: string;
  /** The relay's ETag, for If-None-Match when the section opens again. */
  etag?: string;
  apps: AppRecord[];
  /** The accounts with healthy apps, in the relay's order, ids as the stored status has them. */
  accounts: { id: string; name?: string; apps: number[] }[];
}

/** The relay's answer, compact or from a relay before the compact answers, as the list to keep. */
export function healthyListFrom(body: RelayHealthyCompact | RelayHealthyApps, source: string, etag?: string): RelayHealthyList {
  const prefixed = body.sources.length > 1;
  const list: RelayHealthyList = { source, ...(etag === undefined ? {} : { etag }), apps: [], accounts: [] };
  const indices = new Map<string, number>();
  const index = (app: Parameters<typeof toApp>[0]) => {
    const record = toApp(app);
    const key = JSON.stringify([record.slug, record.name, record.icon, record.authType]);
    let at = indices.get(key);
    if (at === undefined) indices.set(key, (at = list.apps.push(record) - 1));
    return at;
  };
  for (const served of body.sources) {
    const prefix = prefixed ? `${served.id}/` : "";
    if (Array.isArray(served.accounts)) {
      const catalog = (served as RelayHealthyCompact["sources"][number]).apps;
      for (const account of (served as RelayHealthyCompact["sources"][number]).accounts) {
        const entry: RelayHealthyList["accounts"][number] = { id: prefix + account.id, apps: account.apps.map((at) => index(catalog[at]!)) };
        if (account.name !== undefined) entry.name = account.name.slice(0, MAX_NAME);
        list.accounts.push(entry);
      }
    } else {
      for (const [id, apps] of Object.entries((served as RelayHealthyApps["sources"][number]).accounts)) {
        if (apps.length > 0) list.accounts.push({ id: prefix + id, apps: apps.map(index) });
      }
    }
  }
  return list;
}

/** The kept list as read back from storage.session: checked like any stored data, an index out of range refused. */
export const readRelayHealthyList: Guard<RelayHealthyList> = (value) => {
  const list = object({
    source: str,
    etag: optional(str),
    apps: arrayOf(readAppRecord),
    accounts: arrayOf(object({ id: str, name: optional(str), apps: arrayOf(num) })),
  })(value);
  if (!list) return undefined;
  const inRange = (at: number) => Number.isInteger(at) && at >= 0 && at < list.apps.length;
  return list.accounts.every((account) => account.apps.every(inRange)) ? list : undefined;
};

/**
 * What the popup's Healthy section lists: each account's healthy apps, and the accounts in the
 * relay's order with their names (the status, when compact, does not list most of them). A name
 * the status knows wins: the healthy list may be older than the status.
 */
export function shownRelayHealthy(list: RelayHealthyList, status: { accounts: readonly AccountStatus[] }): { healthy: HealthyApps; accounts: Pick<AccountStatus, "id" | "name">[] } {
  const names = new Map(status.accounts.map((account) => [account.id, account.name]));
  const healthy: HealthyApps = dict();
  const accounts: Pick<AccountStatus, "id" | "name">[] = [];
  for (const account of list.accounts) {
    healthy[account.id] = account.apps.map((at) => list.apps[at]!);
    const name = names.get(account.id) ?? account.name;
    accounts.push(name === undefined ? { id: account.id } : { id: account.id, name });
  }
  return { healthy, accounts };
}
