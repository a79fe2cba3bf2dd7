/*
 * JSON text of a large record made a slice at a time. The relay serves every member from one
 * thread: the last status of 100,000 linked accounts is some 38 MB of JSON, and JSON.stringify
 * makes it in one go (a second or more on a busy machine), during which no poll is answered. Here
 * the large arrays and objects are walked entry by entry, each small entry made by JSON.stringify
 * itself, and the work gives way to waiting requests every few milliseconds. The text is the same
 * as JSON.stringify's of the same value, scrubbed of the secrets as scrubValue (records.ts) does.
 * It is given back in pieces of some 256 K characters, never as one string: joined, 40 million
 * characters take hundreds of milliseconds in one go, and their encoding as UTF-8 for the disk as
 * long again. The storage writes piece by piece (backend.ts).
 */

/** A container with more entries than this is walked entry by entry; a smaller one is made at once… */
const SMALL = 64;
/** …unless it is this near the top, where a small object holds the large ones (sources → status → accounts). */
const WALKED_LEVELS = 4;
/** How long the work runs before it lets waiting requests in. */
const SLICE_MS = 4;
/** Characters per piece of the text given back. */
export const PIECE_CHARS = 256 * 1024;

export interface SliceOptions {
  /** Replaces each secret in every string and key (the caller's scrub). */
  scrub: (value: unknown) => unknown;
  scrubText: (text: string) => string;
  /** Lets other work run; the default waits for the next turn of the event loop. */
  pause?: () => Promise<void>;
  now?: () => number;
}

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The text made so far: small parts, joined into a piece whenever they reach PIECE_CHARS. */
class Pieces {
  readonly #done: string[] = [];
  #pending: string[] = [];
  #chars = 0;

  push(...texts: string[]): void {
    for (const text of texts) {
      this.#pending.push(text);
      this.#chars += text.length;
    }
    if (this.#chars >= PIECE_CHARS) this.#close();
  }

  all(): string[] {
    this.#close();
    return this.#done;
  }

  #close(): void {
    if (this.#pending.length === 0) return;
    this.#done.push(this.#pending.join(""));
    this.#pending = [];
    this.#chars = 0;
  }
}

/** JSON.stringify(scrub(value)), made in slices, in pieces (joined, the same text). */
export async function slicedJson(value: unknown, options: SliceOptions): Promise<string[]> {
  const pause = options.pause ?? nextTurn;
  const now = options.now ?? (() => performance.now());
  const parts = new Pieces();
  let since = now();
  const giveWay = async () => {
    if (now() - since < SLICE_MS) return;
    await pause();
    since = now();
  };
  await write(value, parts, options, giveWay, 0, false);
  return parts.all();
}

type GiveWay = () => Promise<void>;

async function write(value: unknown, parts: Pieces, options: SliceOptions, giveWay: GiveWay, level: number, inArray: boolean): Promise<void> {
  const walked = (entries: number) => entries > SMALL || level < WALKED_LEVELS;
  if (Array.isArray(value) && walked(value.length)) return writeArray(value, parts, options, giveWay, level);
  if (isPlainObject(value) && walked(Object.keys(value).length)) return writeObject(value, parts, options, giveWay, level);
  const text = JSON.stringify(options.scrub(value));
  // As JSON.stringify: what has no JSON form is null in an array (an object's entry is left out before).
  parts.push(text === undefined ? (inArray ? "null" : "") : text);
}

async function writeArray(items: readonly unknown[], parts: Pieces, options: SliceOptions, giveWay: GiveWay, level: number): Promise<void> {
  parts.push("[");
  for (let at = 0; at < items.length; at++) {
    if (at > 0) parts.push(",");
    await write(items[at], parts, options, giveWay, level + 1, true);
    await giveWay();
  }
  parts.push("]");
}

async function writeObject(object: Record<string, unknown>, parts: Pieces, options: SliceOptions, giveWay: GiveWay, level: number): Promise<void> {
  parts.push("{");
  let first = true;
  for (const key of Object.keys(object)) {
    const inner = object[key];
    if (!hasJsonForm(inner)) continue;
    parts.push(first ? "" : ",", JSON.stringify(options.scrubText(key)), ":");
    first = false;
    await write(inner, parts, options, giveWay, level + 1, false);
    await giveWay();
  }
  parts.push("}");
}

/** JSON.stringify leaves out an object's entries whose value is undefined, a function or a symbol. */
function hasJsonForm(value: unknown): boolean {
  return value !== undefined && typeof value !== "function" && typeof value !== "symbol";
}

/** An object JSON.stringify writes key by key (not one with a toJSON of its own, such as a Date). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}
