import type { BaseUrlProblem } from "../kit/url.ts";

/*
 * The rules for what a user types as linked account IDs, shared by the options form and the
 * reading of settings stored by older versions (which kept the field's raw text).
 */

export function parseLinkedAccountIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((id) => id !== ""))];
}

const MAX_ID_LENGTH = 200;

/** Why a linked account ID cannot be used, as data (worded by problemText in core/words/problems.ts). */
export type IdProblem = { code: "id-too-long"; start: string; max: number } | { code: "id-control"; id: string };

/** Why an ID cannot be used, or undefined. IDs are sent percent-encoded, so any text is possible;
 * control characters and absurd lengths are typing accidents, not IDs. */
export function linkedAccountIdProblem(id: string): IdProblem | undefined {
  if (id.length > MAX_ID_LENGTH) return { code: "id-too-long", start: id.slice(0, 20), max: MAX_ID_LENGTH };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return { code: "id-control", id };
  return undefined;
}

/** What is wrong with a field, as data: the options page words it (problemText) when it shows it. */
export type FormProblem =
  | { code: "label-too-long"; max: number }
  | { code: "key-missing" }
  | { code: "key-spaces" }
  | { code: "key-characters" }
  | BaseUrlProblem
  | IdProblem
  | { code: "interval-range"; min: number; max: number }
  | { code: "budget-range"; min: number; max: number }
  /** The relay URL breaks the base URL's rules; worded for the relay. */
  | { code: "relay-url"; problem: BaseUrlProblem }
  | { code: "token-missing" }
  | { code: "token-characters" }
  /** Save asked for access to the base URL's origin, and the user said no. */
  | { code: "permission-denied"; origin: string };

/**
 * Whether the live check may send a key (or member token) to this address as it is typed. Only
 * to an address the user has finished and confirmed: the one saved for this source, or one of
 * Cobalt's own. A broad host permission lets the extension reach any https host, and a host typed
 * halfway (`https://api.gocob`) or mistyped is someone else's: the key would go there at the
 * pause. Any other address is checked by Save, which asks for it first.
 */
export function mayCheckLive(typed: string, confirmed: readonly string[]): boolean {
  return typed !== "" && confirmed.includes(typed);
}
