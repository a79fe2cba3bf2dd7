/*
 * Where each source's check results live in storage.local. Every key of a source starts with
 * `status.<source>`, so a second source lives beside the first without touching it.
 */

/** The first source, migrated from the single-source settings (MAIN_SOURCE_ID in core/settings/source-ids.ts).
 * Source ids are short [a-z0-9-] words: they are part of key names. */
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

/*
 * A source's other keys: its check under way, a throttling answer's backoff kept while its check
 * waits, and the background's last decision for it. The single-source layout kept them without
 * the source (`progress`, `pendingBackoff`, `lastDecision`); they are removed, never read.
 */

export interface SourceKeys {
  progress: string;
  pendingBackoff: string;
  lastDecision: string;
  results: ResultKeys;
}

export function sourceKeys(source: string): SourceKeys {
  return { progress: `progress.${source}`, pendingBackoff: `pendingBackoff.${source}`, lastDecision: `lastDecision.${source}`, results: resultKeys(source) };
}

export const LEGACY_SOURCE_KEYS = ["progress", "pendingBackoff", "lastDecision"] as const;

/**
 * Where a source's check under way keeps its checkpoint (core/check/checkpoint.ts): in
 * storage.session, not storage.local. It outlives a stopped background, which is what it is for,
 * but not the browser; it is never part of what the pages read, and never fills the quota the
 * results need. Each part `<name>` is the key `checkpoint.<source>.<name>`.
 */
export function checkpointPrefix(source: string): string {
  return `checkpoint.${source}.`;
}

/** The source a checkpoint key belongs to. */
export function sourceOfCheckpointKey(key: string): string | undefined {
  return /^checkpoint\.([a-z0-9-]+)\./.exec(key)?.[1];
}

const SOURCE_KEY = /^(?:status|progress|pendingBackoff|lastDecision)\.([a-z0-9-]+)(?:\..*)?$/;

/** The source a key belongs to, if it is one of a source's keys. */
export function sourceOfKey(key: string): string | undefined {
  return SOURCE_KEY.exec(key)?.[1];
}

/**
 * Keys of sources no longer in the settings, and of the single-source layout that no reader
 * uses: what to remove so that a removed source leaves nothing behind.
 */
export function keysOfRemovedSources(keys: readonly string[], kept: ReadonlySet<string>): string[] {
  return keys.filter((key) => {
    if ((LEGACY_SOURCE_KEYS as readonly string[]).includes(key)) return true;
    // The layout before sharding belongs to the first source, and goes with it.
    if (key === LEGACY_KEYS.status || key === LEGACY_KEYS.healthy) return !kept.has(DEFAULT_SOURCE);
    const source = sourceOfKey(key);
    return source !== undefined && !kept.has(source);
  });
}
