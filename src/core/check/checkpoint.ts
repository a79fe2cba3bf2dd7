import { ApiError, isTransient, stopsWholeCheck } from "../api/errors.ts";
import type { AppRecord } from "../api/records.ts";
import { arrayOf, bool, num, object, optional, str, type Guard } from "../kit/guards.ts";
import { sourceKey } from "../settings/fingerprint.ts";
import type { CheckSettings } from "../settings/model.ts";
import type { Status } from "../status/model.ts";
import { readAppRecord, readErrorInfo } from "../status/stored.ts";
import type { CheckpointIO, Journal, Listed, ListingProgress, Outcome, Resumed } from "./context.ts";
import { MAX_LISTING_PAGES } from "./plan.ts";

/*
 * A check's checkpoint: what a check has done so far, kept as it goes, so that a background the
 * browser stops in the middle of a check (Chrome stops an idle service worker after 30 s) carries
 * on from there at its next start instead of starting over. A large org's check takes minutes:
 * started over at every stop, it would never end.
 *
 * Its parts, named relative to the checkpoint (the background keeps them in storage.session under
 * `checkpoint.<source>.<name>`, see core/store/keys.ts):
 *   head       which settings, when it began and was last written, the rotation's start, the
 *              requests made, how far the listing is read, how many parts of answers there are
 *   p.<page>   the accounts of one listing page, as the plan needs them (an app catalog and rows)
 *   a.<n>      answers got, about one second's worth each (an app catalog and rows)
 * Every write stores a new part together with the head that counts it, so a head never counts a
 * part that is not there. Read back, anything that does not read, or belongs to other settings,
 * means no checkpoint: the check starts over, which loses time and nothing else.
 */

export const CHECKPOINT_VERSION = 1;
/** A checkpoint not written for this long is not resumed: its listing is too old to build on. */
export const CHECKPOINT_MAX_IDLE_MS = 2 * 60 * 60_000;
/** At most this many parts of answers (a check of 100,000 accounts at the highest budget writes fewer). */
const MAX_CHUNKS = 100_000;

export const HEAD = "head";
export const pagePart = (page: number): string => `p.${page}`;
export const answersPart = (n: number): string => `a.${n}`;

interface Head {
  v: number;
  source: string;
  startedAt: number;
  at: number;
  cursor: number;
  requests: number;
  listing: ListingProgress;
  chunks: number;
}

// Read back by these guards (their zod twins are in test/unit/support/schemas.ts).
const count: Guard<number> = (value) => (Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined);
const readProgress: Guard<ListingProgress> = object({ pages: count, done: bool, total: optional(num), changed: bool, skipped: count, maxPages: count, announced: optional(num) });
export const readCheckpointHead: Guard<Head> = object({ v: num, source: str, startedAt: num, at: num, cursor: count, requests: count, listing: readProgress, chunks: count });
const readIndices = arrayOf(count);
export const readListingPart = object({ apps: arrayOf(readAppRecord), rows: arrayOf(object({ i: str, n: optional(str), h: optional(readIndices) })) });
export const readAnswersPart = object({
  apps: arrayOf(readAppRecord),
  rows: arrayOf(object({ i: str, r: optional(readIndices), h: optional(readIndices), s: optional(count), e: optional(readErrorInfo) })),
});

/**
 * The checkpoint a check of `settings` may carry on from, read from its stored parts; undefined
 * when there is none to resume (none kept, other settings, too old, or damaged).
 */
export function readCheckpoint(raw: Readonly<Record<string, unknown>>, settings: CheckSettings, now: number): Resumed | undefined {
  const head = readCheckpointHead(raw[HEAD]);
  if (!head || head.v !== CHECKPOINT_VERSION || head.source !== sourceKey(settings)) return undefined;
  if (!(now - head.at <= CHECKPOINT_MAX_IDLE_MS) || head.listing.pages > MAX_LISTING_PAGES || head.chunks > MAX_CHUNKS) return undefined;
  const pages: Listed[][] = [];
  for (let page = 1; page <= head.listing.pages; page++) {
    const accounts = decodePage(raw[pagePart(page)]);
    if (!accounts) return undefined;
    pages.push(accounts);
  }
  const answers = new Map<string, Outcome>();
  for (let n = 0; n < head.chunks; n++) {
    const chunk = decodeAnswers(raw[answersPart(n)]);
    if (!chunk) return undefined;
    for (const [id, outcome] of chunk) answers.set(id, outcome);
  }
  return { startedAt: head.startedAt, cursor: head.cursor, requests: head.requests, listing: head.listing, pages, answers, chunks: head.chunks };
}

/**
 * Whether a check that ended with this status leaves its checkpoint for the next run: when a
 * failure that may pass by itself stopped it (a rate limit, the network down), the next run
 * carries on; anything else (done, or waiting for the user) ends it.
 */
export function keepsCheckpoint(status: Status): boolean {
  return status.error !== undefined && isTransient(status.error.kind);
}

/** Only answers that stay true are kept; a failure that may pass is asked again by the next run. */
function keepable(outcome: Outcome): boolean {
  return outcome.ok || (!isTransient(outcome.error.kind) && !stopsWholeCheck(outcome.error.kind));
}

/**
 * What a check tells its checkpoint as it goes (see the file comment). Writes go one after the
 * other; a write that fails (a full storage) ends the keeping, never the check.
 */
