/**
 * Every way a request to Cobalt can fail, as one closed union. The badge table, the popup banner
 * and the retry policy are all keyed on `kind`, so a new failure mode is a compile error until
 * every view knows about it.
 */
export type ErrorKind =
  | "not-set-up"
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "rate-limited"
  | "bad-request"
  | "server"
  | "bad-response"
  | "timeout"
  | "network"
  | "permission";

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

/** Failures that clear by themselves; everything else waits for the user. */
export function isTransient(kind: ErrorKind): boolean {
  return kind === "server" || kind === "timeout" || kind === "network" || kind === "rate-limited" || kind === "bad-response";
}

/** Failures that make every other request with the same key pointless. */
export function stopsWholeCheck(kind: ErrorKind): boolean {
  return kind === "unauthorized" || kind === "forbidden" || kind === "permission" || kind === "not-set-up";
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError("network", `Unexpected failure: ${message}`);
}
