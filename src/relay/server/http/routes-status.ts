import type { Context, Hono, MiddlewareHandler } from "hono";
import { COMPACT_PARAM, RELAY_PATHS, RELAY_PROTOCOL, type RelayHealth } from "../../protocol/v1.ts";
import type { RelayDeps, RelayEnv } from "./deps.ts";
import { MemberBodies } from "./member-view.ts";
import { acceptsGzip, CachedView, etagMatches, relayHealthyApps, relayHealthyCompact, relayStatus, type Rendered } from "./view.ts";

/*
 * What the relay says about its sources. Health is open, for monitors: it says only whether each
 * source's last check worked, and answers 503 when one did not. Status and the healthy apps are
 * for members, and are polled, so each body is rendered once per change of the runners' state
 * (and gzipped once, on first demand) and tagged for conditional requests. Each has a compact
 * answer (`?compact=1`, what the extension asks for) beside the full one extensions from before read.
 * With the team's desk, the status holds each source's desk and names the member who asks
 * (member-view.ts): the desk's version is part of what the body is cached on, so a change on the
 * desk changes the ETag.
 */

/** Smaller bodies go as they are: gzip's own header and checksum would outweigh what it saves. */
const GZIP_FROM_BYTES = 1024;

/**
 * 503 while a source is not ok (its key rejected, Cobalt failing, no check finished yet): a
 * container's health check, a load balancer or a monitor acts on the status code alone. The alert
 * channels are reported beside (by id and kind, never an address): one failing does not make the
 * relay unhealthy, since restarting it would not help.
 */
export function addHealthRoute(app: Hono<RelayEnv>, deps: RelayDeps): void {
  app.get(RELAY_PATHS.health, (c) => {
    const sources = deps.runners.map((runner) => runner.health());
    const ok = sources.every((source) => source.ok);
    const alerts = deps.alertsHealth?.();
    return c.json({ ok, sources, ...(alerts && { alerts }) } satisfies RelayHealth, ok ? 200 : 503);
  });
}

export function addStatusRoutes(app: Hono<RelayEnv>, deps: RelayDeps, member: MiddlewareHandler<RelayEnv>, now: () => number): void {
  const desk = deps.desk;
  const withDesk = desk && (() => ({ desk, now: now() }));
  const deskVersion = () => String(desk?.version ?? "");
  const status = new CachedView(deps.runners, (runners) => relayStatus(runners, false, withDesk?.()), deskVersion);
  const compactStatus = new CachedView(deps.runners, (runners) => relayStatus(runners, true, withDesk?.()), deskVersion);
  const healthyApps = new CachedView(deps.runners, relayHealthyApps);
  const compactHealthy = new CachedView(deps.runners, relayHealthyCompact);
  const prefix = `{"protocol":${RELAY_PROTOCOL},`;
  const bodies = { full: new MemberBodies(prefix), compact: new MemberBodies(prefix) };
  const compress = deps.compress ?? false;
  const compact = (c: Context) => c.req.query(COMPACT_PARAM) === "1";
  app.get(RELAY_PATHS.status, member, async (c) => {
    // What the clock ended (a timed mute) goes before the status is served, and changes its tag.
    await desk?.due(now());
    const shared = await (compact(c) ? compactStatus : status).get();
    return conditional(c, desk ? bodies[compact(c) ? "compact" : "full"].for(shared, c.get("member")) : shared, compress);
  });
  app.get(RELAY_PATHS.healthyApps, member, async (c) => conditional(c, await (compact(c) ? compactHealthy : healthyApps).get(), compress));
}

/**
 * 304 when the member already has this body; otherwise the body with its tag, gzipped when the
 * member accepts it and this runtime does not compress by itself. The gzipped body is another
 * representation, so its tag is the weak one (as Hono's compress middleware and Cloudflare make
 * it); If-None-Match compares weakly, so either tag gets the 304.
 */
async function conditional(c: Context, rendered: Rendered, compress: boolean): Promise<Response> {
  const gzip = compress && rendered.body.length >= GZIP_FROM_BYTES && acceptsGzip(c.req.header("accept-encoding"));
  c.header("ETag", gzip ? `W/${rendered.etag}` : rendered.etag);
  c.header("Cache-Control", "private, no-cache");
  c.header("Vary", compress ? "Authorization, Accept-Encoding" : "Authorization");
  if (etagMatches(c.req.header("if-none-match"), rendered.etag)) return c.body(null, 304);
  c.header("Content-Type", "application/json; charset=utf-8");
  if (!gzip) return c.body(rendered.body, 200);
  c.header("Content-Encoding", "gzip");
  return c.body(await rendered.gzipped(), 200);
}
