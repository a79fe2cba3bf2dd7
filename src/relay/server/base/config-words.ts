import type { BaseUrlProblem } from "../../../core/kit/url.ts";
import type { IdProblem } from "../../../core/settings/form-rules.ts";
import type { z } from "../../../core/kit/zod.ts";

/*
 * What the relay says about a bad configuration: the field and what is expected, never the value
 * found there. A value may be a key pasted into the wrong field, and these messages end up in
 * terminals, container logs and support tickets.
 */

/**
 * Whether an address holds a Cobalt key (pasted into the wrong field): the source's own key
 * anywhere in it, or a host of one word without dots that reads like a key: `tk` or `pk` then
 * letters and digits (Cobalt's keys are `tk`/`pk` and a UUID), or 24 or more of them. Such a host
 * would otherwise be taken for a machine on the local network, and the key sent to it.
 */
export function looksLikeKey(value: string, apiKey: string): boolean {
  if (apiKey.length >= 8 && value.includes(apiKey)) return true;
  const host = value.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").split(/[/:?#@]/)[0] ?? "";
  if (host.includes(".") || !/\d/.test(host) || !/[a-z]/i.test(host)) return false;
  return /^(tk|pk)[\w-]{6,}$/i.test(host) || host.length >= 24;
}

export function keyAsAddressText(where: string, keyField: string): string {
  return `${where} looks like an API key, not an address (the value is not shown). Give the key in ${keyField}, and here the address of Cobalt's API (default https://api.gocobalt.io).`;
}

export function baseUrlProblemText(where: string, problem: BaseUrlProblem): string {
  switch (problem.code) {
    case "url-empty":
      return `${where} is empty: give the address of Cobalt's API, for example https://api.gocobalt.io.`;
    case "url-not-url":
      return `${where} is not a URL (the value is not shown): give an address like https://api.gocobalt.io.`;
    case "url-scheme":
      return `${where} must start with https:// (or http:// for a Cobalt on this computer).`;
    case "url-http-remote":
      return `${where} must start with https://: plain http:// would send the key unencrypted, so it is only for a Cobalt on this computer (localhost, 127.0.0.1 or [::1]).`;
    case "url-credentials":
      return `${where} has a user name or password in it: remove them (the key is sent separately).`;
    case "url-query":
      return `${where} has a ? or # part: remove it.`;
  }
}

/** `position` counts from 1, in the order the IDs were given. */
export function idProblemText(where: string, position: number, problem: IdProblem): string {
  return problem.code === "id-too-long"
    ? `${where}: linked account ID number ${position} is longer than ${problem.max} characters.`
    : `${where}: linked account ID number ${position} contains a control character.`;
}

/**
 * Says that the variable a field names is not set. A conventional name (capitals, digits,
 * underscores) is shown; anything else may be the key itself, typed where its variable's name
 * belongs, and is not.
 */
export function envNotSetText(name: string, field: string): string {
  if (/^[A-Z_][A-Z0-9_]{0,63}$/.test(name)) return `the environment variable ${name} (${field}) is not set`;
  return `the environment variable named in ${field} is not set (${field} takes the name of a variable, not the key itself)`;
}

export function describeIssues(path: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, 10).map((issue) => `  ${issue.path.map(fieldShown).join(".") || "(top level)"}: ${describeIssue(issue)}`);
  return `The config file ${path} is not valid:\n${lines.join("\n")}`;
}

/** A field's name from the file, unless it could be a value: one that holds digits, say. */
function fieldShown(key: PropertyKey): string {
  const name = String(key);
  return typeof key === "number" || /^[A-Za-z_]{1,40}$/.test(name) ? name : "(a field whose name is not shown)";
}

/** zod/mini carries no message texts; these say what is expected, never what was given. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys": {
      const shown = issue.keys.filter((key) => fieldShown(key) === key);
      const hidden = issue.keys.length - shown.length;
      const names = [...shown.map((key) => `"${key}"`), ...(hidden > 0 ? [`${hidden} whose name is not shown`] : [])];
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${names.join(", ")} (check the spelling)`;
    }
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "too_small":
      return issue.origin === "array" ? `needs at least ${issue.minimum} item(s)` : `must be at least ${issue.minimum}`;
    case "too_big":
      return `must be at most ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "invalid_union":
      return "has the wrong form (see docs/relay.md for this field)";
    default:
      return issue.message && issue.message !== "Invalid input" ? issue.message : "is not valid";
  }
}

/**
 * Where a text stops being JSON, as a line and a column (both from 1), or undefined when it is
 * JSON. JSON.parse's own message is never shown: it quotes the text around the error, and the
 * text may hold a key.
 */
export function jsonErrorAt(text: string): { line: number; column: number } | undefined {
  let offset: number;
  try {
    new JsonScanner(text).document();
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonStop)) return undefined;
    offset = error.offset;
  }
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

class JsonStop {
  constructor(readonly offset: number) {}
}

/** RFC 8259's grammar, read only to find the first place it is broken. */
class JsonScanner {
  #i = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.#value();
    this.#space();
    if (this.#i < this.text.length) this.#stop();
  }

  #stop(): never {
    throw new JsonStop(this.#i);
  }

  #space(): void {
    while (this.#i < this.text.length && " \t\n\r".includes(this.text[this.#i]!)) this.#i++;
  }

  #value(): void {
    this.#space();
    const char = this.text[this.#i];
    if (char === "{") return this.#sequence("}", () => this.#member());
    if (char === "[") return this.#sequence("]", () => this.#value());
    if (char === '"') return this.#string();
    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.#i)) {
        this.#i += word.length;
        return;
      }
    }
    const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = this.#i;
    if (!number.test(this.text)) this.#stop();
    this.#i = number.lastIndex;
  }

  /** An object's or an array's items, from its opening bracket to `close`. */
  #sequence(close: string, item: () => void): void {
    this.#i++;
    this.#space();
    if (this.text[this.#i] === close) {
      this.#i++;
      return;
    }
    for (;;) {
      item();
      this.#space();
      const char = this.text[this.#i];
      if (char === close) {
        this.#i++;
        return;
      }
      if (char !== ",") this.#stop();
      this.#i++;
      this.#space();
    }
  }

  #member(): void {
    if (this.text[this.#i] !== '"') this.#stop();
    this.#string();
    this.#space();
    if (this.text[this.#i] !== ":") this.#stop();
    this.#i++;
    this.#value();
  }

  #string(): void {
    this.#i++;
    for (;;) {
      const char = this.text[this.#i];
      if (char === undefined || char < " ") this.#stop();
      this.#i++;
      if (char === '"') return;
      if (char !== "\\") continue;
      const escape = this.text[this.#i];
      if (escape === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.#i + 1, this.#i + 5))) this.#i += 5;
      else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) this.#i++;
      else this.#stop();
    }
  }
}
