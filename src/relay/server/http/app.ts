import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { RELAY_PATHS } from "../../protocol/v1.ts";
import { errorName } from "../base/log.ts";
import type { SourceRunner } from "../check/runner.ts";
import { parseWebhook } from "../check/webhook.ts";
import { requireMember } from "./auth.ts";
import type { RelayDeps, RelayEnv } from "./deps.ts";
import { fail } from "./errors.ts";
import { addLinkRoute } from "./routes-links.ts";
import { addHealthRoute, addStatusRoutes } from "./routes-status.ts";

/*
 * The relay's HTTP API as one web-standards handler: `createRelayApp(deps).fetch(request)` runs
 * on Node (src/relay/server/node/main.ts) and could run on any runtime with fetch and Web Crypto. Everything
 * tied to a runtime (files, sockets, the clock) comes in through `deps`.
 */

export type { RelayDeps } from "./deps.ts";

const WEBHOOK_MAX_BYTES = 64 * 1024;

export function createRelayApp(deps: RelayDeps): Hono<RelayEnv> {
  const now = deps.now ?? Date.now;
  const app = new Hono<RelayEnv>();

  app.use("*", async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });

  const member = requireMember(deps, now);

  addHealthRoute(app, deps);
  addStatusRoutes(app, deps, member);

  addLinkRoute(app, deps, member, now);

  const webhook = async (c: Context<RelayEnv>) => {
    const sourceId = c.req.param("sourceId");
    const candidates = sourceId === undefined ? deps.runners : deps.runners.filter((r) => r.id === sourceId);
    if (candidates.length === 0) return fail(c, 404, "not-found");
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const signature = c.req.header("x-cobalt-signature");
    const signed: SourceRunner[] = [];
    for (const runner of candidates) {
      if (runner.config.webhook.verify && (await runner.verifier.verify(raw, signature))) signed.push(runner);
    }
    const unsigned = candidates.filter((runner) => !runner.config.webhook.verify);
    if (signed.length === 0 && unsigned.length === 0) {
      deps.log.warn("webhook-rejected", { reason: signature ? "bad-signature" : "no-signature", address: deps.clientAddress(c) });
      return fail(c, 401, "bad-signature");
    }
    const parsed = parseWebhook(new TextDecoder().decode(raw));
    if (!parsed.ok) {
      deps.log.warn("webhook-malformed", { reason: parsed.reason, signed: signed.length > 0 });
      return fail(c, 400, "bad-request");
    }
    const event = parsed.event;
    let queued = 0;
    if (event) {
      for (const runner of [...signed, ...unsigned]) {
        if (event.environment && runner.environment !== "unknown" && event.environment !== runner.environment) continue;
        if (runner.hint(event.linkedAccountId, signed.includes(runner))) queued++;
      }
    }
    deps.log.info("webhook", { change: event?.change ?? "ignored", signed: signed.length > 0, queued });
    // The same answer whether or not the account is known: an unsigned caller learns nothing.
    return c.json({ ok: true });
  };
  const webhookLimit = bodyLimit({ maxSize: WEBHOOK_MAX_BYTES, onError: (c) => fail(c, 413, "bad-request") });
  app.post(RELAY_PATHS.webhook, webhookLimit, webhook);
  app.post(`${RELAY_PATHS.webhook}/:sourceId`, webhookLimit, webhook);

  app.notFound((c) => fail(c, 404, "not-found"));
  app.onError((error, c) => {
    deps.log.error("request-crashed", { path: c.req.path, error: errorName(error) });
    return fail(c, 500, "internal");
  });
  return app;
}
