import { sourceKey } from "../settings/fingerprint.ts";
import { type CheckSettings } from "../settings/model.ts";
import { STATUS_VERSION, type HealthyApps, type Status } from "../status/model.ts";
import { sameConnection } from "./since.ts";
import { dict } from "../kit/dict.ts";

export interface Carried {
  previous: Status;
  previousHealthy: HealthyApps;
}

/**
 * What a check (or a failure recorded instead of one) may build on of the previous results.
 * Results fetched with another key or base URL describe other linked accounts (test and
 * production keys may use the same IDs for different customers): nothing of them carries over,
 * or a failure would show them as these settings' data, with Reconnect made with the new key.
 * Only the backoff stays: it is about the API, and a settings change must not reset it.
 */
export function carriedOver(previous: Status, previousHealthy: HealthyApps, settings: CheckSettings): Carried {
  if (previous.source === sourceKey(settings) || sameConnection(previous, settings)) return { previous, previousHealthy };
  const fresh: Status = { schemaVersion: STATUS_VERSION, source: previous.source, accounts: [] };
  if (previous.backoff) fresh.backoff = previous.backoff;
  return { previous: fresh, previousHealthy: dict() };
}
