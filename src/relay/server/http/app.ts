import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { LinkRequestSchema, RELAY_PATHS, type Problem } from "../../protocol/v1.ts";
import type { AuditEntry } from "../store/audit.ts";
import { detailOf } from "../check/cobalt.ts";
import { errorName } from "../base/log.ts";
import { TokenBuckets } from "./rate-limit.ts";
import type { SourceRunner } from "../check/runner.ts";
import { parseWebhook } from "../check/webhook.ts";
import { requireMember } from "./auth.ts";
import type { RelayDeps, RelayEnv } from "./deps.ts";
import { fail } from "./errors.ts";
import { addHealthRoute, addStatusRoutes } from "./routes-status.ts";

/*
 * The relay's HTTP API as one web-standards handler: `createRelayApp(deps).fetch(request)` runs
 * on Node (src/relay/server/node/main.ts) and could run on any runtime with fetch and Web Crypto. Everything
 * tied to a runtime (files, sockets, the clock) comes in through `deps`.
 */

export type { RelayDeps } from "./deps.ts";

const WEBHOOK_MAX_BYTES = 64 * 1024;
const LINK_MAX_BYTES = 4 * 1024;

export function createRelayApp(deps: RelayDeps): Hono<RelayEnv> {
  const now = deps.now ?? Date.now;
  const links = new TokenBuckets(deps.linkLimit?.capacity ?? 20, deps.linkLimit?.perMinute ?? 20, now);
  const app = new Hono<RelayEnv>();

  app.use("*", async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });

  const member = requireMember(deps, now);

  addHealthRoute(app, deps);
  addStatusRoutes(app, deps, member);

  app.post(RELAY_PATHS.links, member, bodyLimit({ maxSize: LINK_MAX_BYTES, onError: (c) => fail(c, 413, "bad-request") }), async (c) => {
    const who = c.get("member");
    if (!links.take(who)) return fail(c, 429, "too-many-requests", { retryAfterSeconds: links.waitSeconds(who) });
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return fail(c, 400, "bad-request");
    }
    const parsed = LinkRequestSchema.safeParse(raw);
    if (!parsed.success) return fail(c, 400, "bad-request");
    const { sourceId, linkedAccountId, slug } = parsed.data;
    const entry = { time: new Date(now()).toISOString(), member: who, source: sourceId, linkedAccount: linkedAccountId, app: slug };
    const runner = deps.runners.find((r) => r.id === sourceId);
    if (!runner) {
      await audit(deps, { ...entry, outcome: "refused", reason: "unknown-source" });
      return fail(c, 404, "unknown-source");
    }
    const outcome = await runner.link(linkedAccountId, slug);
    if (outcome.ok) {
      // Fail closed: a link whose hand-out cannot be recorded is not handed out.
      if (!(await audit(deps, { ...entry, outcome: outcome.link.via }))) return fail(c, 500, "internal");
      deps.log.info("link", { member: who, source: sourceId, via: outcome.link.via });
      return c.json(outcome.link);
    }
    if ("refused" in outcome) {
      await audit(deps, { ...entry, outcome: "refused", reason: outcome.refused });
      return fail(c, 404, outcome.refused);
    }
    await audit(deps, { ...entry, outcome: "failed", reason: outcome.failed.kind });
    const problem = detailOf(outcome.failed) satisfies Problem;
    deps.log.warn("link-failed", { member: who, source: sourceId, kind: problem.kind, status: problem.status });
    const retry = problem.retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(problem.retryAfterMs / 1000) };
    return fail(c, 502, "cobalt", { problem, ...retry });
  });

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

async function audit(deps: RelayDeps, entry: AuditEntry): Promise<boolean> {
  try {
    await deps.audit.append(entry);
    return true;
  } catch (error) {
    deps.log.error("audit-failed", { error: errorName(error) });
    return false;
  }
}
