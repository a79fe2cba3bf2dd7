/*
 * One writer at a time for a stored record that several parts of the extension read, change and
 * write back: the popup mutes while the background prunes the mutes, two Copy link clicks each
 * add a follow-up, two options tabs save. storage.local has no compare-and-set, so a change made
 * between another writer's read and its write would be lost. Each read-modify-write of a record
 * holds that record's lock: a Web Lock, which every page and the background of the extension
 * share (a page or a stopped background gives its locks back as it goes). Without the Web Locks
 * API, the writers of one page or background still take turns.
 */

const local = new Map<string, Promise<unknown>>();

/** Runs `task` holding the lock of `record` (a storage key), after any writer already holding it. */
export function exclusive<T>(record: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks) return locks.request(lockName(record), task);
  const run = (local.get(record) ?? Promise.resolve()).then(task);
  local.set(record, run.catch(() => undefined));
  return run;
}

/** The lock's name: the extension's own, apart from any other a page of it might take. */
export function lockName(record: string): string {
  return `storage.local:${record}`;
}
