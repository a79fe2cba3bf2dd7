import { DEFAULT_ALERT_RULES, type AlertRules } from "../../../../../src/relay/server/base/alerts-config.ts";
import type { SourceView } from "../../../../../src/relay/server/alerts/breaks.ts";
import type { SourceRef } from "../../../../../src/relay/server/alerts/messages.ts";
import type { AccountStatus, Status } from "../../../../../src/core/status/model.ts";

/* Sources, statuses and rules for the alerts' unit tests, at fixed times. */

export const T0 = Date.UTC(2025, 5, 2, 10, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const SOURCE: SourceRef = { id: "prod", label: "Production", environment: "production" };

const { digest: _digest, ...withoutDigest } = DEFAULT_ALERT_RULES;
/** The default rules without the digest (tested on its own). */
export const RULES: AlertRules = withoutDigest;

export function account(id: string, broken: string[], extra: Partial<AccountStatus> = {}): AccountStatus {
  return { id, name: `${id} Inc.`, checkedAt: T0, reauth: broken.map((slug) => ({ slug, name: slug.toUpperCase() })), healthyCount: 1, ...extra };
}

export function status(accounts: AccountStatus[], extra: Partial<Status> = {}): Status {
  return { schemaVersion: 1, source: "fingerprint-1", checkedAt: T0, accounts, ...extra };
}

/** The source's view with each broken app first seen at `since`. */
export function view(accounts: AccountStatus[], extra: Partial<Status> = {}, since = T0): SourceView {
  const seen: SourceView["since"] = {};
  for (const each of accounts) for (const app of each.reauth) (seen[each.id] ??= {})[app.slug] = since;
  return { ref: SOURCE, status: status(accounts, extra), since: seen };
}
