import type { AppRecord } from "../api/records.ts";
import { sourceKey } from "../settings/fingerprint.ts";
import { type CheckSettings } from "../settings/model.ts";
import type { AccountStatus, Status } from "../status/model.ts";

/*
 * Since when each app needs re-authentication: the time of the check that first saw it broken,
 * per linked account. Carried from the previous status for as long as the app stays broken, which
 * keeps it across restarts (the status is stored), transient failures (an account that fails
 * keeps its last data as it was) and the rotation (an account that had re-auth work is always
 * checked in full). An app seen healthy in between breaks anew, with a new since.
 *
 * An app stored without one (data from before since-when existed) is dated by the stored check
 * that saw it, the earliest time it is known to have been broken; failing that, by this check.
 */

/** Stamps freshly fetched apps needing re-authentication with their since. */
export function withSince(reauth: readonly AppRecord[], before: AccountStatus | undefined, now: number): AppRecord[] {
  const earlier = new Map(before?.reauth.map((app) => [app.slug, app.since ?? before.checkedAt ?? now]));
  return reauth.map((app) => ({ ...app, since: earlier.get(app.slug) ?? now }));
}

/**
 * Whether the previous status was fetched with the same key and base URL, so that its linked
 * accounts are these ones (test and production keys may well use the same IDs for different
 * customers). Its linked account IDs may differ: it was fetched with either the current ones,
 * every account, or the IDs it lists.
 */
export function sameConnection(previous: Status, settings: CheckSettings): boolean {
  const candidates = [settings.linkedAccountIds, [], previous.accounts.map((account) => account.id)];
  return candidates.some((ids) => sourceKey({ ...settings, linkedAccountIds: ids }) === previous.source);
}