export class CheckJournal implements Journal {
  readonly #io: CheckpointIO | undefined;
  readonly #head: Head;
  readonly #now: () => number;
  readonly #requests: () => number;
  #pending = new Map<string, Outcome>();
  #writing: Promise<void> = Promise.resolve();
  #broken = false;

  constructor(options: { io: CheckpointIO | undefined; resumed: Resumed | undefined; source: string; cursor: number; now: () => number; requests: () => number }) {
    const { io, resumed, now } = options;
    this.#io = io;
    this.#now = now;
    this.#requests = options.requests;
    const fresh = { startedAt: now(), cursor: options.cursor, listing: { pages: 0, done: false, changed: false, skipped: 0, maxPages: MAX_LISTING_PAGES }, chunks: 0 };
    const from = resumed ?? fresh;
    this.#head = { v: CHECKPOINT_VERSION, source: options.source, startedAt: from.startedAt, at: now(), cursor: from.cursor, requests: 0, listing: from.listing, chunks: from.chunks };
  }

  get startedAt(): number {
    return this.#head.startedAt;
  }

  get cursor(): number {
    return this.#head.cursor;
  }

  listed(page: number, accounts: Listed[], progress: ListingProgress): Promise<void> {
    this.#head.listing = progress;
    return this.#put({ [pagePart(page)]: encodePage(accounts) });
  }

  answered(id: string, outcome: Outcome): void {
    if (this.#io && !this.#broken && keepable(outcome)) this.#pending.set(id, outcome);
  }

  flush(): Promise<void> {
    if (this.#pending.size === 0) return this.#writing;
    const part = encodeAnswers(this.#pending);
    this.#pending = new Map();
    return this.#put({ [answersPart(this.#head.chunks++)]: part });
  }

  #put(entries: Record<string, unknown>): Promise<void> {
    const io = this.#io;
    if (!io || this.#broken) return this.#writing;
    const write = { ...entries, [HEAD]: { ...this.#head, at: this.#now(), requests: this.#requests() } };
    this.#writing = this.#writing.then(() =>
      this.#broken
        ? undefined
        : io.put(write).catch(() => {
            this.#broken = true;
          }),
    );
    return this.#writing;
  }
}

/** Apps as numbers into a catalog of the part's own: a page's hundred accounts share a few apps. */
class AppCatalog {
  readonly apps: AppRecord[] = [];
  readonly #index = new Map<string, number>();

  refs(apps: readonly AppRecord[]): number[] {
    return apps.map((app) => {
      const record: AppRecord = { slug: app.slug, name: app.name };
      if (app.icon !== undefined) record.icon = app.icon;
      if (app.authType !== undefined) record.authType = app.authType;
      const key = JSON.stringify([record.slug, record.name, record.icon, record.authType]);
      let index = this.#index.get(key);
      if (index === undefined) {
        index = this.apps.push(record) - 1;
        this.#index.set(key, index);
      }
      return index;
    });
  }
}

function encodePage(accounts: readonly Listed[]): unknown {
  const catalog = new AppCatalog();
  const rows = accounts.map((account) => ({
    i: account.id,
    ...(account.name === undefined ? {} : { n: account.name }),
    ...(account.healthy ? { h: catalog.refs(account.healthy) } : {}),
  }));
  return { apps: catalog.apps, rows };
}

function decodePage(raw: unknown): Listed[] | undefined {
  const page = readListingPart(raw);
  if (!page) return undefined;
  const accounts: Listed[] = [];
  for (const row of page.rows) {
    const account: Listed = { id: row.i };
    if (row.n !== undefined) account.name = row.n;
    if (row.h) {
      const healthy = appsAt(page.apps, row.h);
      if (!healthy) return undefined;
      account.healthy = healthy;
    }
    accounts.push(account);
  }
  return accounts;
}

function encodeAnswers(answers: ReadonlyMap<string, Outcome>): unknown {
  const catalog = new AppCatalog();
  const rows = [...answers].map(([id, outcome]) =>
    outcome.ok
      ? { i: id, r: catalog.refs(outcome.reauth), h: catalog.refs(outcome.healthy), ...(outcome.skipped > 0 ? { s: outcome.skipped } : {}) }
      : { i: id, e: outcome.error.info(0) },
  );
  return { apps: catalog.apps, rows };
}

function decodeAnswers(raw: unknown): Map<string, Outcome> | undefined {
  const part = readAnswersPart(raw);
  if (!part) return undefined;
  const answers = new Map<string, Outcome>();
  for (const row of part.rows) {
    if (row.e) {
      const { kind, at: _at, ...params } = row.e;
      answers.set(row.i, { ok: false, error: new ApiError(kind, params) });
      continue;
    }
    const reauth = appsAt(part.apps, row.r ?? []);
    const healthy = appsAt(part.apps, row.h ?? []);
    if (!reauth || !healthy) return undefined;
    answers.set(row.i, { ok: true, reauth, healthy, skipped: row.s ?? 0 });
  }
  return answers;
}

function appsAt(apps: readonly AppRecord[], refs: readonly number[]): AppRecord[] | undefined {
  const out: AppRecord[] = [];
  for (const ref of refs) {
    const app = apps[ref];
    if (!app) return undefined;
    out.push({ ...app });
  }
  return out;
}
