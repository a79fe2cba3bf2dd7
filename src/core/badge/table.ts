import type { ErrorKind } from "../api/errors.ts";

/*
 * What the badge shows in each state, as data. badge.ts picks the row; adapters/badge.ts
 * applies it. Kept apart so the whole vocabulary can be read (and reviewed) in one place.
 */

export type Rgb = `#${string}`;

export const COUNT_COLOR: Rgb = "#c5221f";
/** A count that may be out of date because the last attempt failed. */
export const STALE_COUNT_COLOR: Rgb = "#5f6368";

export interface FailureRow {
  /**
   * Shown when there is no count to show, or the count cannot be trusted to update. The same in
   * every language: the badge has room for four narrow characters (a translated word rarely fits,
   * and CJK characters are unreadable at that size), README documents them, and the tooltip says
   * what they mean in the user's language.
   */
  text: string;
  color: Rgb;
  /** Whether a known count keeps being shown (grey) instead of the symbol. */
  keepsCount: boolean;
}

export const FAILURE_BADGE: Record<ErrorKind, FailureRow> = {
  "not-set-up": { text: "SET", color: "#b06000", keepsCount: false },
  unauthorized: { text: "KEY", color: "#a50e0e", keepsCount: false },
  forbidden: { text: "DENY", color: "#a50e0e", keepsCount: false },
  permission: { text: "PERM", color: "#b06000", keepsCount: false },
  "not-found": { text: "404", color: "#b06000", keepsCount: true },
  "bad-request": { text: "ERR", color: "#b06000", keepsCount: true },
  "rate-limited": { text: "WAIT", color: "#7b5800", keepsCount: true },
  server: { text: "5XX", color: "#5f6368", keepsCount: true },
  "bad-response": { text: "?", color: "#5f6368", keepsCount: true },
  timeout: { text: "SLOW", color: "#5f6368", keepsCount: true },
  network: { text: "OFF", color: "#5f6368", keepsCount: true },
  redirected: { text: "3XX", color: "#b06000", keepsCount: true },
  storage: { text: "FULL", color: "#b06000", keepsCount: true },
  unexpected: { text: "BUG", color: "#8430ce", keepsCount: true },
  "relay-unreachable": { text: "RLY", color: "#5f6368", keepsCount: true },
  "relay-token-rejected": { text: "TOK", color: "#a50e0e", keepsCount: false },
  "relay-rate-limited": { text: "WAIT", color: "#7b5800", keepsCount: true },
  "relay-cobalt": { text: "CBLT", color: "#b06000", keepsCount: true },
  "relay-bad-response": { text: "?", color: "#5f6368", keepsCount: true },
};
