import type { Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { RELAY_PATHS } from "../../protocol/v1.ts";
import type { SourceRunner } from "../check/runner.ts";
import { parseWebhook, type ConnectionEvent } from "../check/webhook.ts";
import type { AppDeps, RelayEnv } from "./deps.ts";
import { fail } from "./errors.ts";

/*
 * Cobalt's connection events, at the shared path or at one source's own. No member token is
 * asked for, so a caller is trusted only as far as its signature goes: each source is told
 * whether the event was signed for it, and an unsigned event (for sources that do not verify)
 * only has known linked accounts re-checked.
 */

const WEBHOOK_MAX_BYTES = 64 * 1024;

export function addWebhookRoutes(app: Hono<RelayEnv>, deps: AppDeps): void {
  const limit = bodyLimit({ maxSize: WEBHOOK_MAX_BYTES, onError: (c) => fail(c, 413, "bad-request") });
  const receive = (c: Context<RelayEnv>) => receiveWebhook(c, deps);
  app.post(RELAY_PATHS.webhook, limit, receive);
  app.post(`${RELAY_PATHS.webhook}/:sourceId`, limit, receive);
}

async function receiveWebhook(c: Context<RelayEnv>, deps: AppDeps): Promise<Response> {
  const sourceId = c.req.param("sourceId");
  const candidates = sourceId === undefined ? deps.runners : deps.runners.filter((r) => r.id === sourceId);
  if (candidates.length === 0) return fail(c, 404, "not-found");
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const signature = c.req.header("x-cobalt-signature");
  const signed = await signedFor(candidates, raw, signature);
  const unsigned = candidates.filter((runner) => !runner.config.webhook.verify);
  // What an unsigned caller causes is logged through the throttle: anyone can send it, at any rate.
  if (signed.length === 0 && unsigned.length === 0) {
    deps.noise.warn("webhook-rejected", { reason: signature ? "bad-signature" : "no-signature", address: deps.clientAddress(c) });
    return fail(c, 401, "bad-signature");
  }
  const log = signed.length > 0 ? deps.log : deps.noise;
  const parsed = parseWebhook(new TextDecoder().decode(raw));
  if (!parsed.ok) {
    log.warn("webhook-malformed", { reason: parsed.reason, signed: signed.length > 0, address: deps.clientAddress(c) });
    return fail(c, 400, "bad-request");
  }
  const event = parsed.event;
  const queued = event ? hint(event, signed, unsigned) : 0;
  log.info("webhook", { change: event?.change ?? "ignored", signed: signed.length > 0, queued });
  // The same answer whether or not the account is known: an unsigned caller learns nothing.
  return c.json({ ok: true });
}

/** The sources that verify signatures and whose secret signed this body, checked one after another. */
async function signedFor(candidates: readonly SourceRunner[], raw: Uint8Array<ArrayBuffer>, signature: string | undefined): Promise<SourceRunner[]> {
  const signed: SourceRunner[] = [];
  for (const runner of candidates) {
    if (runner.config.webhook.verify && (await runner.verifier.verify(raw, signature))) signed.push(runner);
  }
  return signed;
}

/** Tells each source of the event's environment (or of an unknown one) that the account changed; how many queued a re-check. */
function hint(event: ConnectionEvent, signed: readonly SourceRunner[], unsigned: readonly SourceRunner[]): number {
  let queued = 0;
  for (const runner of [...signed, ...unsigned]) {
    if (event.environment && runner.environment !== "unknown" && event.environment !== runner.environment) continue;
    if (runner.hint(event.linkedAccountId, signed.includes(runner))) queued++;
  }
  return queued;
}
