import { Hono, type Context, type Next } from "hono";
import { errorName, LogThrottle } from "../base/log.ts";
import { requireMember } from "./auth.ts";
import type { AppDeps, RelayDeps, RelayEnv } from "./deps.ts";
import { fail } from "./errors.ts";
import { addAdminRoutes } from "./routes-admin.ts";
import { addDeskRoute } from "./routes-desk.ts";
import { addLinkRoute } from "./routes-links.ts";
import { addHealthRoute, addStatusRoutes } from "./routes-status.ts";
import { addWebhookRoutes } from "./routes-webhooks.ts";

/*
 * The relay's HTTP API as one web-standards handler: `createRelayApp(deps).fetch(request)` runs
 * on Node (src/relay/server/node/main.ts) and on Workers (src/relay/server/workers/object.ts).
 * Everything tied to a runtime (files, sockets, the clock) comes in through `deps`.
 */

export type { RelayDeps } from "./deps.ts";

export function createRelayApp(given: RelayDeps): Hono<RelayEnv> {
  const now = given.now ?? Date.now;
  const deps: AppDeps = { ...given, noise: given.noise ?? new LogThrottle(given.log, { now }) };
  const app = new Hono<RelayEnv>();
  // One member check for every members' route, so they share one limit on rejected tokens.
  const member = requireMember(deps, now);
  // First, so it wraps every answer, the other routes' and the errors'.
  app.use("*", defaultHeaders);
  addHealthRoute(app, deps);
  addStatusRoutes(app, deps, member, now);
  addLinkRoute(app, deps, member, now);
  addDeskRoute(app, deps, member, now);
  addWebhookRoutes(app, deps);
  addAdminRoutes(app, deps, now);
  answerErrors(app, deps);
  return app;
}

/** No answer is sniffed as another type, and none is cached unless its route says how. */
async function defaultHeaders(c: Context, next: Next): Promise<void> {
  await next();
  c.header("X-Content-Type-Options", "nosniff");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
}

/**
 * Unknown paths and crashes answer in the protocol's error shape; a crash is logged by its
 * error's name only. A request whose client went away, or was cut off by the server's deadline
 * for sending its body, is no crash: it is noted through the throttle, anyone can cause it.
 */
function answerErrors(app: Hono<RelayEnv>, deps: AppDeps): void {
  app.notFound((c) => fail(c, 404, "not-found"));
  app.onError((error, c) => {
    if (c.req.raw.signal.aborted) {
      deps.noise.info("request-cut", { route: c.req.routePath });
      return fail(c, 400, "bad-request");
    }
    deps.log.error("request-crashed", { path: c.req.path, error: errorName(error) });
    return fail(c, 500, "internal");
  });
}
