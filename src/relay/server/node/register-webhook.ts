import { httpFailure, type Fetch } from "../../../core/api/client.ts";
import { ApiError, toApiError } from "../../../core/api/errors.ts";
import { RELAY_PATHS } from "../../protocol/v1.ts";
import type { SourceConfig } from "../base/config.ts";
import { isLoopback } from "./listen-guard.ts";

/** The connection events, under today's names and under the older create-webhook page's names. */
export const WEBHOOK_EVENTS = ["Connection Created", "Connection Deleted", "Connection Expired"] as const;
export const LEGACY_WEBHOOK_EVENTS = ["connected-created", "connection-deleted", "connection-expired"] as const;

/**
 * The address Cobalt should post to for `source`: the relay's public URL plus
 * /v1/cobalt/webhook/<source id>, so each event is verified with that source's key. Cobalt
 * requires HTTPS; plain http is accepted only for a loopback host (trying it out locally).
 */
export function webhookUrlFor(publicUrl: string, sourceId: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error("The public address given is not a URL; give the relay's public address, for example https://relay.example.com.");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new Error("Cobalt delivers webhooks only to https:// addresses; give the relay's public HTTPS address.");
  }
  if (url.search || url.hash || url.username || url.password) throw new Error("Give the relay's public address without ?query, #fragment or credentials.");
  const path = url.pathname.replace(/\/+$/, "");
  if (path.endsWith(RELAY_PATHS.webhook)) return `${url.origin}${path}/${encodeURIComponent(sourceId)}`;
  if (path.endsWith(`${RELAY_PATHS.webhook}/${sourceId}`)) return `${url.origin}${path}`;
  return `${url.origin}${path}${RELAY_PATHS.webhook}/${encodeURIComponent(sourceId)}`;
}

export interface Registration {
  webhookUrl: string;
  events: readonly string[];
}

/**
 * Registers the relay's webhook with Cobalt (`POST /api/v2/public/webhook`, reference §9) for one
 * source's key and environment. If Cobalt refuses today's event names as a bad request, the
 * older kebab-case names are tried once.
 */
export async function registerWebhook(source: SourceConfig, publicUrl: string, fetch: Fetch): Promise<Registration> {
  const webhookUrl = webhookUrlFor(publicUrl, source.id);
  try {
    await post(source, fetch, { webhook_url: webhookUrl, webhook_events: [...WEBHOOK_EVENTS] });
    return { webhookUrl, events: WEBHOOK_EVENTS };
  } catch (error) {
    if (!(error instanceof ApiError) || error.kind !== "bad-request") throw error;
  }
  await post(source, fetch, { webhook_url: webhookUrl, webhook_events: [...LEGACY_WEBHOOK_EVENTS] });
  return { webhookUrl, events: LEGACY_WEBHOOK_EVENTS };
}

async function post(source: SourceConfig, fetch: Fetch, body: unknown): Promise<void> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${source.baseUrl}/api/v2/public/webhook`, {
      method: "POST",
      headers: { "x-api-key": source.apiKey, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
      redirect: "error",
      signal: AbortSignal.timeout(20_000),
    });
    text = await response.text();
  } catch (error) {
    throw toApiError(error);
  }
  if (!response.ok) throw httpFailure(response, text);
}
