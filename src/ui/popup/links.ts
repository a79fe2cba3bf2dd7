import { api } from "../../adapters/browser.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { CobaltClient } from "../../core/api/client.ts";
import { ApiError, toApiError } from "../../core/api/errors.ts";
import { errorMessage } from "../../core/error-text.ts";
import type { AppRecord } from "../../core/records.ts";
import { reconnectLink } from "../../core/reconnect.ts";
import { relayLinkTarget } from "../../core/relay-check.ts";
import { isRelay, type CheckSettings, type RelaySource, type Source } from "../../core/settings.ts";
import { relayClient } from "../../adapters/relay.ts";
import { loadSourceState } from "../../adapters/storage.ts";
import { isHttpUrl } from "../../core/url.ts";

export { copiedNote, failedNote, manualCopyNote } from "./row-notes.tsx";

/** A fresh reconnect link for one app, with its own source's key and base URL (or made by its team
 * relay), asked for when the user clicks, never cached. */
export async function fetchLink(source: Source, app: AppRecord, linkedAccountId: string): Promise<string> {
  if (isRelay(source)) return relayLink(source, app, linkedAccountId);
  const settings: CheckSettings = source;
  const client = new CobaltClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, fetch: (url, init) => fetch(url, init) });
  return (await reconnectLink(client, app, linkedAccountId)).url;
}

/** The relay makes the link with its key (POST /v1/links); it names its own source of the row, as stored. */
async function relayLink(source: RelaySource, app: AppRecord, accountId: string): Promise<string> {
  const { status } = await loadSourceState(source.id);
  const target = relayLinkTarget(status, accountId, app.slug);
  if (!target) throw new ApiError("not-found", { cause: "relay-not-listed" });
  return (await relayClient(source).link(target)).url;
}

export async function openLink(url: string): Promise<void> {
  if (!isHttpUrl(url)) throw new ApiError("bad-response", { cause: "not-web-link" });
  await api().tabs.create({ url });
}

/** Copy needs the click's user activation, which lasts a few seconds; false when it ran out. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function failureText(error: unknown): string {
  return errorMessage(uiTranslator(), toApiError(error).info(Date.now()));
}
