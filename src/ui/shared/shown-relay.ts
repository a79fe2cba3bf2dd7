import { requestRelayHealthy, type HealthyReply } from "../../adapters/messages.ts";
import { loadRelayHealthyList } from "../../adapters/healthy-store.ts";
import { fingerprint } from "../../core/settings/fingerprint.ts";
import type { RelaySource } from "../../core/settings/model.ts";
import type { AccountStatus, ErrorInfo, HealthyApps, Status } from "../../core/status/model.ts";
import { shownRelayHealthy } from "../../relay/client/healthy.ts";

/*
 * A relay source's healthy apps for the popup, loaded only when its Healthy section opens (with
 * the relay client's parsing, which the popup does not carry at open): the background asks the
 * relay and keeps the list, then the popup renders what is kept, with the failure if the relay
 * could not be asked.
 */

export interface ShownRelayHealthy {
  healthy: HealthyApps;
  /** In the relay's order, named. */
  accounts: Pick<AccountStatus, "id" | "name">[];
  failed?: ErrorInfo;
}

export async function loadRelayShownHealthy(source: RelaySource, status: Pick<Status, "accounts"> | undefined): Promise<ShownRelayHealthy> {
  const reply: HealthyReply = await requestRelayHealthy(source.id).catch(() => ({ ok: false }));
  const list = await loadRelayHealthyList(source.id, fingerprint(source));
  const shown: ShownRelayHealthy = list ? shownRelayHealthy(list, status ?? { accounts: [] }) : { healthy: {}, accounts: [] };
  if (!reply.ok && reply.error) shown.failed = reply.error;
  return shown;
}
