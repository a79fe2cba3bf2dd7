import type { Fetch } from "../../../core/api/client.ts";
import { postJson, type Channel } from "./channel.ts";
import type { AlertMessage, AlertType } from "./messages.ts";
import { word } from "./words.ts";

/*
 * A signed JSON POST the Standard Webhooks way (standardwebhooks.com, as Svix sends them), so a
 * team can feed PagerDuty, Opsgenie, a ticket system or its own code and check that it came from
 * its relay: `webhook-id` (the message's, the same on every retry), `webhook-timestamp` (seconds,
 * of this attempt) and `webhook-signature: v1,<base64 of HMAC-SHA256 over id.timestamp.body>`,
 * keyed with the secret's bytes. The body is `{type, timestamp, data}`: the message as data
 * (times in milliseconds since the epoch, as in the relay's API) and `summary`, one line of text.
 */

export const WEBHOOK_TYPES: Record<AlertType, string> = {
  break: "connection.broken",
  breaks: "connection.broken.summary",
  fixed: "connection.fixed",
  fixes: "connection.fixed.summary",
  reminder: "connection.reminder",
  reminders: "connection.reminder.summary",
  digest: "digest.daily",
  trouble: "relay.trouble",
  recovered: "relay.recovered",
};

export function webhookBody(message: AlertMessage, now: number, timeZone: string): string {
  const { type, ...data } = message;
  return JSON.stringify({ type: WEBHOOK_TYPES[type], timestamp: new Date(now).toISOString(), data: { ...data, summary: word(message, timeZone).summary } });
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, with Web Crypto (Node and Workers alike). */
export async function signature(secret: Uint8Array, id: string, timestamp: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`)));
  let binary = "";
  for (const byte of mac) binary += String.fromCharCode(byte);
  return `v1,${btoa(binary)}`;
}

export function webhookChannel(id: string, url: string, secret: Uint8Array, timeZone: string, fetch: Fetch): Channel {
  return {
    id,
    kind: "webhook",
    async send(message, delivery) {
      const body = webhookBody(message, delivery.now, timeZone);
      const timestamp = Math.floor(delivery.now / 1000);
      return postJson(fetch, url, body, {
        "webhook-id": delivery.id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": await signature(secret, delivery.id, timestamp, body),
      });
    },
  };
}
