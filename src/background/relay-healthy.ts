import { ApiError, toApiError } from "../core/api/errors.ts";
import { fingerprint } from "../core/settings/fingerprint.ts";
import { isRelay, sourceUrl } from "../core/settings/model.ts";
import { originOf } from "../core/kit/url.ts";
import { healthyListFrom } from "../relay/client/healthy.ts";
import { relayClient } from "../relay/client/for-source.ts";
import type { HealthyReply } from "../adapters/messages.ts";
import { loadRelayHealthyList, saveRelayHealthyList } from "../adapters/healthy-store.ts";
import { hasApiPermission } from "../adapters/permissions.ts";
import { loadSourceState } from "../adapters/storage.ts";

/**
 * The popup opened a relay source's Healthy section: asks the relay for its healthy apps (with the
 * ETag of the list kept, so an unchanged list costs a 304) and keeps the answer for the popup to
 * render. A failure is answered as data, and the list kept before stays.
 */
export async function fetchRelayHealthy(id: string): Promise<HealthyReply> {
  const { source, preview } = await loadSourceState(id);
  // Nothing is asked of anyone while the sample data is on show.
  if (!source || !isRelay(source) || preview) return { ok: false };
  const at = Date.now();
  if (!(await hasApiPermission(sourceUrl(source)))) return { ok: false, error: new ApiError("permission", { origin: originOf(sourceUrl(source)) }).info(at) };
  const key = fingerprint(source);
  const kept = await loadRelayHealthyList(id, key);
  try {
    const answer = await relayClient(source).healthyApps(kept?.etag);
    if (answer.kind === "ok") await saveRelayHealthyList(id, healthyListFrom(answer.body, key, answer.etag));
    return { ok: true };
  } catch (error) {
    return { ok: false, error: toApiError(error).info(at) };
  }
}
