import type { Application, LinkedAccount } from "./schemas.ts";
import { isIconUrl } from "../kit/url.ts";
import { isConnected, needsReauth } from "./reauth.ts";

/** What we keep of one app of one linked account: enough to list it and to ask for its link. */
export interface AppRecord {
  slug: string;
  name: string;
  /** Only ever an https URL (or http on this machine); anything else from the API is dropped
   * here, at the boundary, so no page ever loads it. */
  icon?: string;
  authType?: string;
  /** On apps needing re-authentication: when this app of this linked account was first seen
   * needing it (see core/check/since.ts). Per account, so never part of the stored app catalog. */
  since?: number;
}

/** Oldest break first; apps without a since (stored before since-when existed) after the others. */
export function byOldestBreak(a: AppRecord, b: AppRecord): number {
  return (a.since ?? Infinity) - (b.since ?? Infinity) || 0;
}

export interface AccountApps {
  reauth: AppRecord[];
  healthy: AppRecord[];
}

const MAX_NAME = 200;

function toRecord(slug: string, name: string | undefined, icon: string | undefined, authType: string | undefined): AppRecord {
  const record: AppRecord = { slug, name: (name?.trim() || slug).slice(0, MAX_NAME) };
  if (isIconUrl(icon)) record.icon = icon;
  if (authType) record.authType = authType;
  return record;
}

/**
 * Splits one account's applications into those needing re-authentication and the healthy
 * connected ones. Apps never connected are dropped: they cannot break. A slug listed twice is one
 * app; if either copy needs re-auth, it does.
 */
export function classifyApplications(apps: Application[]): AccountApps {
  const bySlug = new Map<string, { record: AppRecord; reauth: boolean }>();
  for (const app of apps) {
    if (!isConnected(app)) continue;
    const slug = app.slug ?? app.type ?? "";
    const reauth = needsReauth(app);
    const existing = bySlug.get(slug);
    if (existing) existing.reauth ||= reauth;
    else bySlug.set(slug, { record: toRecord(slug, app.name, app.icon, app.auth_type), reauth });
  }
  const result: AccountApps = { reauth: [], healthy: [] };
  for (const { record, reauth } of bySlug.values()) (reauth ? result.reauth : result.healthy).push(record);
  return result;
}

/** The cheap first pass over the v3 listing's `integrations[]`; undefined when the field is absent. */
export function integrationsSay(account: LinkedAccount): { anyReauth: boolean; healthy: AppRecord[] } | undefined {
  if (!account.integrations) return undefined;
  let anyReauth = false;
  const healthy: AppRecord[] = [];
  for (const integration of account.integrations) {
    if (integration.reauth_required === true || integration.refresh_token_expired === true) anyReauth = true;
    else if (integration.type) healthy.push(toRecord(integration.type, integration.name, integration.icon, undefined));
  }
  return { anyReauth, healthy };
}
