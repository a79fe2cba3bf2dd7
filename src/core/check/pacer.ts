/**
 * The longest a check waits on its own inside one request's turn: a pause after a throttling
 * answer, or the pace after slowing down. A browser stops a background that made no extension
 * call for 30 s (Chrome's service worker; Firefox's event page likewise), and the check's result
 * would go with it; anything longer ends the check with a stored backoff instead.
 */
export const MAX_INLINE_WAIT_MS = 5_000;

/**
 * Spreads requests evenly over time instead of bursting: each request takes the next free slot,
 * one slot every 60/requestsPerMinute seconds. Shared by the concurrent workers of one check.
 */
export class Pacer {
  #intervalMs: number;
  /** Slowing down stops here, unless the budget itself asks for a slower pace. */
  readonly #slowestMs: number;
  #nextSlot = 0;
  #pauses = 0;
  #pausedUntil = 0;

  constructor(
    requestsPerMinute: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.#intervalMs = 60_000 / requestsPerMinute;
    this.#slowestMs = Math.max(this.#intervalMs, MAX_INLINE_WAIT_MS);
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  async slot(): Promise<void> {
    for (;;) {
      const now = this.now();
      const at = Math.max(now, this.#nextSlot);
      this.#nextSlot = at + this.#intervalMs;
      const pauses = this.#pauses;
      if (at > now) await this.sleep(at - now);
      // A throttling answer while this request waited: its slot was given at the old pace, so
      // it queues again behind the pause instead of firing into it.
      if (pauses === this.#pauses) return;
    }
  }

  /** Called on a throttling answer: halve the pace for the rest of the check (down to one request
   * every MAX_INLINE_WAIT_MS), and pause. */
  slowDown(pauseMs: number): void {
    const now = this.now();
    // Concurrent requests throttled together are one signal: halve the pace once per pause.
    if (now >= this.#pausedUntil) this.#intervalMs = Math.min(this.#intervalMs * 2, this.#slowestMs);
    this.#pauses++;
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pauseMs);
    this.#nextSlot = Math.max(this.#nextSlot, this.#pausedUntil);
  }
}
