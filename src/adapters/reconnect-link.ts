import { CobaltClient } from "../core/api/client.ts";
import { ApiError, scrubbedError, toApiError } from "../core/api/errors.ts";
import { secretsOf } from "../core/status/scrub.ts";
import type { AppRecord } from "../core/api/records.ts";
import { reconnectLink } from "../core/api/reconnect.ts";
import { relayLinkTarget } from "../relay/client/check.ts";
import { isRelay, type RelaySource, type Source } from "../core/settings/model.ts";
import { relayClient } from "../relay/client/for-source.ts";
import { loadSourceState } from "./storage.ts";

/** A fresh reconnect link for one app, with its own source's key and base URL (or made by its team
 * relay), asked for when the user clicks, never cached. Used by the popup and by a notification's click. */
export async function fetchLink(source: Source, app: AppRecord, linkedAccountId: string): Promise<string> {
  try {
    if (isRelay(source)) return await relayLink(source, app, linkedAccountId);
    const client = new CobaltClient({ baseUrl: source.baseUrl, apiKey: source.apiKey, fetch: (url, init) => fetch(url, init) });
    return (await reconnectLink(client, app, linkedAccountId)).url;
  } catch (error) {
    // Shown in the row: never with the key or token a server may have echoed.
    throw scrubbedError(toApiError(error), secretsOf(source));
  }
}

/** The relay makes the link with its key (POST /v1/links); it names its own source of the row, as stored. */
async function relayLink(source: RelaySource, app: AppRecord, accountId: string): Promise<string> {
  const { status } = await loadSourceState(source.id);
  const target = relayLinkTarget(status, accountId, app.slug);
  if (!target) throw new ApiError("not-found", { cause: "relay-not-listed" });
  return (await relayClient(source).link(target)).url;
}
