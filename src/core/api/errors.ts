/**
 * Every way a request to Cobalt can fail, as one closed union. The badge table, the popup banner
 * and the retry policy are all keyed on `kind`, so a new failure mode is a compile error until
 * every view knows about it.
 */
export const ERROR_KINDS = [
  "not-set-up",
  "unauthorized",
  "forbidden",
  "not-found",
  "rate-limited",
  "bad-request",
  "server",
  "bad-response",
  "timeout",
  "network",
  "permission",
  /** An exception that is not a failure of Cobalt's: a bug of the extension, most likely. */
  "unexpected",
  /** The browser refused to store the results (its storage quota is full). */
  "storage",
  /** The API base URL answered with a redirect, which is never followed (the key would go along). */
  "redirected",
  /*
   * A team relay source's own failures: the relay cannot be reached, refuses the
   * member token, is rate limited (by Cobalt, as its status says, or it asks this browser to slow
   * down: 429), cannot check Cobalt itself (`upstream`: how its check failed), or gave an answer
   * this version cannot read.
   */
  "relay-unreachable",
  "relay-token-rejected",
  "relay-rate-limited",
  "relay-cobalt",
  "relay-bad-response",
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Which of a kind's situations a failure was, when the kind has several ways to happen. */
export const ERROR_CAUSES = [
  /** not-set-up: there is no API key. */
  "no-key",
  /** not-set-up: the saved API base URL could not be used, and none replaces it. */
  "no-base-url",
  /** not-set-up: a relay source has no member token. */
  "no-token",
  /** not-set-up: a relay source has no relay URL (none entered, or the saved one could not be used). */
  "no-relay-url",
  /** not-found: the relay no longer lists the app (or account) a link was asked for. */
  "relay-not-listed",
  /** not-found: Cobalt does not know the linked account (`accountId`). */
  "no-account",
  /** bad-response: the list of applications was not a list. */
  "not-a-list",
  /** bad-response: an answer without the documented fields (`answer`, and `path` when known). */
  "bad-shape",
  /** bad-response: not JSON (`detail`: its first characters; absent when empty). */
  "not-json",
  /** bad-response: larger than the extension reads (`megabytes`). */
  "too-large",
  /** bad-response: the listing ran on past the most pages read (`pages`). */
  "listing-too-long",
  /** bad-response: the listing ran on past what it announced (`pages`: how many it announced). */
  "listing-over-announced",
  /** bad-response: a reconnect link that is not http(s). */
  "not-web-link",
  /** unexpected: the background could not open the reconnect tab (or did not answer). */
  "tab-not-opened",
  /** unexpected: the organisation's policy refused a save (a page out of date asked): no key sources. */
  "policy-no-keys",
  /** unexpected: the organisation's policy refused a save: that relay is set by the policy. */
  "policy-managed-relay",
] as const;

export type ErrorCause = (typeof ERROR_CAUSES)[number];

/** The answers of Cobalt's that are parsed against a schema, for a bad-shape failure. */
export const ANSWERS = ["linked-accounts", "oauth-url", "session-token", "connect-url"] as const;
export type AnswerName = (typeof ANSWERS)[number];

/**
 * What is known about a failure besides its kind, as data: the pages word it in the user's
 * language when they show it (core/words/error-text.ts), so nothing here is a sentence of ours.
 */
export interface ErrorParams {
  cause?: ErrorCause;
  /** The HTTP status of Cobalt's answer, when there was one. */
  status?: number;
  /** Words from elsewhere, shown quoted and never translated: Cobalt's error message, the start
   * of an answer that is not JSON, the browser's words for an exception. */
  detail?: string;
  /** Milliseconds Cobalt asked to wait (Retry-After), when it said so. */
  retryAfterMs?: number;
  /** The origin the failure is about: where a redirect pointed, or the API origin the extension may not reach. */
  origin?: string;
  /** The timeout, for a timeout. */
  seconds?: number;
  /** A number of pages, for a listing that ran on. */
  pages?: number;
  /** The size cap, for an answer that was too large. */
  megabytes?: number;
  /** The linked account the failure is about. */
  accountId?: string;
  answer?: AnswerName;
  /** Where in the answer the shape was wrong ("auth_url"). */
  path?: string;
  /** relay-cobalt: how the relay's own request to Cobalt failed. */
  upstream?: ErrorKind;
}

/** A failure as stored: its kind, when it happened, and its parameters. Never a sentence. */
export interface ErrorInfo extends ErrorParams {
  kind: ErrorKind;
  at: number;
}

/** Words a server gave (its error message, the start of an answer) are kept at most this long. */
export const MAX_DETAIL_LENGTH = 200;
/** What is held of them until scrubbed (see scrubbed): enough that no secret is cut in two at the
 * MAX_DETAIL_LENGTH a scrubbed text is cut to, little enough that a whole page is not kept. */
const HELD_DETAIL_LENGTH = 5 * MAX_DETAIL_LENGTH;

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly params: ErrorParams;
  constructor(
    readonly kind: ErrorKind,
    params: ErrorParams = {},
  ) {
    // For developers only (consoles, stack traces); users see the kind and params worded.
    super(params.status === undefined ? kind : `${kind} (HTTP ${params.status})`);
    this.params = params.detail !== undefined && params.detail.length > HELD_DETAIL_LENGTH ? { ...params, detail: params.detail.slice(0, HELD_DETAIL_LENGTH) } : params;
  }

  get status(): number | undefined {
    return this.params.status;
  }

  /** Milliseconds the server asked us to wait (Retry-After), when it said so. */
  get retryAfterMs(): number | undefined {
    return this.params.retryAfterMs;
  }

  /** What is stored of this failure, which happened `at`. */
  info(at: number): ErrorInfo {
    return { kind: this.kind, at, ...withoutUndefined(this.params) };
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

/** What stands for a secret taken out of a server's words (no letters: it is not a word to translate). */
export const SCRUBBED = "•••";
/** Shorter "secrets" are not keys (a test's placeholder): taking them out would garble the words. */
const MIN_SECRET_LENGTH = 8;

/**
 * The failure as it may be stored and shown: the words a server gave (Cobalt's message, the start
 * of an answer, where in it the shape was wrong) without any of `secrets` (the source's key or
 * member token, which a server may echo), then cut to MAX_DETAIL_LENGTH. Every other field is
 * ours (kinds, numbers, origins) and stays as it is.
 */
export function scrubbed(info: ErrorInfo, secrets: readonly string[]): ErrorInfo {
  if (info.detail === undefined && info.path === undefined) return info;
  const forms = secretForms(secrets);
  const out = { ...info };
  if (info.detail !== undefined) out.detail = cut(scrubText(info.detail, forms));
  if (info.path !== undefined) out.path = cut(scrubText(info.path, forms));
  return out;
}

/** The same failure, its server's words scrubbed of `secrets` (see scrubbed): for one shown, not stored. */
export function scrubbedError(error: ApiError, secrets: readonly string[]): ApiError {
  const { kind: _kind, at: _at, ...params } = scrubbed(error.info(0), secrets);
  return new ApiError(error.kind, params);
}

/** Each secret as it may come back: as sent, trimmed, and percent-encoded (in an echoed URL). */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    for (const form of [secret, secret.trim(), encodeURIComponent(secret.trim())]) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  }
  // Longest first, so a secret inside another is not taken out in part.
  return [...forms].sort((a, b) => b.length - a.length);
}

