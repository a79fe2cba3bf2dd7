import type { Context, Hono, MiddlewareHandler } from "hono";
import { RELAY_PATHS, type RelayHealth } from "../../protocol/v1.ts";
import type { RelayDeps, RelayEnv } from "./deps.ts";
import { CachedView, etagMatches, relayHealthyApps, relayStatus } from "./view.ts";

/*
 * What the relay says about its sources. Health is open, for monitors: it says only whether each
 * source's last check worked, and answers 503 when one did not. Status and the healthy apps are for members, and are polled, so each
 * body is rendered once per change of the runners' state and tagged for conditional requests.
 */

/** 503 while a source is not ok (its key rejected, Cobalt failing, no check finished yet): a container's health check, a load balancer or a monitor acts on the status code alone. */
export function addHealthRoute(app: Hono<RelayEnv>, deps: RelayDeps): void {
  app.get(RELAY_PATHS.health, (c) => {
    const sources = deps.runners.map((runner) => runner.health());
    const ok = sources.every((source) => source.ok);
    return c.json({ ok, sources } satisfies RelayHealth, ok ? 200 : 503);
  });
}

export function addStatusRoutes(app: Hono<RelayEnv>, deps: RelayDeps, member: MiddlewareHandler<RelayEnv>): void {
  const status = new CachedView(deps.runners, relayStatus);
  const healthyApps = new CachedView(deps.runners, relayHealthyApps);
  app.get(RELAY_PATHS.status, member, async (c) => conditional(c, await status.get()));
  app.get(RELAY_PATHS.healthyApps, member, async (c) => conditional(c, await healthyApps.get()));
}

/** 304 when the member already has this body; otherwise the body with its tag. */
function conditional(c: Context, rendered: { body: string; etag: string }): Response {
  c.header("ETag", rendered.etag);
  c.header("Cache-Control", "private, no-cache");
  c.header("Vary", "Authorization");
  if (etagMatches(c.req.header("if-none-match"), rendered.etag)) return c.body(null, 304);
  c.header("Content-Type", "application/json; charset=utf-8");
  return c.body(rendered.body, 200);
}
