import type { ErrorKind } from "../api/errors.ts";
import type { MessageKey } from "../i18n/keys.ts";

/** Each failure's short title: the badge tooltip's phrase and the banner's heading. */
export const FAILURE_TITLE: Record<ErrorKind, MessageKey> = {
  "not-set-up": "errorNotSetUpTitle",
  unauthorized: "errorUnauthorizedTitle",
  forbidden: "errorForbiddenTitle",
  permission: "errorPermissionTitle",
  "not-found": "errorNotFoundTitle",
  "bad-request": "errorBadRequestTitle",
  "rate-limited": "errorRateLimitedTitle",
  server: "errorServerTitle",
  "bad-response": "errorBadResponseTitle",
  timeout: "errorTimeoutTitle",
  network: "errorNetworkTitle",
  redirected: "errorRedirectedTitle",
  storage: "errorStorageTitle",
  unexpected: "errorUnexpectedTitle",
  "relay-unreachable": "errorRelayUnreachableTitle",
  "relay-token-rejected": "errorRelayTokenRejectedTitle",
  "relay-rate-limited": "errorRelayRateLimitedTitle",
  "relay-cobalt": "errorRelayCobaltTitle",
  "relay-bad-response": "errorRelayBadResponseTitle",
};

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
