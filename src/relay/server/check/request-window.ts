/**
 * A request refused a place because its turn is further away than the asker can wait (a member
 * waiting for a reconnect link); `waitMs` says when there would be room.
 */
export class BudgetFullError extends Error {
  override readonly name = "BudgetFullError";

  constructor(readonly waitMs: number) {
    super("The request budget is used up for now.");
  }
}

interface Waiter {
  urgent: boolean;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A source's request budget across everything the relay asks Cobalt with its key: full checks,
 * webhook re-checks and reconnect links. A full check paces itself (core Pacer); this rolling
 * one-minute window keeps the sum of all of them at or under `perMinute`, because the org's own
 * backend shares Cobalt's rate limit with the relay.
 *
 * Every request waits its turn for a place. A member's reconnect link goes ahead of the checks'
 * requests still waiting (a person is waiting for it), behind other links, and is refused at
 * once when its turn would come too late for the member to wait.
 */
export class RequestWindow {
  readonly #times: number[] = [];
  /** Urgent waiters first, then the rest; first come, first served within each. */
  readonly #queue: Waiter[] = [];
  #total = 0;
  #waking = false;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Waits for a place behind every request already waiting, then takes it. */
  acquire(): Promise<void> {
    return this.#enqueue(false);
  }

  /**
   * For a member waiting: a place ahead of the checks, or a BudgetFullError at once when the
   * turn is more than `maxWaitMs` away.
   */
  acquireUrgent(maxWaitMs: number): Promise<void> {
    const waitMs = this.urgentWaitMs(1);
    if (waitMs > maxWaitMs) return Promise.reject(new BudgetFullError(waitMs));
    return this.#enqueue(true);
  }

  /** Milliseconds until `count` urgent requests asked for now would all have their places (0: at once). */
  urgentWaitMs(count: number): number {
    const now = this.now();
    this.#prune(now);
    const last = this.#queue.filter((waiter) => waiter.urgent).length + count - 1;
    const free = this.perMinute - this.#times.length;
    if (last < free) return 0;
    // The place a request gets is the one the k-th oldest request in the window gives back.
    const k = last - free;
    if (k < this.#times.length) return this.#times[k]! + 60_000 - now;
    return (Math.floor(k / this.perMinute) + 1) * 60_000;
  }

  /** Requests made since the relay started, for the health figures and the bench. */
  get total(): number {
    return this.#total;
  }

  #enqueue(urgent: boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = { urgent, resolve, reject };
      const at = urgent ? this.#queue.findIndex((other) => !other.urgent) : -1;
      if (at < 0) this.#queue.push(waiter);
      else this.#queue.splice(at, 0, waiter);
      this.#pump();
    });
  }

  /** Gives free places to the waiters in turn; while some still wait, sleeps until the oldest place comes free. */
  #pump(): void {
    const now = this.now();
    this.#prune(now);
    while (this.#queue.length > 0 && this.#times.length < this.perMinute) {
      this.#times.push(now);
      this.#total++;
      this.#queue.shift()!.resolve();
    }
    if (this.#queue.length === 0 || this.#waking) return;
    this.#waking = true;
    this.sleep(Math.max(1, this.#times[0]! + 60_000 - now)).then(
      () => {
        this.#waking = false;
        this.#pump();
      },
      (error: unknown) => {
        // The runner is stopping: nobody waits any longer.
        this.#waking = false;
        for (const waiter of this.#queue.splice(0)) waiter.reject(error);
      },
    );
  }

  #prune(now: number): void {
    while (this.#times.length > 0 && this.#times[0]! <= now - 60_000) this.#times.shift();
  }
}
