import type { ErrorKind } from "./api/errors.ts";

/*
 * What the badge shows in each state, as data. core/badge.ts picks the row; adapters/badge.ts
 * applies it. Kept apart so the whole vocabulary can be read (and reviewed) in one place.
 */

export type Rgb = `#${string}`;

export const COUNT_COLOR: Rgb = "#c5221f";
/** A count that may be out of date because the last attempt failed. */
export const STALE_COUNT_COLOR: Rgb = "#5f6368";

export interface FailureRow {
  /** Shown when there is no count to show, or the count cannot be trusted to update. */
  text: string;
  color: Rgb;
  /** Short phrase for the tooltip. */
  title: string;
  /** Whether a known count keeps being shown (grey) instead of the symbol. */
  keepsCount: boolean;
}

export const FAILURE_BADGE: Record<ErrorKind, FailureRow> = {
  "not-set-up": { text: "SET", color: "#b06000", title: "Not set up: finish the settings in Options", keepsCount: false },
  unauthorized: { text: "KEY", color: "#a50e0e", title: "API key rejected: enter a valid key in Options", keepsCount: false },
  forbidden: { text: "DENY", color: "#a50e0e", title: "Access refused for this API key", keepsCount: false },
  permission: { text: "PERM", color: "#b06000", title: "Permission to reach the API is missing: open the popup to grant it", keepsCount: false },
  "not-found": { text: "404", color: "#b06000", title: "Linked account not found", keepsCount: true },
  "bad-request": { text: "ERR", color: "#b06000", title: "Cobalt refused the request", keepsCount: true },
  "rate-limited": { text: "WAIT", color: "#7b5800", title: "Cobalt is rate limiting: waiting before the next check", keepsCount: true },
  server: { text: "5XX", color: "#5f6368", title: "Cobalt's server is failing: retrying", keepsCount: true },
  "bad-response": { text: "?", color: "#5f6368", title: "Cobalt's answer had an unexpected shape: retrying", keepsCount: true },
  timeout: { text: "SLOW", color: "#5f6368", title: "Cobalt did not answer in time: retrying", keepsCount: true },
  network: { text: "OFF", color: "#5f6368", title: "Cannot reach Cobalt (offline?): retrying", keepsCount: true },
  redirected: { text: "3XX", color: "#b06000", title: "The API base URL redirects elsewhere; the key is not sent there: retrying", keepsCount: true },
  storage: { text: "FULL", color: "#b06000", title: "The browser's storage for the extension is full: retrying", keepsCount: true },
  unexpected: { text: "BUG", color: "#8430ce", title: "Something went wrong inside the extension: retrying", keepsCount: true },
};

export const APP_NAME = "Cobalt Integration Status";
