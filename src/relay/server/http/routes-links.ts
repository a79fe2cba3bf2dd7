import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { LinkRequestSchema, RELAY_PATHS, type LinkRequest, type Problem } from "../../protocol/v1.ts";
import type { AuditEntry } from "../store/audit.ts";
import { detailOf } from "../check/cobalt.ts";
import type { LinkOutcome } from "../check/runner.ts";
import { errorName } from "../base/log.ts";
import type { RelayDeps, RelayEnv } from "./deps.ts";
import { fail } from "./errors.ts";
import { TokenBuckets } from "./rate-limit.ts";

/*
 * Reconnect links, made on a member's request. Each costs Cobalt requests within the source's
 * request budget, so members are rate-limited, and a link the budget has no room for soon is
 * refused with when to ask again; each is audited, refusals and failures too.
 */

const LINK_MAX_BYTES = 4 * 1024;

/** An audit entry before its outcome is known. */
type LinkAsked = Omit<AuditEntry, "outcome" | "reason">;

export function addLinkRoute(app: Hono<RelayEnv>, deps: RelayDeps, member: MiddlewareHandler<RelayEnv>, now: () => number): void {
  const links = new TokenBuckets(deps.linkLimit?.capacity ?? 20, deps.linkLimit?.perMinute ?? 20, now);
  // The member check comes before the body limit: nobody's body is read before their token is.
  app.post(RELAY_PATHS.links, member, bodyLimit({ maxSize: LINK_MAX_BYTES, onError: (c) => fail(c, 413, "bad-request") }), async (c) => {
    const who = c.get("member");
    if (!links.take(who)) return fail(c, 429, "too-many-requests", { retryAfterSeconds: links.waitSeconds(who) });
    const request = await readLinkRequest(c);
    if (!request) return fail(c, 400, "bad-request");
    const { sourceId, linkedAccountId, slug } = request;
    const time = new Date(now()).toISOString();
    const runner = deps.runners.find((r) => r.id === sourceId);
    if (!runner) {
      // The source is checked before anything the member typed is written: for a source the
      // relay does not have, it names nothing, so only the refusal is recorded.
      await audit(deps, { time, member: who, source: "", linkedAccount: "", app: "", outcome: "refused", reason: "unknown-source" });
      return fail(c, 404, "unknown-source");
    }
    const asked: LinkAsked = { time, member: who, source: sourceId, linkedAccount: linkedAccountId, app: slug };
    return answerLink(c, deps, asked, await runner.link(linkedAccountId, slug));
  });
}

/** The request, or undefined when the body is not JSON or not a link request. */
async function readLinkRequest(c: Context): Promise<LinkRequest | undefined> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return undefined;
  }
  const parsed = LinkRequestSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** Audits what came of the request, then answers with the link, the refusal or Cobalt's failure. */
async function answerLink(c: Context, deps: RelayDeps, asked: LinkAsked, outcome: LinkOutcome): Promise<Response> {
  if (outcome.ok) {
    // Fail closed: a link whose hand-out cannot be recorded is not handed out.
    if (!(await audit(deps, { ...asked, outcome: outcome.link.via }))) return fail(c, 500, "internal");
    deps.log.info("link", { member: asked.member, source: asked.source, via: outcome.link.via });
    return c.json(outcome.link);
  }
  if ("refused" in outcome) {
    await audit(deps, { ...asked, outcome: "refused", reason: outcome.refused });
    return fail(c, 404, outcome.refused);
  }
  if ("busy" in outcome) {
    // The source's request budget has no room soon enough: the member is told when to ask again.
    const retryAfterSeconds = Math.max(1, Math.ceil(outcome.busy.retryAfterMs / 1000));
    await audit(deps, { ...asked, outcome: "refused", reason: "rate-limited" });
    deps.log.warn("link-budget-full", { member: asked.member, source: asked.source, retryAfterSeconds });
    return fail(c, 429, "too-many-requests", { retryAfterSeconds });
  }
  await audit(deps, { ...asked, outcome: "failed", reason: outcome.failed.kind });
  const problem = detailOf(outcome.failed) satisfies Problem;
  deps.log.warn("link-failed", { member: asked.member, source: asked.source, kind: problem.kind, status: problem.status });
  const retry = problem.retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(problem.retryAfterMs / 1000) };
  return fail(c, 502, "cobalt", { problem, ...retry });
}

/** Whether the entry was recorded; a failure to record is logged, by the error's name only. */
async function audit(deps: RelayDeps, entry: AuditEntry): Promise<boolean> {
  try {
    await deps.audit.append(entry);
    return true;
  } catch (error) {
    deps.log.error("audit-failed", { error: errorName(error) });
    return false;
  }
}
