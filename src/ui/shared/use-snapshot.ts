import { useEffect, useState } from "preact/hooks";
import { loadSnapshot, onStoredChange, type Snapshot } from "../../adapters/storage.ts";

/**
 * The pages are views of storage: they render whatever is stored at once and re-render when the
 * background writes. `undefined` only for the few milliseconds before the first read.
 */
export function useSnapshot(): Snapshot | undefined {
  const [snapshot, setSnapshot] = useState<Snapshot>();
  useEffect(() => {
    let alive = true;
    const read = () => void loadSnapshot().then((next) => alive && setSnapshot(next));
    read();
    const stop = onStoredChange(read);
    return () => {
      alive = false;
      stop();
    };
  }, []);
  return snapshot;
}

/** Re-renders every `ms` so "3 minutes ago" stays true while a page is open. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
