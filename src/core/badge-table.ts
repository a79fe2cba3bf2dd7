import type { ErrorKind } from "./api/errors.ts";
import type { MessageKey } from "./i18n/keys.ts";

/*
 * What the badge shows in each state, as data. core/badge.ts picks the row; adapters/badge.ts
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
  /** The failure's short title: the tooltip's phrase and the banner's heading. */
  title: MessageKey;
  /** Whether a known count keeps being shown (grey) instead of the symbol. */
  keepsCount: boolean;
}

export const FAILURE_BADGE: Record<ErrorKind, FailureRow> = {
  "not-set-up": { text: "SET", color: "#b06000", title: "errorNotSetUpTitle", keepsCount: false },
  unauthorized: { text: "KEY", color: "#a50e0e", title: "errorUnauthorizedTitle", keepsCount: false },
  forbidden: { text: "DENY", color: "#a50e0e", title: "errorForbiddenTitle", keepsCount: false },
  permission: { text: "PERM", color: "#b06000", title: "errorPermissionTitle", keepsCount: false },
  "not-found": { text: "404", color: "#b06000", title: "errorNotFoundTitle", keepsCount: true },
  "bad-request": { text: "ERR", color: "#b06000", title: "errorBadRequestTitle", keepsCount: true },
  "rate-limited": { text: "WAIT", color: "#7b5800", title: "errorRateLimitedTitle", keepsCount: true },
  server: { text: "5XX", color: "#5f6368", title: "errorServerTitle", keepsCount: true },
  "bad-response": { text: "?", color: "#5f6368", title: "errorBadResponseTitle", keepsCount: true },
  timeout: { text: "SLOW", color: "#5f6368", title: "errorTimeoutTitle", keepsCount: true },
  network: { text: "OFF", color: "#5f6368", title: "errorNetworkTitle", keepsCount: true },
  redirected: { text: "3XX", color: "#b06000", title: "errorRedirectedTitle", keepsCount: true },
  storage: { text: "FULL", color: "#b06000", title: "errorStorageTitle", keepsCount: true },
  unexpected: { text: "BUG", color: "#8430ce", title: "errorUnexpectedTitle", keepsCount: true },
  "relay-unreachable": { text: "RLY", color: "#5f6368", title: "errorRelayUnreachableTitle", keepsCount: true },
  "relay-token-rejected": { text: "TOK", color: "#a50e0e", title: "errorRelayTokenRejectedTitle", keepsCount: false },
  "relay-rate-limited": { text: "WAIT", color: "#7b5800", title: "errorRelayRateLimitedTitle", keepsCount: true },
  "relay-cobalt": { text: "CBLT", color: "#b06000", title: "errorRelayCobaltTitle", keepsCount: true },
  "relay-bad-response": { text: "?", color: "#5f6368", title: "errorRelayBadResponseTitle", keepsCount: true },
};
