import { ERROR_KINDS, type ErrorKind } from "../../../core/api/errors.ts";
import { dict, type Dict } from "../../../core/kit/dict.ts";
import { z } from "../../../core/kit/zod.ts";
import type { DocumentKind } from "../store/records.ts";
import { parseAlertMessage, type TroubleKind } from "./messages.ts";
import type { OutboxEntry } from "./outbox.ts";

/*
 * What the alerts remember, in the relay's storage (a new document, `alerts`: a file in the
 * data folder on Node, a row of the Durable Object's documents on Workers): per source the breaks
 * already announced and still open, and the relay's own trouble; the day of the last digest; and
 * the outbox. Decisions and the messages they queue are written together, in one replacement of
 * this document, before any is sent: a restart finds both or neither, so nothing is announced
 * twice and nothing decided is lost.
 */

export interface OpenBreak {
  accountId: string;
  accountName?: string;
  slug: string;
  app: string;
  since: number;
  /** The latest reminder sent (or passed over), in days after `since`; 0 before the first. */
  remindedDays: number;
  /** The last claim the alerts saw on it, so a "fixed" can say who was on it. */
  claimedBy?: string;
}

export interface Trouble {
  problem: TroubleKind;
  errorKind: ErrorKind;
  /** When the relay first failed to check this source, in this stretch of failures. */
  since: number;
  /** What was said of it, if anything yet. */
  announced?: TroubleKind;
}

export interface SourceAlerts {
  /** The settings (key, base URL, accounts) the open breaks belong to; absent before the first baseline. */
  fingerprint?: string;
  open: OpenBreak[];
  trouble?: Trouble;
}

export interface AlertsRecord {
  /** By source ID, without a prototype (a stored record is read back from outside). */
  sources: Dict<SourceAlerts>;
  /** The local date of the last digest, "" once the first day was passed over. */
  digest: { lastDate?: string };
  outbox: OutboxEntry[];
}

export const EMPTY_RECORD: AlertsRecord = { sources: dict(), digest: {}, outbox: [] };

const OpenBreakSchema = z.looseObject({
  accountId: z.string(),
  accountName: z.optional(z.string()),
  slug: z.string(),
  app: z.string(),
  since: z.number(),
  remindedDays: z.catch(z.number(), 0),
  claimedBy: z.optional(z.string()),
});
const TroubleSchema = z.looseObject({
  problem: z.enum(["key-rejected", "unreachable"]),
  errorKind: z.enum(ERROR_KINDS),
  since: z.number(),
  announced: z.optional(z.enum(["key-rejected", "unreachable"])),
});
const FailureSchema = z.looseObject({ status: z.optional(z.number()), error: z.optional(z.string()) });
const EntrySchema = z.looseObject({
  id: z.string(),
  channel: z.string(),
  message: z.unknown(),
  createdAt: z.number(),
  attempts: z.number(),
  nextAt: z.number(),
  failedSince: z.optional(z.number()),
  lastFailure: z.optional(FailureSchema),
});

/** `alerts`: read entry by entry, so a damaged entry (a file edited by hand) costs itself alone. */
export const ALERTS: DocumentKind<AlertsRecord> = {
  name: "alerts",
  label: "the alerts record",
  empty: () => ({ sources: dict(), digest: {}, outbox: [] }),
  parse(raw) {
    if (typeof raw !== "object" || raw === null || (raw as { version?: unknown }).version !== 1) return { ok: false, problem: "it does not have the expected shape" };
    const { sources, digest, outbox } = raw as { sources?: unknown; digest?: unknown; outbox?: unknown };
    const lastDate = typeof digest === "object" && digest !== null ? (digest as { lastDate?: unknown }).lastDate : undefined;
    return { ok: true, value: { sources: parseSources(sources), digest: typeof lastDate === "string" ? { lastDate } : {}, outbox: parseOutbox(outbox) } };
  },
  encode: (record) => JSON.stringify({ version: 1, ...record }),
};

function parseSources(raw: unknown): Dict<SourceAlerts> {
  const sources = dict<SourceAlerts>();
  if (typeof raw !== "object" || raw === null) return sources;
  for (const [id, value] of Object.entries(raw)) {
    if (typeof value !== "object" || value === null) continue;
    const { fingerprint, open, trouble } = value as { fingerprint?: unknown; open?: unknown; trouble?: unknown };
    const source: SourceAlerts = { open: Array.isArray(open) ? open.flatMap((item) => parsed(OpenBreakSchema, item)) : [] };
    if (typeof fingerprint === "string") source.fingerprint = fingerprint;
    const [readTrouble] = parsed(TroubleSchema, trouble);
    if (readTrouble) source.trouble = readTrouble;
    sources[id] = source;
  }
  return sources;
}

function parseOutbox(raw: unknown): OutboxEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item) => {
    const [entry] = parsed(EntrySchema, item);
    const message = entry && parseAlertMessage(entry.message);
    return entry && message ? [{ ...entry, message }] : [];
  });
}

function parsed<T>(schema: z.ZodMiniType<T>, raw: unknown): T[] {
  const result = schema.safeParse(raw);
  return result.success ? [result.data] : [];
}
