import { api } from "./browser.ts";
import { readRelayHealthyList, type RelayHealthyList } from "../relay/client/healthy.ts";
import type { SourceId } from "../core/settings/source-ids.ts";

/*
 * A relay source's healthy apps (relay/client/healthy.ts), in storage.session: kept in memory
 * while the browser runs, counted by no quota of storage.local, and asked again of the relay (with
 * its ETag) when the popup opens its Healthy section. One key per source; what is read is checked.
 */

const PREFIX = "relayHealthy.";

/** The list kept for this source, if it came with these settings (`source`: their fingerprint). */
export async function loadRelayHealthyList(id: SourceId, source: string): Promise<RelayHealthyList | undefined> {
  const key = PREFIX + id;
  const list = readRelayHealthyList((await api().storage.session.get(key))[key]);
  return list?.source === source ? list : undefined;
}

export async function saveRelayHealthyList(id: SourceId, list: RelayHealthyList): Promise<void> {
  await api().storage.session.set({ [PREFIX + id]: list });
}

/** Forgets the lists of sources no longer in the settings. */
export async function removeRelayHealthyLists(kept: ReadonlySet<string>): Promise<void> {
  const keys = Object.keys(await api().storage.session.get(null)).filter((key) => key.startsWith(PREFIX) && !kept.has(key.slice(PREFIX.length)));
  if (keys.length > 0) await api().storage.session.remove(keys);
}
