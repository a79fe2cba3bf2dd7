/*
 * Sources: what identifies them and what they are called on the pages. A source's id is part of
 * its storage keys (`status.<id>`, `progress.<id>`…) and alarm names (`check.<id>`), so it is a
 * short word without dots, and never changes.
 */

/** Stable: part of storage keys and alarm names. */
export type SourceId = string;

/** The source migrated from the single-source settings; its results were already stored under it. */
export const MAIN_SOURCE_ID = "main";

const ID_PATTERN = /^[a-z0-9-]{1,40}$/;

export function isSourceId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** "s" and 8 random base-36 characters: unique enough among the few sources of one browser. */
export function newSourceId(random: () => number, taken: ReadonlySet<SourceId> = new Set()): SourceId {
  for (;;) {
    let id = "s";
    for (let i = 0; i < 8; i++) id += Math.floor(random() * 36).toString(36);
    if (!taken.has(id)) return id;
  }
}

/** A stored id that cannot be used (damaged, or a duplicate): a fixed one in its place, so the
 * same stored settings always read the same way. */
export function replacementId(index: number, taken: ReadonlySet<SourceId>): SourceId {
  let id = index === 0 && !taken.has(MAIN_SOURCE_ID) ? MAIN_SOURCE_ID : `restored-${index}`;
  for (let n = 2; taken.has(id); n++) id = `restored-${index}-${n}`;
  return id;
}

export type KeyEnvironment = "test" | "production" | "unknown";

/** Cobalt's documented prefixes: `tk` test keys, `pk` production keys. */
export function keyEnvironment(apiKey: string): KeyEnvironment {
  if (apiKey.startsWith("tk")) return "test";
  if (apiKey.startsWith("pk")) return "production";
  return "unknown";
}
