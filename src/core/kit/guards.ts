/*
 * Hand-written checks for what the extension reads back from storage. The popup must open on a
 * few kilobytes of JavaScript, and zod alone weighs twice that, so stored data is read with these
 * guards instead. Each stored shape's guard (status/stored.ts, store/rows.ts, alerts, preview) is
 * the twin of a zod schema in test/unit/support/schemas.ts, which states the same shape
 * declaratively: test/unit/core/kit/guards.test.ts runs both over the same inputs (valid, damaged
 * and hostile ones) and requires the same result, so they cannot drift apart.
 *
 * A guard returns the value as the zod schema outputs it (unknown keys dropped, transforms
 * applied), or undefined when the schema would reject it. No guard accepts undefined as a value.
 */

export interface Guard<T> {
  (value: unknown): T | undefined;
  /** In an object: the key may be missing (zod's optional). */
  readonly optional?: boolean;
  /** In an object: a value that does not read is dropped, not a failure (zod's catch(optional(…), undefined)). */
  readonly tolerant?: boolean;
}

type Shape = Record<string, Guard<unknown>>;
type Required<S extends Shape> = { [K in keyof S as S[K] extends { optional: true } ? never : K]: S[K] extends Guard<infer T> ? T : never };
type Optional<S extends Shape> = { [K in keyof S as S[K] extends { optional: true } ? K : never]?: S[K] extends Guard<infer T> ? T : never };
export type Shaped<S extends Shape> = Required<S> & Optional<S>;

export const str: Guard<string> = (value) => (typeof value === "string" ? value : undefined);
/** zod's number: finite, never NaN. */
export const num: Guard<number> = (value) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);
export const bool: Guard<boolean> = (value) => (typeof value === "boolean" ? value : undefined);
/** Anything at all (zod's unknown); only in an optional field, as undefined is not a value here. */
export const anything: Guard<unknown> = (value) => value;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function optional<T>(guard: Guard<T>): Guard<T> & { optional: true } {
  return Object.assign((value: unknown) => guard(value), { optional: true as const });
}

/** Optional, and a value that does not read is left out rather than failing the object. */
export function tolerant<T>(guard: Guard<T>): Guard<T> & { optional: true; tolerant: true } {
  return Object.assign((value: unknown) => guard(value), { optional: true as const, tolerant: true as const });
}

export function oneOf<const T extends string>(values: readonly T[]): Guard<T> {
  return (value) => (values.includes(value as T) ? (value as T) : undefined);
}

export function arrayOf<T>(guard: Guard<T>): Guard<T[]> {
  return (value) => {
    if (!Array.isArray(value)) return undefined;
    const out: T[] = [];
    for (const item of value) {
      const read = guard(item);
      if (read === undefined) return undefined;
      out.push(read);
    }
    return out;
  };
}

/** zod's nullable, for values that are never undefined themselves. */
export function orNull<T>(guard: Guard<T>): Guard<T | null> {
  return (value) => (value === null ? null : guard(value));
}

/** zod's object: the keys of the shape, each read by its guard; any other key is dropped. */
export function object<S extends Shape>(shape: S): Guard<Shaped<S>> {
  const keys = Object.keys(shape);
  return (value) => {
    if (!isRecord(value)) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const guard = shape[key]!;
      const raw = value[key];
      if (raw === undefined) {
        if (guard.optional) continue;
        return undefined;
      }
      const read = guard(raw);
      if (read === undefined) {
        if (guard.tolerant) continue;
        return undefined;
      }
      out[key] = read;
    }
    return out as Shaped<S>;
  };
}

/** The first guard that reads the value (zod's union). */
export function firstOf<T>(...guards: Guard<T>[]): Guard<T> {
  return (value) => {
    for (const guard of guards) {
      const read = guard(value);
      if (read !== undefined) return read;
    }
    return undefined;
  };
}
