import type { MiddlewareHandler } from "hono";
import { limitKey } from "../base/addresses.ts";
import type { AppDeps, RelayEnv } from "./deps.ts";
import { fail } from "./errors.ts";
import { TokenBuckets } from "./rate-limit.ts";

/**
 * Lets a request through only with a member's bearer token, and notes the member for the route.
 * Rejected tokens are rate-limited per address, and the limit is checked before the token: once
 * an address is limited even a right token is refused, so a guesser learns nothing more. An IPv6
 * client is limited by its /64, the block one subscriber is usually given.
 */
export function requireMember(deps: AppDeps, now: () => number): MiddlewareHandler<RelayEnv> {
  const failures = new TokenBuckets(deps.authLimit?.capacity ?? 10, deps.authLimit?.perMinute ?? 10, now);
  return async (c, next) => {
    const address = deps.clientAddress(c);
    const key = limitKey(address);
    const wait = failures.waitSeconds(key);
    if (wait > 0) return fail(c, 429, "too-many-requests", { retryAfterSeconds: wait });
    const match = /^Bearer +(\S+) *$/i.exec(c.req.header("authorization") ?? "");
    const name = match ? await deps.members.verify(match[1]!) : undefined;
    if (!name) {
      failures.take(key);
      deps.noise.warn("token-rejected", { address, presented: match !== null });
      c.header("WWW-Authenticate", 'Bearer realm="cobalt-relay"');
      return fail(c, 401, "token-rejected");
    }
    c.set("member", name);
    await next();
  };
}
