import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DESK_PATH, DeskRequestSchema, type DeskAnswer, type DeskRequest } from "../../protocol/desk.ts";
import { RELAY_PROTOCOL } from "../../protocol/v1.ts";
import { errorName } from "../base/log.ts";
import type { DeskRefusal } from "../store/desk-rules.ts";
import type { RelayDeps, RelayEnv } from "./deps.ts";
import { fail } from "./errors.ts";
import { TokenBuckets } from "./rate-limit.ts";

/*
 * The team's desk over HTTP: `POST /v1/desk`, one action on one break of a source the relay
 * serves, by the member the token names (store/desk.ts decides and audits). Members are
 * rate-limited, as each change is written and audited; a request for a source the relay does not
 * have names nothing in the audit log, as for links.
 */

const DESK_MAX_BYTES = 8 * 1024;

const REFUSED: Record<DeskRefusal, ContentfulStatusCode> = {
  "unknown-account": 404,
  "app-not-reauth": 404,
  claimed: 409,
  "not-yours": 409,
  "desk-full": 409,
  "note-too-long": 400,
};

export function addDeskRoute(app: Hono<RelayEnv>, deps: RelayDeps, member: MiddlewareHandler<RelayEnv>, now: () => number): void {
  const desk = deps.desk;
  if (!desk) return;
  const changes = new TokenBuckets(deps.deskLimit?.capacity ?? 30, deps.deskLimit?.perMinute ?? 30, now);
  // The member check comes before the body limit: nobody's body is read before their token is.
  app.post(DESK_PATH, member, bodyLimit({ maxSize: DESK_MAX_BYTES, onError: (c) => fail(c, 413, "bad-request") }), async (c) => {
    const who = c.get("member");
    if (!changes.take(who)) return fail(c, 429, "too-many-requests", { retryAfterSeconds: changes.waitSeconds(who) });
    const request = await readDeskRequest(c);
    if (!request) return fail(c, 400, "bad-request");
    const runner = deps.runners.find((each) => each.id === request.sourceId);
    if (!runner) {
      await audit(deps, { time: new Date(now()).toISOString(), member: who, action: request.action, source: "", linkedAccount: "", app: "", outcome: "refused", reason: "unknown-source" });
      return fail(c, 404, "unknown-source");
    }
    const outcome = await desk.act(who, request, runner, now());
    if (!outcome.ok) return fail(c, REFUSED[outcome.refused], outcome.refused);
    deps.log.info("desk", { member: who, source: runner.id, action: request.action, changed: outcome.changed });
    return c.json({ protocol: RELAY_PROTOCOL, action: request.action, outcome: outcome.changed ? "done" : "unchanged" } satisfies DeskAnswer);
  });
}

/** The request, or undefined when the body is not JSON or not a desk request. */
async function readDeskRequest(c: Context): Promise<DeskRequest | undefined> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return undefined;
  }
  const parsed = DeskRequestSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

async function audit(deps: RelayDeps, entry: Parameters<RelayDeps["audit"]["append"]>[0]): Promise<void> {
  try {
    await deps.audit.append(entry);
  } catch (error) {
    deps.log.error("audit-failed", { error: errorName(error) });
  }
}
