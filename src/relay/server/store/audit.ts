import { escapeInvisible } from "../base/log.ts";
import type { ErrorKind } from "../../../core/api/errors.ts";
import { z } from "../../../core/kit/zod.ts";
import type { DeskRefusal } from "./desk-rules.ts";
import type { LogKind, Records } from "./records.ts";

/**
 * Every reconnect link a member asks for, one JSON object per line: who, for which source,
 * linked account and app, when, and what came of it; and every change of members (who was added
 * or removed, through the admin API or the command line). Values are written with JSON.stringify,
 * so a linked account id with a newline in it cannot forge a second entry. Links themselves are
 * never written: they carry OAuth state or a session token. And every action on the team's desk.
 */
export type AuditOutcome = "oauth" | "portal" | "failed" | "refused";

export interface AuditEntry {
  time: string;
  member: string;
  source: string;
  linkedAccount: string;
  app: string;
  outcome: AuditOutcome;
  /** For "failed": how Cobalt failed. For "refused": why the relay said no. */
  reason?: ErrorKind | "unknown-source" | "unknown-account" | "app-not-reauth";
}

/** A change of members, or a check asked for by an admin. */
export interface AdminAuditEntry {
  time: string;
  action: "add-member" | "remove-member" | "check";
  /** The member added or removed; the source checked ("*" for all). */
  subject: string;
  by: "admin-api" | "command-line";
  outcome: "done" | "refused";
  reason?: "member-exists" | "unknown-member" | "bad-name" | "unknown-source";
}

/**
 * A member's action on the team's desk (claims, team mutes, notes: desk.ts), or something on it
 * that ended by itself (`*-ended`, under the member who had made it). A note's text is not
 * written: it stays on the desk until its break ends.
 */
export interface DeskAuditEntry {
  time: string;
  member: string;
  action: (typeof DESK_AUDIT_ACTIONS)[number];
  source: string;
  linkedAccount: string;
  /** "" for a whole linked account. */
  app: string;
  outcome: "done" | "refused";
  /** Refused: why. Ended: by a fix, by its time, or with its source (no longer served). */
  reason?: DeskRefusal | "unknown-source" | "fixed" | "expired" | "source-gone";
  /** A take-over: whose claim it was. */
  previous?: string;
  /** A mute: how long. */
  length?: string;
}

export const DESK_AUDIT_ACTIONS = ["claim", "release", "take-over", "mute", "unmute", "note", "note-removed", "claim-ended", "mute-ended", "note-ended"] as const;

export type AuditLine = AuditEntry | AdminAuditEntry | DeskAuditEntry;

const LinkEntrySchema = z.looseObject({
  time: z.string(),
  member: z.string(),
  source: z.string(),
  linkedAccount: z.string(),
  app: z.string(),
  outcome: z.enum(["oauth", "portal", "failed", "refused"]),
  reason: z.optional(z.string()),
});

const DeskEntrySchema = z.looseObject({
  time: z.string(),
  member: z.string(),
  action: z.enum(DESK_AUDIT_ACTIONS),
  source: z.string(),
  linkedAccount: z.string(),
  app: z.string(),
  outcome: z.enum(["done", "refused"]),
  reason: z.optional(z.string()),
  previous: z.optional(z.string()),
  length: z.optional(z.string()),
});

const AdminEntrySchema = z.looseObject({
  time: z.string(),
  action: z.enum(["add-member", "remove-member", "check"]),
  subject: z.string(),
  by: z.enum(["admin-api", "command-line"]),
  outcome: z.enum(["done", "refused"]),
  reason: z.optional(z.string()),
});

/** `audit.log`: only the fields each kind of entry knows are written, in a fixed order. */
export const AUDIT: LogKind<AuditLine> = {
  name: "audit",
  parse(raw) {
    // The desk's first: a refused desk action has every field a link's line has.
    const desk = DeskEntrySchema.safeParse(raw);
    if (desk.success) return desk.data as DeskAuditEntry;
    const link = LinkEntrySchema.safeParse(raw);
    if (link.success) return link.data as AuditEntry;
    const admin = AdminEntrySchema.safeParse(raw);
    return admin.success ? (admin.data as AdminAuditEntry) : undefined;
  },
  encode(entry) {
    const line: Record<string, string> = isDeskEntry(entry)
      ? { time: entry.time, member: entry.member, action: entry.action, source: entry.source, linkedAccount: entry.linkedAccount, app: entry.app, outcome: entry.outcome }
      : "action" in entry
        ? { time: entry.time, action: entry.action, subject: entry.subject, by: entry.by, outcome: entry.outcome }
        : { time: entry.time, member: entry.member, source: entry.source, linkedAccount: entry.linkedAccount, app: entry.app, outcome: entry.outcome };
    if (entry.reason) line.reason = entry.reason;
    if (isDeskEntry(entry)) {
      if (entry.previous !== undefined) line.previous = entry.previous;
      if (entry.length !== undefined) line.length = entry.length;
    }
    // Still JSON, but with no raw line or paragraph separator, control or direction character a reader's terminal would act on.
    return escapeInvisible(JSON.stringify(line));
  },
};

function isDeskEntry(entry: AuditLine): entry is DeskAuditEntry {
  return "action" in entry && "member" in entry;
}

export interface AuditLog {
  append(entry: AuditLine): Promise<void>;
}

export class Audit implements AuditLog {
  constructor(private readonly records: Records) {}

  append(entry: AuditLine): Promise<void> {
    return this.records.append(AUDIT, entry);
  }

  /** Each line parsed, unreadable lines skipped. */
  read(): Promise<AuditLine[]> {
    return this.records.entries(AUDIT);
  }
}
