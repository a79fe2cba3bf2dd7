import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Problem, RelayError, RelayErrorCode } from "../../protocol/v1.ts";

/**
 * Every refusal the relay answers has the protocol's one error shape, so the extension reads all
 * of them the same way; one that says when to try again says it in Retry-After too.
 */
export function fail(c: Context, status: ContentfulStatusCode, code: RelayErrorCode, extra: { problem?: Problem; retryAfterSeconds?: number } = {}): Response {
  const body: RelayError = { error: { code, ...extra } };
  if (extra.retryAfterSeconds !== undefined) c.header("Retry-After", String(extra.retryAfterSeconds));
  return c.json(body, status);
}
