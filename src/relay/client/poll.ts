import { toApiError } from "../../core/api/errors.ts";
import { nextRelayStatus, relayEtag, relayHealthy, type RelayOutcome } from "./check.ts";
import type { RelaySource } from "../../core/settings/model.ts";
import type { HealthyApps, Status } from "../../core/status/model.ts";
import { relayClient } from "./for-source.ts";

/**
 * One poll of a relay source: GET /v1/status with the stored ETag, then, when the status changed,
 * the healthy apps the popup lists collapsed (kept as stored if that second request fails). The
 * relay has already asked Cobalt: nothing here ever reaches Cobalt, and the token goes to the relay only.
 */
export async function checkRelay(source: RelaySource, previous: Status): Promise<{ status: Status; healthy?: HealthyApps }> {
  const client = relayClient(source);
  const outcome: RelayOutcome = await client.status(relayEtag(source, previous)).catch((error: unknown) => ({ kind: "failed" as const, error: toApiError(error) }));
  const status = nextRelayStatus(source, previous, outcome, Date.now(), Math.random);
  if (outcome.kind !== "ok") return { status };
  const healthy = await client.healthyApps().then(
    (body) => relayHealthy(body, status),
    () => undefined,
  );
  return healthy ? { status, healthy } : { status };
}
