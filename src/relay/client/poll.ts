import { toApiError } from "../../core/api/errors.ts";
import { nextRelayStatus, relayEtag, type RelayOutcome } from "./check.ts";
import type { RelaySource } from "../../core/settings/model.ts";
import type { HealthyApps, Status } from "../../core/status/model.ts";
import { relayClient } from "./for-source.ts";

/**
 * One poll of a relay source: GET /v1/status (compact) with the stored ETag. The relay has already
 * asked Cobalt: nothing here ever reaches Cobalt, and the token goes to the relay only. Healthy
 * apps are not kept with a relay source's results (an empty list for every account): the popup
 * has them fetched when its Healthy section opens (healthy.ts), so a poll costs one request and
 * what is stored grows with what is broken, not with the org.
 */
export async function checkRelay(source: RelaySource, previous: Status): Promise<{ status: Status; healthy: HealthyApps }> {
  const client = relayClient(source);
  const outcome: RelayOutcome = await client.status(relayEtag(source, previous)).catch((error: unknown) => ({ kind: "failed" as const, error: toApiError(error) }));
  return { status: nextRelayStatus(source, previous, outcome, Date.now(), Math.random), healthy: {} };
}
