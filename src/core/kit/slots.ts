/**
 * A table whose entries keep their index for as long as they are used, so that references to
 * them stored elsewhere (in shards) do not change when other entries come and go. An entry no
 * longer used leaves a hole (null) that the next new entry fills.
 *
 * `wanted` maps each entry's key to its value, in first-use order.
 */
export function stableSlots<T>(
  previous: readonly (T | null)[],
  keyOf: (value: T) => string,
  wanted: ReadonlyMap<string, T>,
): { slots: (T | null)[]; indexOf: Map<string, number> } {
  const slots: (T | null)[] = [];
  const indexOf = new Map<string, number>();
  previous.forEach((value, index) => {
    const key = value === null ? undefined : keyOf(value);
    const next = key === undefined || indexOf.has(key) ? undefined : wanted.get(key);
    slots.push(next ?? null);
    if (next !== undefined) indexOf.set(key!, index);
  });
  let free = 0;
  for (const [key, value] of wanted) {
    if (indexOf.has(key)) continue;
    while (free < slots.length && slots[free] !== null) free++;
    slots[free] = value;
    indexOf.set(key, free++);
  }
  while (slots.length > 0 && slots[slots.length - 1] === null) slots.pop();
  return { slots, indexOf };
}

/** JSON with object keys sorted: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
