import { REDACTED } from "../base/log.ts";
import { dict } from "../../../core/kit/dict.ts";
import type { StoreBackend } from "./backend.ts";
import { slicedJson, type SliceOptions } from "./sliced-json.ts";

/*
 * Typed records over either backend. Each kind says how its data is read back (untrusted: a file
 * can be edited by hand) and written (the file format an existing data folder already has).
 * Everything written is scrubbed of the relay's secrets first, whatever put them there: Cobalt
 * can echo the key in an error, and that error is part of the status kept here.
 */

/** A record kept as one document, replaced whole. */
export interface DocumentKind<T> {
  name: string;
  /** What a person calls it, in messages: "the members file". */
  label: string;
  empty(): T;
  /** The value, or what is wrong with it (naming the place, never a value). */
  parse(raw: unknown): { ok: true; value: T } | { ok: false; problem: string };
  encode(value: T): string;
  /**
   * For a record that can be large (the last status of every account): the value whose JSON is
   * written, made in slices so that the relay answers requests meanwhile (sliced-json.ts). The
   * text is what `encode` gives.
   */
  jsonOf?(value: T): unknown;
}

/** A record kept as a log of lines, appended to. */
export interface LogKind<T> {
  name: string;
  /** An entry, or undefined for a line that cannot be read (a torn write costs that line alone). */
  parse(raw: unknown): T | undefined;
  encode(entry: T): string;
}

/** A document that cannot be read: where it is and what is wrong, never what it holds. */
export class StoreFormatError extends Error {
  override readonly name = "StoreFormatError";
}

/** Read-modify-write gives up after this many writers came first in a row (never, in practice). */
const MAX_TRIES = 20;

export class Records {
  constructor(
    readonly backend: StoreBackend,
    private readonly secrets: readonly string[] = [],
  ) {}

  /** The document and its version; its empty value when there is none; StoreFormatError when damaged. */
  async read<T>(kind: DocumentKind<T>): Promise<{ value: T; version: string }> {
    const version = await this.backend.version(kind.name);
    const text = version === "none" ? undefined : await this.backend.read(kind.name);
    return { value: text === undefined ? kind.empty() : this.#parse(kind, text), version };
  }

  version(kind: DocumentKind<unknown>): Promise<string> {
    return this.backend.version(kind.name);
  }

  async write<T>(kind: DocumentKind<T>, value: T): Promise<void> {
    const text = kind.jsonOf ? await slicedJson(kind.jsonOf(value), this.#slicing()) : kind.encode(scrubValue(value, this.secrets));
    await this.backend.write(kind.name, text);
  }

  #slicing(): SliceOptions {
    const active = activeSecrets(this.secrets);
    return { scrub: (value) => scrubValue(value, active), scrubText: (text) => scrubText(text, active) };
  }

  /**
   * Changes the document from what it holds now: `change` returns the new value (or none to leave
   * it) and a result. If another writer came first, it runs again on what that one wrote, so two
   * commands adding members at the same moment both land.
   */
  async change<T, R>(kind: DocumentKind<T>, change: (value: T) => { value?: T; result: R }): Promise<R> {
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      const current = await this.read(kind);
      const outcome = change(current.value);
      if (outcome.value === undefined) return outcome.result;
      const text = kind.encode(scrubValue(outcome.value, this.secrets));
      if (await this.backend.replaceIf(kind.name, current.version, text)) return outcome.result;
    }
    throw new StoreFormatError(`${this.backend.where(kind.name)} kept changing while it was being written; try again.`);
  }

  async append<T>(kind: LogKind<T>, entry: T): Promise<void> {
    await this.backend.append(kind.name, kind.encode(scrubValue(entry, this.secrets)));
  }

  async entries<T>(kind: LogKind<T>): Promise<T[]> {
    const entries: T[] = [];
    for (const line of await this.backend.lines(kind.name)) {
      if (line.trim() === "") continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        continue;
      }
      const entry = kind.parse(raw);
      if (entry !== undefined) entries.push(entry);
    }
    return entries;
  }

  #parse<T>(kind: DocumentKind<T>, text: string): T {
    const where = this.backend.where(kind.name);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new StoreFormatError(`${capitalise(kind.label)} ${where} is not valid JSON${jsonPlace(text)}.`);
    }
    const parsed = kind.parse(raw);
    if (!parsed.ok) throw new StoreFormatError(`${capitalise(kind.label)} ${where} cannot be read: ${parsed.problem}.`);
    return parsed.value;
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** " (line L, column C)" of the first character JSON cannot take; never the text itself. */
function jsonPlace(text: string): string {
  if (text.trim() === "") return " (it is empty)";
  const offset = faultOffset(text);
  const before = text.slice(0, offset);
  return ` (line ${before.split("\n").length}, column ${offset - before.lastIndexOf("\n")})`;
}

/** The parser's own position when it gives one; else the end of the longest prefix that only stops too soon. */
function faultOffset(text: string): number {
  const said = /at position (\d+)/.exec(parseError(text));
  if (said) return Number(said[1]);
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (/end of (JSON )?(data|input)|Unterminated|^$/i.test(parseError(text.slice(0, middle)))) low = middle;
    else high = middle - 1;
  }
  return low;
}

function parseError(text: string): string {
  try {
    JSON.parse(text);
    return "";
  } catch (error) {
    return error instanceof Error ? error.message : "";
  }
}

/** `value` with every secret (of 4 characters or more) replaced in every string and key, however deep. */
export function scrubValue<T>(value: T, secrets: readonly string[]): T {
  const active = activeSecrets(secrets);
  if (active.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === "string") return scrubText(item, active);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === "object" && item !== null) {
      // No prototype: an account or app called __proto__ stays an entry (kit/dict.ts).
      const out = dict<unknown>();
      for (const [key, inner] of Object.entries(item)) out[scrubText(key, active)] = walk(inner);
      return out;
    }
    return item;
  };
  return walk(value) as T;
}

/** The secrets worth looking for: shorter ones would match ordinary words. */
function activeSecrets(secrets: readonly string[]): string[] {
  return secrets.filter((secret) => secret.length >= 4);
}

function scrubText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}
