import { ADVICE, FAILURE_TITLE } from "./failures.ts";
import { relayAsksAgainText, relayWaitText } from "./format.ts";
import type { AnswerName, ErrorInfo, ErrorKind } from "../api/errors.ts";
import type { MessageKey } from "../i18n/keys.ts";
import type { Translator } from "../i18n/translator.ts";

/*
 * A stored failure (kind + parameters) in words, in the language of the moment: the title (the
 * tooltip's phrase, the banner's heading), what the user can do, and what happened.
 */

export function errorTitle(t: Translator, kind: ErrorKind): string {
  return t.msg(FAILURE_TITLE[kind]);
}

/** The title as a sentence: "Cobalt's server is failing: retrying." */
export function errorTitleSentence(t: Translator, kind: ErrorKind): string {
  return t.msg("errorTitleSentence", { title: errorTitle(t, kind) });
}

/** What the user can do; a relay source not set up needs its URL and token, not a Cobalt key. */
export function errorAdvice(t: Translator, kind: ErrorKind, cause?: ErrorInfo["cause"]): string {
  if (kind === "not-set-up" && (cause === "no-token" || cause === "no-relay-url")) return t.msg("errorNotSetUpRelayAdvice");
  return t.msg(ADVICE[kind]);
}

/**
 * What happened, or the title sentence when nothing more is known: the words that stood where
 * older versions showed their stored `message` (a row's failure, an account's note).
 */
export function errorMessage(t: Translator, error: ErrorInfo): string {
  return errorDetail(t, error) || errorTitleSentence(t, error.kind);
}

/** The title sentence, then what happened when there is more to say. */
export function errorSummary(t: Translator, error: ErrorInfo): string {
  const title = errorTitleSentence(t, error.kind);
  const detail = errorDetail(t, error);
  return detail === "" ? title : t.msg("joinSentences", { first: title, second: detail });
}

/**
 * What happened, from the stored parameters: Cobalt's own words quoted, the HTTP status, the
 * origin, the account. "" when the title says all that is known (an entry an older version
 * stored, whose English sentence was dropped when read, say).
 */
export function errorDetail(t: Translator, error: ErrorInfo): string {
  const what = whatHappened(t, error);
  if (what === undefined) return "";
  // Phrases that carry their own particulars take neither the status nor Cobalt's words.
  if (what.whole) return t.msg("errorDetailPlain", { what: what.text });
  const { status, detail } = error;
  const code = status === undefined ? undefined : String(status);
  if (code !== undefined && detail !== undefined) return t.msg("errorDetailStatusQuote", { what: what.text, status: code, quote: detail });
  if (code !== undefined) return t.msg("errorDetailStatus", { what: what.text, status: code });
  if (detail !== undefined) return t.msg("errorDetailQuote", { what: what.text, quote: detail });
  return t.msg("errorDetailPlain", { what: what.text });
}

interface What {
  text: string;
  /** Says all there is: no status or quote follows. */
  whole: boolean;
}

const whole = (text: string): What => ({ text, whole: true });
const framed = (text: string): What => ({ text, whole: false });

function whatHappened(t: Translator, error: ErrorInfo): What | undefined {
  switch (error.kind) {
    case "not-set-up":
      if (error.cause === "no-token") return whole(t.msg("errorNotSetUpNoToken"));
      if (error.cause === "no-relay-url") return whole(t.msg("errorNotSetUpNoRelayUrl"));
      if (error.cause === "no-key") return whole(t.msg("errorNotSetUpNoKey"));
      return error.cause === "no-base-url" ? whole(t.msg("errorNotSetUpNoBaseUrl")) : undefined;
    case "unauthorized":
      return framed(t.msg("errorUnauthorizedDetail"));
    case "forbidden":
      return framed(t.msg("errorForbiddenDetail"));
    case "permission":
      return error.origin === undefined ? undefined : whole(t.msg("errorPermissionDetail", { origin: error.origin }));
    case "not-found":
      if (error.cause === "relay-not-listed") return whole(t.msg("errorRelayNotListed"));
      if (error.cause === "no-account" && error.accountId !== undefined) return whole(t.msg("errorNotFoundAccount", { id: error.accountId }));
      return framed(t.msg("errorNotFoundDetail"));
    case "rate-limited":
      return framed(t.msg("errorRateLimitedDetail"));
    case "bad-request":
      return framed(t.msg("errorBadRequestDetail"));
    case "server":
      // Without Cobalt's words, the answer was not Cobalt's: a proxy's or gateway's page.
      if (error.detail === undefined && error.status !== undefined) return whole(t.msg("errorServerNotJson", { status: String(error.status) }));
      return framed(t.msg("errorServerDetail"));
    case "bad-response":
      return badResponse(t, error);
    case "timeout":
      return error.seconds === undefined ? undefined : whole(t.plural("errorTimeoutDetail", error.seconds));
    case "network":
      return whole(t.msg("errorNetworkDetail"));
    case "redirected":
      return whole(error.origin === undefined ? t.msg("errorRedirectedElsewhere") : t.msg("errorRedirectedDetail", { origin: error.origin }));
    case "storage":
      return framed(t.msg("errorStorageDetail"));
    case "unexpected":
      return unexpectedWords(t, error.cause);
    default:
      return relayHappened(t, error);
  }
}

