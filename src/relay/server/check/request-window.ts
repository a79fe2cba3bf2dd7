/**
 * A source's request budget across everything the relay asks Cobalt with its key: full checks,
 * webhook re-checks and reconnect links. A full check paces itself (core Pacer); this rolling
 * one-minute window keeps the sum of all of them at or under `perMinute`, because the org's own
 * backend shares Cobalt's rate limit with the relay.
 */
export class RequestWindow {
  readonly #times: number[] = [];
  #total = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Waits for room in the window, then takes a place in it. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = this.now();
      this.#prune(now);
      if (this.#times.length < this.perMinute) {
        this.#record(now);
        return;
      }
      await this.sleep(Math.max(1, this.#times[0]! + 60_000 - now));
    }
  }

  /** Counts a request that may not wait (a member clicked Reconnect). */
  record(): void {
    this.#prune(this.now());
    this.#record(this.now());
  }

  /** Requests made since the relay started, for the health figures and the bench. */
  get total(): number {
    return this.#total;
  }

  #record(now: number): void {
    this.#times.push(now);
    this.#total++;
  }

  #prune(now: number): void {
    while (this.#times.length > 0 && this.#times[0]! <= now - 60_000) this.#times.shift();
  }
}
