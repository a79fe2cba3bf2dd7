import { useEffect, useRef, useState } from "preact/hooks";
import { KEYS, loadProgress, loadSnapshot, onStoredChange, type Snapshot } from "../../adapters/storage.ts";
import { shown } from "./shown.ts";

/**
 * The pages are views of storage: they render what was stored when they opened (read before the
 * first render, so the first paint already shows it) and re-render when the background writes.
 * While the sample-data preview is on they show the demo org instead (shown.ts), and the user's
 * own data again once it ends.
 */
export function useSnapshot(initial: Snapshot): Snapshot {
  const [snapshot, setSnapshot] = useState<Snapshot>(initial);
  const latest = useRef(snapshot);
  latest.current = snapshot;
  useEffect(() => {
    let alive = true;
    const stop = onStoredChange((changed) => {
      // Progress is written every second during a check: read just that (of the sources shown),
      // not the results.
      if (changed.size === 1 && changed.has(KEYS.progress)) {
        const { settings } = latest.current;
        void loadProgress(settings.sources.map((source) => source.id)).then(
          (progress) => alive && setSnapshot((current) => (current.settings === settings ? { ...current, progress } : current)),
        );
      } else if ([KEYS.settings, KEYS.status, KEYS.progress, KEYS.mutes, KEYS.followups, KEYS.preview].some((key) => changed.has(key))) {
        void loadSnapshot()
          .then(shown)
          .then((next) => alive && setSnapshot(next));
      }
    });
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
