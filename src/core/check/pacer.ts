/**
 * Spreads requests evenly over time instead of bursting: each request takes the next free slot,
 * one slot every 60/requestsPerMinute seconds. Shared by the concurrent workers of one check.
 */
export class Pacer {
  #intervalMs: number;
  #nextSlot = 0;
  #pauses = 0;
  #pausedUntil = 0;

  constructor(
    requestsPerMinute: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.#intervalMs = 60_000 / requestsPerMinute;
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

  /** Called on a throttling answer: halve the pace for the rest of the check, and pause. */
  slowDown(pauseMs: number): void {
    const now = this.now();
    // Concurrent requests throttled together are one signal: halve the pace once per pause.
    if (now >= this.#pausedUntil) this.#intervalMs *= 2;
    this.#pauses++;
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pauseMs);
    this.#nextSlot = Math.max(this.#nextSlot, this.#pausedUntil);
  }
}
