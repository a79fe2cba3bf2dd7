import { ApiError, toApiError } from "../core/api/errors.ts";
import { isRelay, sourceUrl } from "../core/settings/model.ts";
import { originOf } from "../core/kit/url.ts";
import { isCurrent } from "../core/status/view-state.ts";
import { relayTarget } from "../relay/client/check.ts";
import { relayClient } from "../relay/client/for-source.ts";
import type { DeskRequest } from "../relay/protocol/desk.ts";
import type { DeskMessage, DeskReply } from "../adapters/messages.ts";
import { hasApiPermission } from "../adapters/permissions.ts";
import { loadSourceState } from "../adapters/storage.ts";
import { check } from "./checker.ts";

/**
 * The popup changed a relay source's team desk (I'm on it, Release, Take over, a team mute, a
 * note): the relay is asked with the member token, which never leaves the background, and then
 * polled at once, so the popup (and the badge) show the change by the time it is told. A refusal
 * (someone else is on it…) and a failure are answered as data; the desk is polled after a refusal
 * too, as it says the popup's picture was out of date.
 */
export async function changeDesk(message: DeskMessage): Promise<DeskReply> {
  const { source, status, preview } = await loadSourceState(message.source);
  // Nothing is asked of anyone while the sample data is on show, nor with results of other settings.
  if (!source || !isRelay(source) || preview || !isCurrent(source, status)) return { ok: false };
  const target = relayTarget(status, message.accountId);
  if (!target) return { ok: false, refused: "unknown-account" };
  const at = Date.now();
  if (!(await hasApiPermission(sourceUrl(source)))) return { ok: false, error: new ApiError("permission", { origin: originOf(sourceUrl(source)) }).info(at) };
  try {
    const result = await relayClient(source).desk(requestOf(message, target));
    await check("desk", source.id);
    return result.ok ? { ok: true } : { ok: false, refused: result.refused };
  } catch (error) {
    return { ok: false, error: toApiError(error).info(at) };
  }
}

function requestOf(message: DeskMessage, target: { sourceId: string; linkedAccountId: string }): DeskRequest {
  const scope = { ...target, ...(message.slug === undefined ? {} : { slug: message.slug }) };
  switch (message.action) {
    case "mute":
      return { action: "mute", ...scope, length: message.length ?? "hour" };
    case "note":
      return { action: "note", ...scope, text: message.text ?? "" };
    default:
      return { action: message.action, ...scope };
  }
}
