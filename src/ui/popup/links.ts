import { reportCopied, requestReconnect } from "../../adapters/alert-messages.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { ApiError, toApiError } from "../../core/api/errors.ts";
import { errorMessage } from "../../core/words/error-text.ts";
import type { AppRecord } from "../../core/api/records.ts";
import { isHttpUrl } from "../../core/kit/url.ts";
import type { FollowedApp } from "../../core/alerts/followups.ts";

export { copiedNote, failedNote, manualCopyNote, sampleNote } from "./row-notes.tsx";

export { fetchLink } from "../../adapters/reconnect-link.ts";

/** Has the background open the link in a tab and follow the app up. */
export async function openLink(url: string, app: FollowedApp): Promise<void> {
  if (!isHttpUrl(url)) throw new ApiError("bad-response", { cause: "not-web-link" });
  await requestReconnect(url, app);
}

/** A copied link is followed up too, over a longer window: the customer may act later. */
export async function followCopy(app: FollowedApp): Promise<void> {
  await reportCopied(app).catch(() => undefined);
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
