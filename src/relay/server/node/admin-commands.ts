import {
  ADMIN_PATHS,
  AddedMemberSchema,
  AdminErrorSchema,
  AuditAnswerSchema,
  CheckAnswerSchema,
  MemberListSchema,
  RemovedMemberSchema,
  adminMemberPath,
} from "../../protocol/admin.ts";
import { z } from "../../../core/kit/zod.ts";
import { Audit, AUDIT, type AdminAuditEntry } from "../store/audit.ts";
import { FileBackend } from "../store/file-backend.ts";
import { Members, MembersFileError, memberNameProblem } from "../store/members.ts";
import { Records } from "../store/records.ts";
import { isLoopback } from "./listen-guard.ts";

/*
 * The member and audit commands, on this machine's data folder or, with --relay, on a running
 * relay's admin API (the only way for a relay on Workers). Both print the same thing; a token
 * is printed once, when its member is added.
 */

export type MemberCommand = "add-member" | "remove-member" | "list-members" | "audit" | "check";

export interface Output {
  say(text: string): void;
  complain(text: string): void;
  /** How the relay's commands are run here, for hints: `npm run relay --` from source, `node relay.mjs` bundled. */
  command?: string;
}

/** What a command is run against: the data folder, or a relay's URL and the admin token. */
export type Target = { dataDir: string } | { relay: string; adminToken: string | undefined; fetch?: typeof fetch };

/** Refused before anything is sent: said to the person as is. */
export class AdminCommandError extends Error {
  override readonly name = "AdminCommandError";
}

export async function runMemberCommand(command: MemberCommand, name: string | undefined, target: Target, out: Output, source?: string): Promise<number> {
  const relay = out.command ?? "npm run relay --";
  if ((command === "add-member" || command === "remove-member") && !name) {
    out.complain(`Give the member's name: ${relay} ${command} <name>`);
    return 2;
  }
  if (command === "add-member" && memberNameProblem(name!)) {
    out.complain(memberNameProblem(name!)!);
    return 2;
  }
  const store = "relay" in target ? remoteStore(target) : localStore(target.dataDir);
  switch (command) {
    case "list-members": {
      const members = await store.list();
      if (members.length === 0) out.say(`No members yet (${store.where}). Add one with: ${relay} add-member <name>`);
      for (const member of members) out.say(`${member.name}\tadded ${member.createdAt}`);
      return 0;
    }
    case "add-member": {
      const token = await store.add(name!);
      out.say(`Added "${name}". Their token (shown only now; the relay keeps only its hash):\n\n  ${token}\n`);
      out.say("Give it to them over a private channel. They enter it with the relay's URL in the extension's options.");
      return 0;
    }
    case "remove-member":
      if (await store.remove(name!)) {
        out.say(`Removed "${name}": their token stops working at once, also in a relay that is running.`);
        return 0;
      }
      out.complain(`There is no member named "${name}" (${store.where}).`);
      return 1;
    case "audit":
      for (const line of await store.audit()) out.say(line);
      return 0;
    case "check":
      out.say(`Checking ${(await store.check(source)).join(", ")} now.`);
      return 0;
  }
}

interface Store {
  where: string;
  list(): Promise<{ name: string; createdAt: string }[]>;
  add(name: string): Promise<string>;
  remove(name: string): Promise<boolean>;
  /** The audit log, one JSON object a line. */
  audit(): Promise<string[]>;
  check(source: string | undefined): Promise<string[]>;
}

