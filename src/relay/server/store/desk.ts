import { z } from "../../../core/kit/zod.ts";
import { cleanNote, noteLength, NOTE_MAX_CHARS, type DeskRequest } from "../../protocol/desk.ts";
import { errorName, type Logger } from "../base/log.ts";
import type { SourceState } from "../check/runner.ts";
import type { AuditLog, DeskAuditEntry } from "./audit.ts";
import {
  act,
  claimOn,
  EMPTY_DESK,
  expire,
  liveDesk,
  nextEnd,
  settle,
  whoWasOn,
  withoutSources,
  type DeskClaim,
  type DeskFile,
  type DeskRefusal,
  type DeskScope,
  type Ended,
} from "./desk-rules.ts";
import { StoreFormatError, type DocumentKind, type Records } from "./records.ts";

/*
 * The team's desk as the relay keeps it: claims, team mutes, notes and the claims a fix ended, as
 * one document ("desk": a file in the data folder on Node, rows of the Durable Object's SQLite on
 * Workers), so it survives restarts on both runtimes. The rules are desk-rules.ts; this holds the
 * document in memory (the relay alone writes it), makes each change in turn (written before it is
 * served, so an answer never tells of a change that a restart would lose), and audits every
 * change: members' actions and refusals, and what ended by itself.
 */

const ScopeSchema = { source: z.string(), account: z.string(), app: z.optional(z.string()) };
const NamesSchema = z.catch(z.looseObject({ account: z.optional(z.string()), app: z.optional(z.string()) }), {});
const EntrySchema = { ...ScopeSchema, member: z.string(), at: z.number(), broke: z.optional(z.number()) };
const SCHEMAS = {
  claims: z.looseObject({ ...EntrySchema, from: z.optional(z.string()), names: NamesSchema }),
  mutes: z.looseObject({ ...EntrySchema, until: z.optional(z.number()), breaks: z.optional(z.array(z.looseObject({ slug: z.string(), since: z.optional(z.number()) }))) }),
  notes: z.looseObject({ ...EntrySchema, text: z.string() }),
  fixed: z.looseObject({ ...ScopeSchema, member: z.string(), since: z.number(), at: z.number(), names: NamesSchema }),
};
const DeskDocumentSchema = z.looseObject({ version: z.literal(1), claims: z.array(z.unknown()), mutes: z.array(z.unknown()), notes: z.array(z.unknown()), fixed: z.array(z.unknown()) });

/** The desk as read back, with how many entries could not be read (each is dropped alone). */
type ReadDesk = DeskFile & { unreadable?: number };

/** The desk record, `{ version: 1, claims, mutes, notes, fixed }`. An entry that cannot be read costs that entry alone. */
export const DESK: DocumentKind<ReadDesk> = {
  name: "desk",
  label: "the desk",
  empty: () => ({ ...EMPTY_DESK }),
  parse(raw) {
    const parsed = DeskDocumentSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, problem: "it does not have the expected shape" };
    let unreadable = 0;
    const each = <K extends keyof typeof SCHEMAS>(key: K) =>
      parsed.data[key].flatMap((entry) => {
        const read = SCHEMAS[key].safeParse(entry);
        if (read.success) return [withoutUndefined(read.data)];
        unreadable++;
        return [];
      }) as unknown as DeskFile[K];
    const value: ReadDesk = { claims: each("claims"), mutes: each("mutes"), notes: each("notes"), fixed: each("fixed") };
    if (unreadable > 0) value.unreadable = unreadable;
    return { ok: true, value };
  },
  encode: ({ claims, mutes, notes, fixed }) => JSON.stringify({ version: 1, claims, mutes, notes, fixed }),
};

/** Where a desk that could not be read is kept, untouched, for the operator; the relay starts with an empty one. */
export const DESK_SET_ASIDE = "desk-unreadable";

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

export type DeskOutcome = { ok: true; changed: boolean } | { ok: false; refused: DeskRefusal };

/** What a runner's desk needs of it. */
export interface DeskSource {
  id: string;
  state: SourceState;
}

