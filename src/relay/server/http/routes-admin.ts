import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import {
  ADMIN_PATHS,
  ADMIN_PROTOCOL,
  AddMemberRequestSchema,
  type AddedMember,
  type AdminError,
  type AdminErrorCode,
  type AuditAnswer,
  type CheckAnswer,
  type MemberList,
  type RemovedMember,
} from "../../protocol/admin.ts";
import type { AdminAuditEntry } from "../store/audit.ts";
import { MembersFileError, memberNameProblem, sameText } from "../store/members.ts";
import { errorName } from "../base/log.ts";
import type { AdminDeps, RelayDeps, RelayEnv } from "./deps.ts";
import { TokenBuckets } from "./rate-limit.ts";

/*
 * The admin API: members and the audit log over HTTP, by the operator's admin token. Off (404
 * admin-off) when none is set. The token is compared in constant time (as SHA-256 digests, so
 * even its length is not told), rejected tokens are rate-limited per address like members', and
 * every change is audited.
 */

const ADMIN_MAX_BYTES = 4 * 1024;

export function addAdminRoutes(app: Hono<RelayEnv>, deps: RelayDeps, now: () => number): void {
  const admin = deps.admin;
  const guard = requireAdmin(deps, now);
  const audited = (entry: Omit<AdminAuditEntry, "time" | "by">) => audit(deps, { time: new Date(now()).toISOString(), by: "admin-api", ...entry });
  app.use(`${ADMIN_PATHS.root}/*`, guard);
  if (!admin) return;
  app.get(ADMIN_PATHS.members, async (c) => c.json({ protocol: ADMIN_PROTOCOL, members: await admin.members.list() } satisfies MemberList));
  app.post(ADMIN_PATHS.members, bodyLimit({ maxSize: ADMIN_MAX_BYTES, onError: (c) => adminFail(c, 413, "bad-request") }), (c) => addMember(c, admin, audited));
  app.delete(`${ADMIN_PATHS.members}/:name`, async (c) => {
    const name = c.req.param("name");
    if (!(await admin.members.remove(name))) {
      await audited({ action: "remove-member", subject: name, outcome: "refused", reason: "unknown-member" });
      return adminFail(c, 404, "unknown-member");
    }
    await audited({ action: "remove-member", subject: name, outcome: "done" });
    return c.json({ protocol: ADMIN_PROTOCOL, removed: name } satisfies RemovedMember);
  });
  app.get(ADMIN_PATHS.audit, async (c) => {
    const entries = (await admin.audit.read()).map((line): AuditAnswer["entries"][number] => ({ ...line }));
    return c.json({ protocol: ADMIN_PROTOCOL, entries } satisfies AuditAnswer);
  });
  app.post(ADMIN_PATHS.check, async (c) => {
    const only = c.req.query("source");
    const runners = only === undefined ? deps.runners : deps.runners.filter((runner) => runner.id === only);
    if (runners.length === 0) {
      await audited({ action: "check", subject: only ?? "*", outcome: "refused", reason: "unknown-source" });
      return adminFail(c, 404, "unknown-source");
    }
    for (const runner of runners) runner.requestCheck();
    await audited({ action: "check", subject: only ?? "*", outcome: "done" });
    return c.json({ protocol: ADMIN_PROTOCOL, sources: runners.map((runner) => runner.id) } satisfies CheckAnswer, 202);
  });
}

async function addMember(c: Context<RelayEnv>, admin: AdminDeps, audited: (entry: Omit<AdminAuditEntry, "time" | "by">) => Promise<void>): Promise<Response> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return adminFail(c, 400, "bad-request");
  }
  const request = AddMemberRequestSchema.safeParse(raw);
  if (!request.success) return adminFail(c, 400, "bad-request");
  const { name } = request.data;
  if (memberNameProblem(name)) {
    await audited({ action: "add-member", subject: name, outcome: "refused", reason: "bad-name" });
    return adminFail(c, 400, "bad-name");
  }
  try {
    const added = await admin.members.add(name);
    await audited({ action: "add-member", subject: name, outcome: "done" });
    return c.json({ protocol: ADMIN_PROTOCOL, member: { name, createdAt: added.createdAt }, token: added.token } satisfies AddedMember, 201);
  } catch (error) {
    if (!(error instanceof MembersFileError)) throw error;
    await audited({ action: "add-member", subject: name, outcome: "refused", reason: "member-exists" });
    return adminFail(c, 409, "member-exists");
  }
}

/** Lets a request through only with the admin token; the limit on rejected tokens comes first, as for members. */
function requireAdmin(deps: RelayDeps, now: () => number): MiddlewareHandler<RelayEnv> {
  const failures = new TokenBuckets(deps.authLimit?.capacity ?? 10, deps.authLimit?.perMinute ?? 10, now);
  return async (c, next) => {
    if (!deps.admin) return adminFail(c, 404, "admin-off");
    const address = deps.clientAddress(c);
    const wait = failures.waitSeconds(address);
    if (wait > 0) return adminFail(c, 429, "too-many-requests", wait);
    const match = /^Bearer +(\S+) *$/i.exec(c.req.header("authorization") ?? "");
    if (!match || !(await sameSecret(match[1]!, deps.admin.token))) {
      failures.take(address);
      deps.log.warn("admin-token-rejected", { address, presented: match !== null });
      c.header("WWW-Authenticate", 'Bearer realm="cobalt-relay-admin"');
      return adminFail(c, 401, "token-rejected");
    }
    await next();
  };
}

/** Compared as SHA-256 digests in constant time: neither timing nor length says how close a guess was. */
async function sameSecret(presented: string, expected: string): Promise<boolean> {
  const digest = async (text: string) => {
    const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
    return String.fromCharCode(...bytes);
  };
  return sameText(await digest(presented), await digest(expected));
}

function adminFail(c: Context, status: ContentfulStatusCode, code: AdminErrorCode, retryAfterSeconds?: number): Response {
  const body: AdminError = { error: { code } };
  if (retryAfterSeconds !== undefined) {
    body.error.retryAfterSeconds = retryAfterSeconds;
    c.header("Retry-After", String(retryAfterSeconds));
  }
  return c.json(body, status);
}

/** A change that cannot be audited is still made (the member exists either way); the failure is logged. */
async function audit(deps: RelayDeps, entry: AdminAuditEntry): Promise<void> {
  try {
    await deps.audit.append(entry);
  } catch (error) {
    deps.log.error("audit-failed", { error: errorName(error) });
  }
}
