/*
 * Which shard holds an account, how many shards there are, and the order of accounts across them.
 */

/** About this many accounts per shard: a changed account rewrites ~2 KB, not the whole org. */
export const ACCOUNTS_PER_SHARD = 32;
export const MAX_SHARDS = 1024;

/** FNV-1a over UTF-16 code units: stable across browsers and versions, which is all it needs. */
export function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export function shardOf(id: string, shards: number): number {
  return hashId(id) % shards;
}

/**
 * A power of two near accounts / ACCOUNTS_PER_SHARD. The previous count is kept while it stays
 * within a factor of four of that, so an org that grows or shrinks a little is not reshuffled
 * (a new count moves nearly every account, so every shard is rewritten once).
 */
export function chooseShardCount(accounts: number, previous?: number): number {
  if (previous !== undefined && isValidShardCount(previous)) {
    const perShard = accounts / previous;
    const fitsAbove = previous === MAX_SHARDS || perShard <= ACCOUNTS_PER_SHARD * 4;
    const fitsBelow = previous === 1 || perShard >= ACCOUNTS_PER_SHARD / 4;
    if (fitsAbove && fitsBelow) return previous;
  }
  let count = 1;
  while (count < MAX_SHARDS && count * ACCOUNTS_PER_SHARD < accounts) count *= 2;
  return count;
}

export function isValidShardCount(count: number): boolean {
  return Number.isInteger(count) && count >= 1 && count <= MAX_SHARDS && (count & (count - 1)) === 0;
}

/** Shard numbers are written in base 36, one character each up to 36 shards, two above. */
function codeWidth(shards: number): number {
  return shards <= 36 ? 1 : 2;
}

/** The shard of each account, in the accounts' order: 1–2 characters per account. */
export function encodeOrder(shardOfEach: number[], shards: number): string {
  const width = codeWidth(shards);
  return shardOfEach.map((shard) => shard.toString(36).padStart(width, "0")).join("");
}

/** The shard of each account in order, or undefined if the text is not a valid order. */
export function decodeOrder(text: string, shards: number): number[] | undefined {
  const width = codeWidth(shards);
  if (text.length % width !== 0) return undefined;
  const order: number[] = [];
  for (let i = 0; i < text.length; i += width) {
    const code = text.slice(i, i + width);
    const shard = Number.parseInt(code, 36);
    if (!/^[0-9a-z]+$/.test(code) || !(shard < shards)) return undefined;
    order.push(shard);
  }
  return order;
}
