/**
 * Token buckets by key (a client address, a member): `capacity` attempts at once, refilled at
 * `perMinute`. A key whose bucket is full again is forgotten, and the map is bounded, so a flood
 * of addresses costs memory only up to `maxKeys`.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perMinute: number,
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Seconds until `key` may try again; 0 when it may now. Takes nothing. */
  waitSeconds(key: string): number {
    const tokens = this.#tokens(key);
    if (tokens >= 1) return 0;
    return Math.max(1, Math.ceil(((1 - tokens) * 60) / this.perMinute));
  }

  /** Takes one token; false (and nothing taken) when there is none. */
  take(key: string): boolean {
    const tokens = this.#tokens(key);
    if (tokens < 1) return false;
    this.#buckets.delete(key);
    this.#buckets.set(key, { tokens: tokens - 1, at: this.now() });
    this.#bound();
    return true;
  }

  get size(): number {
    return this.#buckets.size;
  }

  #tokens(key: string): number {
    const bucket = this.#buckets.get(key);
    if (!bucket) return this.capacity;
    const refilled = bucket.tokens + ((this.now() - bucket.at) * this.perMinute) / 60_000;
    if (refilled >= this.capacity) {
      this.#buckets.delete(key);
      return this.capacity;
    }
    return refilled;
  }

  #bound(): void {
    if (this.#buckets.size <= this.maxKeys) return;
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= this.maxKeys) return;
      // Oldest first (Map keeps insertion order, and `take` re-inserts): the least recent go.
      this.#buckets.delete(key);
    }
  }
}
