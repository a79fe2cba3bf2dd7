import { api } from "../../adapters/browser.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { CobaltClient } from "../../core/api/client.ts";
import { ApiError, toApiError } from "../../core/api/errors.ts";
import { errorMessage } from "../../core/error-text.ts";
import type { AppRecord } from "../../core/records.ts";
import { reconnectLink } from "../../core/reconnect.ts";
import type { CheckSettings } from "../../core/settings.ts";
import { isHttpUrl } from "../../core/url.ts";

export { copiedNote, failedNote, manualCopyNote, sampleNote } from "./row-notes.tsx";

/** A fresh reconnect link for one app, with its own source's key and base URL, asked for when the
 * user clicks, never cached. */
export async function fetchLink(settings: Pick<CheckSettings, "apiKey" | "baseUrl">, app: AppRecord, linkedAccountId: string): Promise<string> {
  const client = new CobaltClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, fetch: (url, init) => fetch(url, init) });
  return (await reconnectLink(client, app, linkedAccountId)).url;
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
