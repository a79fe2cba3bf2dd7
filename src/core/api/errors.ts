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
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly status?: number,
    /** Milliseconds the server asked us to wait (Retry-After), when it said so. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
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
]);

/** Failures that may clear by themselves, so they are retried with backoff; the rest wait for the user. */
export function isTransient(kind: ErrorKind): boolean {
  return TRANSIENT.has(kind);
}

/** Failures that make every other request with the same key pointless. */
export function stopsWholeCheck(kind: ErrorKind): boolean {
  return kind === "unauthorized" || kind === "forbidden" || kind === "permission" || kind === "not-set-up";
}

/**
 * Anything thrown that is not already an ApiError. Network failures never get here (the client
 * turns them into ApiErrors where fetch is called), so this is never "offline": it is a full
 * storage, or a bug.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isQuotaError(error)) return new ApiError("storage", `The browser refused to store the results: ${message}`);
  return new ApiError("unexpected", `Something went wrong inside the extension: ${message}`);
}

/** Chrome rejects with "QUOTA_BYTES quota exceeded" (or …_PER_ITEM); Firefox with a QuotaExceededError. */
function isQuotaError(error: unknown): boolean {
  if (!(error instanceof Error) && !(typeof DOMException !== "undefined" && error instanceof DOMException)) return false;
  const { name, message } = error as Error;
  return name === "QuotaExceededError" || /quota/i.test(message);
}
