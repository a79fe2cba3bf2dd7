import { PAGE_SIZE, rotationSize } from "./plan.ts";
import { sourceKey } from "../settings/fingerprint.ts";
import { type CheckSettings } from "../settings/model.ts";
import type { Status } from "../status/model.ts";

/**
 * Requests one check is expected to make: one per listed account, or, when watching every
 * account, the listing pages plus the accounts that need detail plus this cycle's rotation share.
 * `undefined` until the number of accounts is known.
 */
export function expectedRequests(settings: CheckSettings, status: Status): number | undefined {
  if (settings.linkedAccountIds.length > 0) return settings.linkedAccountIds.length;
  // What the last check really made beats the formula (a listing without integrations, say).
  if (status.lastRun && status.source === sourceKey(settings)) return status.lastRun.requests;
  const total = status.accountsTotal;
  if (total === undefined) return undefined;
  const flagged = status.accounts.filter((account) => account.reauth.length > 0).length;
  return Math.ceil(total / PAGE_SIZE) + Math.min(total, flagged + rotationSize(total));
}

/** The shortest time the request budget allows for those requests. */
export function checkDurationMs(requests: number, requestsPerMinute: number): number {
  return (requests / requestsPerMinute) * 60_000;
}
