import { z } from "../../core/kit/zod.ts";
import { RELAY_PROTOCOL } from "./v1.ts";

/*
 * The relay's admin API, version 1: managing members and reading the audit log over HTTP, for a
 * relay whose files nobody can reach (Cloudflare Workers) or a person away from its machine. It
 * is off unless the operator sets an admin token (RELAY_ADMIN_TOKEN), sent as a bearer token.
 * Answers carry the protocol version like the members' API; objects are loose, so a newer relay
 * may add fields. Only the relay and its command line use these: never the extension.
 */

export const ADMIN_PROTOCOL = RELAY_PROTOCOL;

export const ADMIN_PATHS = {
  /** Every admin path is under this one. */
  root: "/v1/admin",
  members: "/v1/admin/members",
  audit: "/v1/admin/audit",
  check: "/v1/admin/check",
} as const;

/** `DELETE` of one member. */
export const adminMemberPath = (name: string) => `${ADMIN_PATHS.members}/${encodeURIComponent(name)}`;

const MemberSchema = z.looseObject({ name: z.string(), createdAt: z.string() });

/** `GET /v1/admin/members`. */
export const MemberListSchema = z.looseObject({ protocol: z.number(), members: z.array(MemberSchema) });
export type MemberList = z.infer<typeof MemberListSchema>;

/** `POST /v1/admin/members` body. */
export const AddMemberRequestSchema = z.looseObject({ name: z.string().check(z.minLength(1), z.maxLength(200)) });
export type AddMemberRequest = z.infer<typeof AddMemberRequestSchema>;

/** `POST /v1/admin/members` answer (201): the token, shown this once; the relay keeps only its hash. */
export const AddedMemberSchema = z.looseObject({ protocol: z.number(), member: MemberSchema, token: z.string() });
export type AddedMember = z.infer<typeof AddedMemberSchema>;

/** `DELETE /v1/admin/members/<name>` answer. */
export const RemovedMemberSchema = z.looseObject({ protocol: z.number(), removed: z.string() });
export type RemovedMember = z.infer<typeof RemovedMemberSchema>;

/** One line of the audit log: a reconnect link asked for, or a change made by an admin. */
export const AuditLineSchema = z.looseObject({ time: z.string() });

/** `GET /v1/admin/audit`: every line of the audit log, oldest first. */
export const AuditAnswerSchema = z.looseObject({ protocol: z.number(), entries: z.array(AuditLineSchema) });
export type AuditAnswer = z.infer<typeof AuditAnswerSchema>;

/** `POST /v1/admin/check[?source=<id>]` answer (202): the sources that will be checked at once. */
export const CheckAnswerSchema = z.looseObject({ protocol: z.number(), sources: z.array(z.string()) });
export type CheckAnswer = z.infer<typeof CheckAnswerSchema>;

export const ADMIN_ERROR_CODES = [
  /** No RELAY_ADMIN_TOKEN is set on the relay: the admin API is off. 404. */
  "admin-off",
  /** The admin token is missing or wrong. 401. */
  "token-rejected",
  /** Too many rejected tokens from this address. 429, with Retry-After. */
  "too-many-requests",
  "bad-request",
  /** The name is not a member name (1 to 64 letters, digits or . _ @ + -). 400. */
  "bad-name",
  /** A member of that name exists: remove it first to issue a new token. 409. */
  "member-exists",
  "unknown-member",
  "unknown-source",
  "not-found",
  "internal",
] as const;
export type AdminErrorCode = (typeof ADMIN_ERROR_CODES)[number];

export const AdminErrorSchema = z.looseObject({
  error: z.looseObject({ code: z.enum(ADMIN_ERROR_CODES), retryAfterSeconds: z.optional(z.number()) }),
});
export type AdminError = z.infer<typeof AdminErrorSchema>;
