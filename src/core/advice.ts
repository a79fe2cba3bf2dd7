import type { ErrorKind } from "./api/errors.ts";
import type { MessageKey } from "./i18n/keys.ts";

/** What the user can do about each failure: the message the popup and options page show under its title. */
export const ADVICE: Record<ErrorKind, MessageKey> = {
  "not-set-up": "errorNotSetUpAdvice",
  unauthorized: "errorUnauthorizedAdvice",
  forbidden: "errorForbiddenAdvice",
  permission: "errorPermissionAdvice",
  "not-found": "errorNotFoundAdvice",
  "bad-request": "errorBadRequestAdvice",
  "rate-limited": "errorRateLimitedAdvice",
  server: "errorServerAdvice",
  "bad-response": "errorBadResponseAdvice",
  timeout: "errorTimeoutAdvice",
  network: "errorNetworkAdvice",
  redirected: "errorRedirectedAdvice",
  storage: "errorStorageAdvice",
  unexpected: "errorUnexpectedAdvice",
  "relay-unreachable": "errorRelayUnreachableAdvice",
  "relay-token-rejected": "errorRelayTokenRejectedAdvice",
  "relay-rate-limited": "errorRelayRateLimitedAdvice",
  "relay-cobalt": "errorRelayCobaltAdvice",
  "relay-bad-response": "errorRelayBadResponseAdvice",
};