/** An unexpected failure: ours to word when its cause is known. */
function unexpectedWords(t: Translator, cause: ErrorInfo["cause"]): What {
  if (cause === "tab-not-opened") return whole(t.msg("errorTabNotOpened"));
  if (cause === "policy-no-keys") return whole(t.msg("errorPolicyNoKeys"));
  if (cause === "policy-managed-relay") return whole(t.msg("errorPolicyManagedRelay"));
  return framed(t.msg("errorUnexpectedDetail"));
}

/** A relay source's failures (see ERROR_KINDS): the relay's words are never shown, only ours. */
function relayHappened(t: Translator, error: ErrorInfo): What | undefined {
  switch (error.kind) {
    case "relay-unreachable":
      return error.status === undefined ? whole(t.msg("errorRelayUnreachableDetail")) : framed(t.msg("errorRelayGatewayDetail"));
    case "relay-token-rejected":
      return framed(t.msg("errorRelayTokenRejectedDetail"));
    case "relay-rate-limited":
      // The relay's own answer: too many requests from here, or no room in its budget for Cobalt now.
      if (error.status === 429) return whole(error.retryAfterMs === undefined ? t.msg("errorRelayTooManyDetail") : relayWaitText(t, error.at + error.retryAfterMs, error.at));
      if (error.retryAfterMs !== undefined) return whole(relayAsksAgainText(t, error.at + error.retryAfterMs, error.at));
      return whole(t.msg("errorRelayRateLimitedDetail"));
    case "relay-cobalt":
      return framed(t.msg(upstreamWords(error.upstream)));
    case "relay-bad-response":
      if (error.origin !== undefined) return whole(t.msg("errorRelayRedirected", { origin: error.origin }));
      return framed(t.msg("errorRelayBadResponseDetail"));
    default:
      return undefined;
  }
}

function upstreamWords(upstream: ErrorKind | undefined): MessageKey {
  if (upstream === "unauthorized" || upstream === "forbidden") return "errorRelayCobaltKey";
  if (upstream === "network" || upstream === "timeout" || upstream === "server" || upstream === "redirected") return "errorRelayCobaltDown";
  return "errorRelayCobaltOther";
}

const ANSWER: Record<AnswerName, MessageKey> = {
  "linked-accounts": "errorAnswerLinkedAccounts",
  "oauth-url": "errorAnswerOAuthUrl",
  "session-token": "errorAnswerSessionToken",
  "connect-url": "errorAnswerConnectUrl",
};

function badResponse(t: Translator, error: ErrorInfo): What | undefined {
  const { pages } = error;
  switch (error.cause) {
    case "not-a-list":
      return whole(t.msg("errorBadResponseNotList"));
    case "bad-shape": {
      if (error.answer === undefined) return undefined;
      const answer = t.msg(ANSWER[error.answer]);
      return whole(error.path === undefined ? t.msg("errorBadResponseShape", { answer }) : t.msg("errorBadResponseShapeAt", { answer, path: error.path }));
    }
    case "not-json":
      return whole(error.detail === undefined ? t.msg("errorBadResponseEmpty") : t.msg("errorBadResponseNotJson", { start: error.detail }));
    case "too-large":
      return error.megabytes === undefined ? undefined : whole(t.msg("errorBadResponseTooLarge", { megabytes: error.megabytes }));
    case "listing-too-long":
      return pages === undefined ? undefined : whole(t.plural("errorBadResponseListingTooLong", pages));
    case "listing-over-announced":
      return pages === undefined ? undefined : whole(t.plural("errorBadResponseListingOverAnnounced", pages));
    case "not-web-link":
      return whole(t.msg("errorBadResponseNotWebLink"));
    default:
      return undefined;
  }
}
