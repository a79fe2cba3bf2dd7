export function accountKey(sourceId: string, accountId: string): string { return JSON.stringify([sourceId, accountId]); }
export function appKey(sourceId: string, accountId: string, slug: string): string { return JSON.stringify([sourceId, accountId, slug]); }
