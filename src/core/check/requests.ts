import { ApiError, toApiError } from "../api/errors.ts";
import { nextBackoff } from "./schedule.ts";
import type { Backoff, ErrorInfo } from "../status/model.ts";
import type { CheckContext } from "./context.ts";
import { MAX_INLINE_WAIT_MS, Pacer } from "./pacer.ts";

/** Throttling answers we absorb inside one check (waiting 2 s, then 4 s, unless told how long)
 * before ending the check and backing off; a user waiting on Refresh should not wait longer.
 * A Retry-After longer than MAX_INLINE_WAIT_MS ends the check at once; the next one starts after it. */
const THROTTLE_RETRIES = 2;
const THROTTLE_FIRST_WAIT_MS = 2_000;

/**
 * One check's traffic with Cobalt: every request takes its paced slot, throttling answers are
 * absorbed or end the check, and once something has stopped the check (`aborted`), no further
 * request is made, even by a worker that was already waiting for its slot.
 */
export class Requests {
  /** Requests made, retries included. */
  count = 0;
  /** Set by the first failure that makes every further request pointless. */
  aborted: ApiError | undefined;
  /** When the last throttling answer came: rate-limit backoffs are measured from it. */
  throttledAt: number | undefined;
  readonly #pacer: Pacer;

  constructor(private readonly ctx: CheckContext) {
    this.#pacer = new Pacer(ctx.settings.requestsPerMinute, ctx.now, ctx.sleep);
  }

  async call<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.#pacer.slot();
      // Another worker may have stopped the check while this one waited for its slot.
      if (this.aborted) throw this.aborted;
      this.count++;
      try {
        return await call();
      } catch (error) {
        const failure = toApiError(error);
        if (failure.kind !== "rate-limited") throw failure;
        const at = (this.throttledAt = this.ctx.now());
        const wait = failure.retryAfterMs ?? THROTTLE_FIRST_WAIT_MS * 2 ** attempt;
        // Best effort: failing to keep it must not turn a throttling answer into another failure.
        await Promise.resolve(this.ctx.onThrottle?.({ backoff: backoffAfter(this.ctx, failure, at)!, error: info(failure, at) })).catch(() => undefined);
        if (attempt >= THROTTLE_RETRIES || wait > MAX_INLINE_WAIT_MS) throw failure;
        this.#pacer.slowDown(wait);
      }
    }
  }
}

export function info(error: ApiError, at: number): ErrorInfo {
  return error.info(at);
}

export function backoffAfter(ctx: CheckContext, error: ApiError, at: number): Backoff | undefined {
  return nextBackoff(ctx.previous.backoff, error, ctx.settings.intervalMinutes, at, ctx.random);
}