function localStore(dataDir: string): Store {
  const records = new Records(new FileBackend(dataDir));
  const members = new Members(records);
  const audit = new Audit(records);
  const audited = (entry: Omit<AdminAuditEntry, "time" | "by">) => audit.append({ time: new Date().toISOString(), by: "command-line", ...entry });
  return {
    where: members.where,
    list: () => members.list(),
    async add(name) {
      try {
        const { token } = await members.add(name);
        await audited({ action: "add-member", subject: name, outcome: "done" });
        return token;
      } catch (error) {
        if (error instanceof MembersFileError) await audited({ action: "add-member", subject: name, outcome: "refused", reason: "member-exists" });
        throw error;
      }
    },
    async remove(name) {
      const removed = await members.remove(name);
      await audited({ action: "remove-member", subject: name, outcome: removed ? "done" : "refused", ...(!removed && { reason: "unknown-member" as const }) });
      return removed;
    },
    audit: async () => (await audit.read()).map((entry) => AUDIT.encode(entry)),
    check: () => Promise.reject(new AdminCommandError("check asks a running relay: give its address with --relay <url> (and RELAY_ADMIN_TOKEN).")),
  };
}

function remoteStore(target: { relay: string; adminToken: string | undefined; fetch?: typeof fetch }): Store {
  const base = relayBase(target.relay);
  const token = target.adminToken?.trim();
  if (!token) throw new AdminCommandError("Set RELAY_ADMIN_TOKEN to the relay's admin token to manage it with --relay.");
  const call = async <T>(path: string, schema: z.ZodMiniType<T>, init: RequestInit = {}, missing?: string): Promise<T | undefined> => {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${token}`);
    let response: Response;
    try {
      response = await (target.fetch ?? fetch)(`${base}${path}`, { ...init, headers, redirect: "error", signal: AbortSignal.timeout(30_000) });
    } catch {
      throw new AdminCommandError(`The relay at ${base} could not be reached.`);
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.ok) {
      const parsed = schema.safeParse(body);
      if (!parsed.success) throw new AdminCommandError(`The relay at ${base} answered in a shape this command does not know; is it the same version?`);
      return parsed.data;
    }
    const code = AdminErrorSchema.safeParse(body).data?.error.code;
    if (code !== undefined && code === missing) return undefined;
    throw new AdminCommandError(adminProblem(base, response.status, code));
  };
  return {
    where: base,
    list: async () => (await call(ADMIN_PATHS.members, MemberListSchema))!.members,
    add: async (name) => (await call(ADMIN_PATHS.members, AddedMemberSchema, jsonPost({ name })))!.token,
    remove: async (name) => (await call(adminMemberPath(name), RemovedMemberSchema, { method: "DELETE" }, "unknown-member")) !== undefined,
    audit: async () => (await call(ADMIN_PATHS.audit, AuditAnswerSchema))!.entries.map((entry) => JSON.stringify(entry)),
    check: async (source) => (await call(`${ADMIN_PATHS.check}${source === undefined ? "" : `?source=${encodeURIComponent(source)}`}`, CheckAnswerSchema, { method: "POST" }))!.sources,
  };
}

const jsonPost = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** The relay's origin (and path), refused when the admin token would cross a network in the clear. */
function relayBase(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AdminCommandError(`--relay needs the relay's address, for example https://relay.example.com (got something that is not a URL).`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new AdminCommandError("--relay must be an https:// address (plain http only for this computer): the admin token must not cross a network unencrypted.");
  }
  if (url.username || url.password || url.search || url.hash) throw new AdminCommandError("Give --relay without credentials, ?query or #fragment.");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function adminProblem(base: string, status: number, code: string | undefined): string {
  switch (code) {
    case "admin-off":
      return `The relay at ${base} has no admin API: set RELAY_ADMIN_TOKEN on the relay (a Worker secret on Workers) and restart it.`;
    case "token-rejected":
      return `The relay at ${base} rejected the admin token: check RELAY_ADMIN_TOKEN.`;
    case "too-many-requests":
      return `The relay at ${base} refuses this address for a while after too many rejected tokens; try again in a minute.`;
    case "member-exists":
      return "There is already a member of that name. Remove it first to issue a new token.";
    case "bad-name":
      return memberNameProblem("")!;
    case "unknown-source":
      return `The relay at ${base} has no such source.`;
    default:
      return `The relay at ${base} answered HTTP ${status}${code ? ` (${code})` : ""}.`;
  }
}
