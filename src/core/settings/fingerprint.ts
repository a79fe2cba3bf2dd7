import { fnv1a } from "../kit/hash.ts";
import { isRelay, type CheckSettings, type Watched } from "./model.ts";

/*
 * Which data a source's settings fetch, as a short fingerprint: results are stored with it, and
 * results of other settings are never shown as this source's.
 */

/** A settings change that alters which data is fetched; interval or budget changes do not. */
export function sourceKey(settings: CheckSettings): string {
  return fnv1a(JSON.stringify([settings.baseUrl, settings.apiKey, settings.linkedAccountIds]));
}

/** sourceKey for either kind: a relay source fetches what its URL and token give. */
export function fingerprint(source: Watched): string {
  return isRelay(source) ? fnv1a(JSON.stringify(["relay", source.relayUrl, source.token])) : sourceKey(source);
}
