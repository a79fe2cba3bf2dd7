import type { Browser } from "../../../src/adapters/browser.ts";

/*
 * storage.local as the browser gives it to each page and the background: one store, and every
 * get and set answered in a later task, so two writers' reads and writes interleave as they do
 * in a browser. Values are copied in and out, as structured cloning does.
 */
export function fakeStorage(initial: Record<string, unknown> = {}): { browser: Browser.Browser; items: Record<string, unknown> } {
  const items: Record<string, unknown> = structuredClone(initial);
  const later = <T>(value: () => T) => new Promise<T>((resolve) => setTimeout(() => resolve(value()), 0));
  const local = {
    get: (keys: string | string[] | null) =>
      later(() => {
        const wanted = keys === null ? Object.keys(items) : typeof keys === "string" ? [keys] : keys;
        return structuredClone(Object.fromEntries(wanted.filter((key) => key in items).map((key) => [key, items[key]])));
      }),
    set: (values: Record<string, unknown>) => later(() => void Object.assign(items, structuredClone(values))),
    remove: (keys: string | string[]) => later(() => void (typeof keys === "string" ? [keys] : keys).forEach((key) => delete items[key])),
  };
  return { browser: { storage: { local } } as unknown as Browser.Browser, items };
}

/** Web Locks as the browser shares them between the extension's pages and its background: one queue per name. */
export function sharedLocks(): { locks: Pick<LockManager, "request">; taken: string[] } {
  const chains = new Map<string, Promise<unknown>>();
  const taken: string[] = [];
  const request = (name: string, task: () => Promise<unknown>) => {
    taken.push(name);
    const run = (chains.get(name) ?? Promise.resolve()).then(task);
    chains.set(name, run.catch(() => undefined));
    return run;
  };
  return { locks: { request } as unknown as Pick<LockManager, "request">, taken };
}
