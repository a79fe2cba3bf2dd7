/**
 * Token buckets by key (a client address, a member): `capacity` attempts at once, refilled at
 * `perMinute`. A key whose bucket is full again is forgotten, and the map is bounded, so a flood
 * of addresses costs memory only up to `maxKeys`. What a full map forgets first is the keys that
 * are not limited: a flood of new addresses must not set a limited one free.
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
    const refilled = this.#refilled(bucket, this.now());
    if (refilled >= this.capacity) {
      this.#buckets.delete(key);
      return this.capacity;
    }
    return refilled;
  }

  #refilled(bucket: { tokens: number; at: number }, now: number): number {
    return bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000;
  }

  /**
   * Down to nine tenths of `maxKeys` at once, so a flood costs one pass per tenth of the map:
   * first the keys that may still try (least recently used first: Map keeps insertion order and
   * `take` re-inserts), and only if that is not enough, the limited keys whose wait ends soonest.
   */
  #bound(): void {
    if (this.#buckets.size <= this.maxKeys) return;
    const target = Math.floor(this.maxKeys * 0.9);
    const now = this.now();
    const limited: { key: string; tokens: number }[] = [];
    for (const [key, bucket] of this.#buckets) {
      if (this.#buckets.size <= target) return;
      const tokens = this.#refilled(bucket, now);
      if (tokens >= 1) this.#buckets.delete(key);
      else limited.push({ key, tokens });
    }
    limited.sort((a, b) => b.tokens - a.tokens);
    for (const { key } of limited) {
      if (this.#buckets.size <= target) return;
      this.#buckets.delete(key);
    }
  }
}
