import { readFile } from "node:fs/promises";
import { appendLine } from "../base/files.ts";
import { escapeInvisible } from "../base/log.ts";
import type { ErrorKind } from "../../../core/api/errors.ts";
import { z } from "../../../core/kit/zod.ts";

/**
 * Every reconnect link a member asks for, one JSON object per line: who, for which source,
 * linked account and app, when, and what came of it. Values are written with JSON.stringify, so
 * a linked account id with a newline in it cannot forge a second entry. Links themselves are
 * never written: they carry OAuth state or a session token.
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

const AuditEntrySchema = z.looseObject({
  time: z.string(),
  member: z.string(),
  source: z.string(),
  linkedAccount: z.string(),
  app: z.string(),
  outcome: z.enum(["oauth", "portal", "failed", "refused"]),
  reason: z.optional(z.string()),
});

export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
}

export class FileAuditLog implements AuditLog {
  constructor(readonly path: string) {}

  async append(entry: AuditEntry): Promise<void> {
    const line: AuditEntry = {
      time: entry.time,
      member: entry.member,
      source: entry.source,
      linkedAccount: entry.linkedAccount,
      app: entry.app,
      outcome: entry.outcome,
    };
    if (entry.reason) line.reason = entry.reason;
    await appendLine(this.path, escapeInvisible(JSON.stringify(line)));
  }

  /** For tests and for people reading the log: each line parsed, unreadable lines skipped. */
  async read(): Promise<AuditEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch {
      return [];
    }
    const entries: AuditEntry[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        const parsed = AuditEntrySchema.safeParse(JSON.parse(line));
        if (parsed.success) entries.push(parsed.data as AuditEntry);
      } catch {
        // A torn line (disk full mid-write) costs that line alone.
      }
    }
    return entries;
  }
}
