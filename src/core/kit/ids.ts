/*
 * Keys for maps and stored records that name a linked account or one app of it, across sources
 * (see DESIGN: an app break is identified by source, linked account and slug). JSON of the tuple,
 * so no separator can be forged by an ID that contains it.
 */

export function accountKey(sourceId: string, accountId: string): string {
  return JSON.stringify([sourceId, accountId]);
}

export function appKey(sourceId: string, accountId: string, slug: string): string {
  return JSON.stringify([sourceId, accountId, slug]);
}
