/**
 * A discrete-event fake clock. `sleep` parks the caller until `run` advances time to its wake-up;
 * `run` only advances time once every pending microtask has settled, so concurrent workers
 * interleave as they would in real time (the earliest sleeper wakes first).
 */
export class FakeClock {
  #t: number;
  #seq = 0;
  #sleepers: { at: number; seq: number; resolve: () => void }[] = [];
  /** Every duration passed to sleep, in call order. */
  readonly sleeps: number[] = [];

  constructor(start = 0) {
    this.#t = start;
  }

  readonly now = (): number => this.#t;

  readonly sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise<void>((resolve) => {
      this.#sleepers.push({ at: this.#t + Math.max(0, ms), seq: this.#seq++, resolve });
    });
  };

  /** Moves time forward without waking anyone (time passing outside the code under test). */
  advance(ms: number): void {
    this.#t += ms;
  }

  /** Drives the clock until `promise` settles; fails if it waits on nothing. */
  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let step = 0; step < 100_000; step++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (settled) return promise;
      this.#sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.#sleepers.shift();
      if (!next) throw new Error("FakeClock: the promise is pending but nobody is sleeping (deadlock)");
      this.#t = Math.max(this.#t, next.at);
      next.resolve();
    }
    throw new Error("FakeClock: too many steps");
  }
}
