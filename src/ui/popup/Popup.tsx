import { useEffect, useState } from "preact/hooks";
import { api } from "../../adapters/browser.ts";
import { requestCheck } from "../../adapters/messages.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { environmentLabel } from "../../core/words/environment.ts";
import { refreshBlockedUntil, WATCH_MS } from "../../core/check/schedule.ts";
import { isRelay, isSetUp, type Source } from "../../core/settings/model.ts";
import { type SourceId } from "../../core/settings/source-ids.ts";
import { sourceNames } from "../../core/words/names.ts";
import { refreshAtText } from "../../core/words/format.ts";
import { EMPTY_STATUS, reauthCount, type Status } from "../../core/status/model.ts";
import type { Snapshot } from "../../adapters/storage.ts";
import { Notices, PreviewBanner } from "./lazy.tsx";
import { useNow, useSnapshot } from "../shared/use-snapshot.ts";
import { SourceSection } from "./SourceSection.tsx";
import { CopySummary } from "./CopySummary.tsx";

/** A filter box is clutter for a handful of apps, and essential for hundreds. */
const FILTER_FROM = 5;

/**
 * The frame: the header with Refresh, then one section per source (SourceSection). With one
 * source there is no section heading and the popup looks as it did before sources existed.
 * Refresh checks every source, each on its own: the background answers for each when its check
 * is over, so a slow source keeps only its own section "Checking…".
 */
export function Popup({ initial }: { initial: Snapshot }) {
  const snapshot = useSnapshot(initial);
  const now = useNow();
  const [query, setQuery] = useState("");
  const { refreshing, refresh } = useRefreshing();
  // Opening the popup wakes the background: it clears check marks left by a stopped background
  // and checks at once every source whose data is older than its schedule promises (after sleep, say).
  useEffect(() => void requestCheck("open").catch(() => undefined), []);
  const { settings, statuses, progress, notices, mutes, followUps } = snapshot;
  const { sources } = settings;
  useWatch(sources);
  const statusOf = (source: Source): Status => statuses[source.id] ?? EMPTY_STATUS;
  const blocks = useRefreshBlocks(sources, statusOf);
  const keyed = sources.filter(isSetUp);
  const busy = (source: Source) => (progress[source.id] ?? null) !== null || refreshing.has(source.id);
  const ready = keyed.filter((source) => !busy(source) && !blocks.has(source.id));
  const heldUntil = keyed.length > 0 && keyed.every((source) => blocks.has(source.id)) ? Math.min(...blocks.values()) : undefined;

  const t = uiTranslator();
  const single = sources.length === 1;
  const names = sourceNames(t, sources);
  const filter = sources.reduce((sum, source) => sum + reauthCount(statusOf(source)), 0) > FILTER_FROM && (
    <>
      <label for="filter" class="visually-hidden">
        {t.msg("popupFilter")}
      </label>
      <input id="filter" type="search" class="filter" placeholder={t.msg("popupFilter")} value={query} onInput={(event) => setQuery(event.currentTarget.value)} />
    </>
  );

  return (
    <main>
      <header>
        <h1>{t.msg("popupTitle")}</h1>
        {single && isSetUp(sources[0]!) && <span class="env">{environmentLabel(t, sources[0]!)}</span>}
        {/* While a rate limit holds Refresh back, the button says until when (its text is its name). */}
        <button type="button" onClick={() => refresh(ready.map((source) => source.id))} disabled={ready.length === 0}>
          {heldUntil === undefined ? t.msg("popupRefresh") : refreshAtText(t, heldUntil, Date.now())}
        </button>
      </header>
      {snapshot.preview && <PreviewBanner page="popup" />}
      {single ? null : <Notices notices={notices} names={names} />}
      {!single && filter}
      {sources.map((source) => (
        <SourceSection
          key={source.id}
          source={source}
          status={statusOf(source)}
          progress={progress[source.id] ?? null}
          refreshing={refreshing.has(source.id)}
          query={query}
          now={now}
          mutes={mutes}
          followUps={followUps}
          {...(single ? { filter, notices } : { name: names.get(source.id)! })}
        />
      ))}
      <footer>
        {/* Nothing to summarise before a source is set up. */}
        {keyed.length > 0 && <CopySummary sources={sources} statuses={statuses} mutes={mutes} />}
        <button type="button" class="link" onClick={() => void api().runtime.openOptionsPage()}>
          {t.msg("popupOptions")}
        </button>
      </footer>
    </main>
  );
}

/** Refresh asks for each source's check on its own; each stays "Checking…" until the background answers for it. */
function useRefreshing() {
  const [refreshing, setRefreshing] = useState<ReadonlySet<SourceId>>(new Set());
  const refresh = (ids: readonly SourceId[]) => {
    setRefreshing((current) => new Set([...current, ...ids]));
    for (const id of ids) {
      void requestCheck("refresh", id).finally(() =>
        setRefreshing((current) => {
          const next = new Set(current);
          next.delete(id);
          return next;
        }),
      );
    }
  };
  return { refreshing, refresh };
}

/** Until when a rate limit holds each source's Refresh back; re-renders when the first of them ends. */
function useRefreshBlocks(sources: readonly Source[], statusOf: (source: Source) => Status): Map<SourceId, number> {
  const [, wake] = useState(0);
  const now = Date.now();
  const blocks = new Map<SourceId, number>();
  for (const source of sources) {
    const until = refreshBlockedUntil(source, statusOf(source), now);
    if (until !== undefined) blocks.set(source.id, until);
  }
  const first = blocks.size === 0 ? undefined : Math.min(...blocks.values());
  useEffect(() => {
    if (first === undefined) return;
    const timer = setTimeout(() => wake((n) => n + 1), first - Date.now() + 50);
    return () => clearTimeout(timer);
  }, [first]);
  return blocks;
}

/**
 * While the popup is open, its relay sources are polled every WATCH_MS (a 304 when nothing
 * changed), so a teammate's claim, take-over, mute or note shows within seconds. The background
 * decides (schedule.ts "watch"); a Cobalt source is never asked this way.
 */
function useWatch(sources: readonly Source[]): void {
  const relays = sources.filter((source) => isRelay(source) && isSetUp(source)).map((source) => source.id);
  const ids = relays.join("\n");
  useEffect(() => {
    if (ids === "") return;
    const timer = setInterval(() => {
      for (const id of ids.split("\n")) void requestCheck("watch", id).catch(() => undefined);
    }, WATCH_MS);
    return () => clearInterval(timer);
  }, [ids]);
}
