import { retryAfterMs, type Fetch } from "../../../core/api/client.ts";
import type { ChannelKind } from "../base/alerts-config.ts";
import { errorName } from "../base/log.ts";
import type { AlertMessage } from "./messages.ts";

/*
 * A channel sends one message at a time and says how it went, as data the outbox acts on: sent,
 * worth trying again, or refused for good (the receiver rejected that message itself: trying it
 * again would only hold back the ones after it). Nothing it returns holds its URL or secret.
 */

export interface Delivery {
  /** The message's id: the same on every attempt, so a receiver can tell a retry from a new message. */
  id: string;
  attempt: number;
  now: number;
}

export type DeliveryResult = { ok: true } | { ok: false; permanent: boolean; status?: number; error?: string; retryAfterMs?: number };

export interface Channel {
  readonly id: string;
  readonly kind: ChannelKind;
  send(message: AlertMessage, delivery: Delivery): Promise<DeliveryResult>;
}

/** A receiver gets this long to answer; a hanging one is tried again later. */
export const SEND_TIMEOUT_MS = 10_000;

/** Answers that refuse the message itself (its shape or size), not the sender or the moment. */
const REFUSES_MESSAGE = new Set([400, 413, 422]);

/**
 * POSTs a JSON body. A redirect is not followed (the body would go where the configuration did
 * not say) and counts as a failure, as does any answer but 2xx.
 */
export async function postJson(fetch: Fetch, url: string, body: string, headers: Record<string, string> = {}): Promise<DeliveryResult> {
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers }, redirect: "manual", signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
  } catch (error) {
    return { ok: false, permanent: false, error: errorName(error) };
  }
  await response.body?.cancel().catch(() => {});
  if (response.status >= 200 && response.status < 300) return { ok: true };
  const result: DeliveryResult = { ok: false, permanent: REFUSES_MESSAGE.has(response.status), status: response.status };
  // Seconds or an HTTP date, believed for an hour at most (as Cobalt's own).
  const retryAfter = retryAfterMs(response.headers.get("retry-after"));
  if (retryAfter !== undefined && retryAfter > 0) result.retryAfterMs = retryAfter;
  return result;
}