export class Desk {
  #file: DeskFile;
  #version = 0;
  #turn: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly records: Records,
    private readonly audit: AuditLog,
    private readonly log: Logger,
    file: DeskFile,
  ) {
    this.#file = file;
  }

  /**
   * Reads the desk; entries of sources the relay no longer serves go (audited). A desk that
   * cannot be read is copied aside (DESK_SET_ASIDE) before anything replaces it, and the relay
   * starts with an empty one, saying so: the team loses no claim it cannot get back by hand.
   */
  static async open(records: Records, audit: AuditLog, log: Logger, served: readonly string[], now: number): Promise<Desk> {
    let file: DeskFile = { ...EMPTY_DESK };
    try {
      const { unreadable, ...read } = (await records.read(DESK)).value;
      file = read;
      if (unreadable) log.warn("desk-entries-unreadable", { path: records.backend.where(DESK.name), entries: unreadable });
    } catch (error) {
      if (!(error instanceof StoreFormatError)) throw error;
      const text = await records.backend.read(DESK.name);
      if (text !== undefined) await records.backend.write(DESK_SET_ASIDE, text);
      log.error("desk-unreadable", { message: error.message, keptAt: records.backend.where(DESK_SET_ASIDE) });
    }
    const desk = new Desk(records, audit, log, file);
    const gone = withoutSources(file, new Set(served));
    if (gone) await desk.#commit(gone.file, gone.ended, now);
    return desk;
  }

  /** Changes whenever what the desk holds does; the status view caches on it. */
  get version(): number {
    return this.#version;
  }

  /** A source's desk as members see it now (live entries only). */
  live(source: DeskSource, now: number): DeskFile {
    return liveDesk(this.#file, source.id, source.state, now);
  }

  /** The claim on exactly this break, if any (a notice of its fix can say who was on it). */
  claimOn(scope: DeskScope): DeskClaim | undefined {
    return claimOn(this.#file, scope);
  }

  /** Who is on this break, or was when a fix ended their claim (kept an hour). */
  whoWasOn(scope: DeskScope): { member: string; since: number } | undefined {
    return whoWasOn(this.#file, scope);
  }

  /** One member's request, made in turn with every other change and audited (refusals too). */
  act(member: string, request: DeskRequest, source: DeskSource, now: number): Promise<DeskOutcome> {
    return this.#inTurn(async () => {
      const text = request.action === "note" ? cleanNote(request.text) : undefined;
      const outcome = text !== undefined && noteLength(text) > NOTE_MAX_CHARS ? ({ ok: false, refused: "note-too-long" } as const) : act(this.#file, member, request, source.id, source.state, now, text);
      const line: DeskAuditEntry = { time: new Date(now).toISOString(), member, action: auditAction(request, text), source: source.id, linkedAccount: request.linkedAccountId, app: request.slug ?? "", outcome: "done" };
      if (request.action === "mute") line.length = request.length;
      if (!outcome.ok) {
        await this.#audit({ ...line, outcome: "refused", reason: outcome.refused });
        return outcome;
      }
      if (!outcome.changed) return outcome;
      await this.#write(outcome.file);
      await this.#audit(outcome.previous === undefined ? line : { ...line, previous: outcome.previous });
      return { ok: true, changed: true };
    });
  }

  /** After a check of `source`: what its fix or its time ended goes, audited. */
  settle(source: DeskSource, now: number): Promise<void> {
    // A failed check of the whole source says nothing of its breaks: nothing ends on it.
    const { status } = source.state;
    if (status.checkedAt === undefined || status.error) return this.#inTurn(async () => this.#expire(now));
    return this.#inTurn(async () => {
      const settled = settle(this.#file, source.id, source.state, now);
      if (settled) await this.#commit(settled.file, settled.ended, now);
      await this.#expire(now);
    });
  }

  /** Ends what the clock ended, if anything is due; resolves at once otherwise (asked before each status). */
  due(now: number): Promise<void> {
    const end = nextEnd(this.#file);
    if (end === undefined || now < end) return Promise.resolve();
    return this.#inTurn(() => this.#expire(now));
  }

  async #expire(now: number): Promise<void> {
    const expired = expire(this.#file, now);
    if (expired) await this.#commit(expired.file, expired.ended, now);
  }

  /** A change made by the relay itself: kept in memory even if it cannot be written (the next change writes it). */
  async #commit(file: DeskFile, ended: readonly Ended[], now: number): Promise<void> {
    try {
      await this.#write(file);
    } catch (error) {
      this.#file = file;
      this.#version++;
      this.log.error("desk-save-failed", { path: this.records.backend.where(DESK.name), error: errorName(error) });
    }
    const time = new Date(now).toISOString();
    for (const { kind, entry, reason } of ended) {
      await this.#audit({ time, member: entry.member, action: `${kind}-ended`, source: entry.source, linkedAccount: entry.account, app: entry.app ?? "", outcome: "done", reason });
    }
  }

  async #write(file: DeskFile): Promise<void> {
    await this.records.write(DESK, file);
    this.#file = file;
    this.#version++;
  }

  /** A change that cannot be audited is still made (it is written); the failure is logged. */
  async #audit(entry: DeskAuditEntry): Promise<void> {
    try {
      await this.audit.append(entry);
    } catch (error) {
      this.log.error("audit-failed", { error: errorName(error) });
    }
  }

  /** Resolves when every change asked for so far is written (at shutdown). */
  async idle(): Promise<void> {
    await this.#turn;
  }

  #inTurn<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(task);
    this.#turn = run.catch(() => undefined);
    return run;
  }
}

function auditAction(request: DeskRequest, text: string | undefined): DeskAuditEntry["action"] {
  return request.action === "note" && text === "" ? "note-removed" : request.action;
}
