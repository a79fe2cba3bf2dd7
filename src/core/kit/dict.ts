/*
 * Maps keyed by strings from outside (linked account IDs, app slugs), kept as plain objects
 * because they are stored and sent as JSON. An ordinary object inherits `constructor`,
 * `toString` and `hasOwnProperty`, and `__proto__` is not a key at all but its prototype: an
 * account of that ID would read another value or be lost. So these objects have no prototype,
 * and they are read by own property only (whatever made them: a spread, JSON, storage).
 */

export type Dict<T> = Record<string, T>;

/** An empty map, or one of these entries, without a prototype. */
export function dict<T>(entries: Iterable<readonly [string, T]> = []): Dict<T> {
  const out = Object.create(null) as Dict<T>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}

/** The value stored under `key` itself, never one an object inherits. */
export function own<T>(map: Readonly<Dict<T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
