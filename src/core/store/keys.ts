/*
 * Where each source's check results live in storage.local. Every key of a source starts with
 * `status.<source>`, so a second source (issue 10) lives beside the first without touching it.
 */

/** Today's only source. Source ids are short [a-z0-9-] words: they are part of key names. */
export const DEFAULT_SOURCE = "main";

/** The layout before sharding (STATUS_VERSION 1): everything in two keys, read once and migrated. */
export const LEGACY_KEYS = { status: "status", healthy: "healthy" } as const;

export interface ResultKeys {
  /** Small, rewritten by every check: when, errors, backoff, rotation, shard count. */
  header: string;
  /** The app catalog and the table of per-account errors. */
  catalog: string;
  /** The order of the accounts across shards. */
  order: string;
  shard(index: number): string;
  /** Whether a key belongs to this source's results. */
  owns(key: string): boolean;
}

export function resultKeys(source = DEFAULT_SOURCE): ResultKeys {
  const header = `status.${source}`;
  return {
    header,
    catalog: `${header}.apps`,
    order: `${header}.order`,
    shard: (index) => `${header}.acc.${index}`,
    owns: (key) => key === header || key.startsWith(`${header}.`),
  };
}

/** Whether a key holds part of any source's check results, in any layout. */
export function isResultsKey(key: string): boolean {
  return key === LEGACY_KEYS.status || key === LEGACY_KEYS.healthy || key.startsWith("status.");
}