function scrubText(text: string, forms: readonly string[]): string {
  return forms.reduce((out, form) => out.split(form).join(SCRUBBED), text);
}

function cut(text: string): string {
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH - 1)}…` : text;
}

const TRANSIENT: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  "server",
  "timeout",
  "network",
  "rate-limited",
  "bad-response",
  // Retried with backoff too: a bug may depend on the data, storage may free up, and a redirect
  // is often a network's sign-in page that goes away once the user signs in.
  "unexpected",
  "storage",
  "redirected",
  // A relay that is down, limited or failing recovers on its own side; polling it is cheap.
  "relay-unreachable",
  "relay-rate-limited",
  "relay-cobalt",
  "relay-bad-response",
]);

/** Failures that may clear by themselves, so they are retried with backoff; the rest wait for the user. */
export function isTransient(kind: ErrorKind): boolean {
  return TRANSIENT.has(kind);
}

/** Failures that make every other request with the same key pointless. */
export function stopsWholeCheck(kind: ErrorKind): boolean {
  return kind === "unauthorized" || kind === "forbidden" || kind === "permission" || kind === "not-set-up" || kind === "relay-token-rejected";
}

/**
 * Anything thrown that is not already an ApiError. Network failures never get here (the client
 * turns them into ApiErrors where fetch is called), so this is never "offline": it is a full
 * storage, or a bug.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ApiError(isQuotaError(error) ? "storage" : "unexpected", { detail });
}

/** Chrome rejects with "QUOTA_BYTES quota exceeded" (or …_PER_ITEM); Firefox with a QuotaExceededError. */
function isQuotaError(error: unknown): boolean {
  if (!(error instanceof Error) && !(typeof DOMException !== "undefined" && error instanceof DOMException)) return false;
  const { name, message } = error as Error;
  return name === "QuotaExceededError" || /quota/i.test(message);
}
