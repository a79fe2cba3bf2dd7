import { useEffect, useMemo, useState } from "preact/hooks";
import { api } from "../../adapters/browser.ts";
import { requestCheck } from "../../adapters/messages.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { notesText } from "../../core/check/notes.ts";
import { errorMessage } from "../../core/error-text.ts";
import { buildListModel, type ListModel } from "../../core/list-model.ts";
import { refreshBlockedUntil } from "../../core/schedule.ts";
import { environmentLabel } from "../../core/environment.ts";
import { currentError, fromPreviousSettings, isCurrent } from "../../core/view-state.ts";
import type { Settings } from "../../core/settings.ts";
import type { Progress, Status } from "../../core/status.ts";
import type { Snapshot } from "../../adapters/storage.ts";
import { Notices, StatusBanner } from "../shared/StatusBanner.tsx";
import { ago, clockTime, plural } from "../shared/interim-format.ts";
import { useNow, useSnapshot } from "../shared/use-snapshot.ts";
import { appRow, rowKey } from "./app-row.tsx";
import { useRowActions } from "./use-row-actions.ts";
import { HealthySection } from "./HealthySection.tsx";

/** A filter box is clutter for a handful of apps, and essential for hundreds. */
const FILTER_FROM = 5;

/** Shown while the results on hand are from before a settings change (see fromPreviousSettings). */
const PREVIOUS_SETTINGS = "Settings changed. This list is from the previous settings: Reconnect and Copy link are off until the new ones are checked.";

export function Popup({ initial }: { initial: Snapshot }) {
  const snapshot = useSnapshot(initial);
  const now = useNow();
  const [query, setQuery] = useState("");
  const [refreshing, setRefreshing] = useState(false);
  // Opening the popup wakes the background: it clears a check mark left by a stopped background
  // and checks at once if the data is older than the schedule promises (after sleep, say).
  useEffect(() => void requestCheck("open").catch(() => undefined), []);
  const { settings, status, progress, notices } = snapshot;
  const error = currentError(settings, status);
  // The banner says a whole-check failure once; the list does not repeat it under each account.
  const model = useMemo(() => buildListModel(status, query, error), [snapshot, query]);
  const previous = fromPreviousSettings(settings, status);
  const checking = progress !== null || refreshing;

  const refresh = () => {
    setRefreshing(true);
    void requestCheck("refresh").finally(() => setRefreshing(false));
  };
  const refreshAt = useRefreshBlock(settings, status);

  return (
    <main>
      <header>
        <h1>Integration status</h1>
        {settings.apiKey !== "" && <span class="env">{environmentLabel(uiTranslator(), settings)}</span>}
        {/* While a rate limit holds Refresh back, the button says until when (its text is its name). */}
        <button type="button" onClick={refresh} disabled={checking || settings.apiKey === "" || refreshAt !== undefined}>
          {refreshAt === undefined ? "Refresh" : `Refresh at ${clockTime(refreshAt)}`}
        </button>
      </header>
      <p class="checked muted" aria-live="polite">
        {checkedLine(status, progress, checking, now)}
      </p>
      <Notices notices={notices} />
      {error && <StatusBanner error={error} settings={settings} status={status} now={now} />}
      {status.notes && status.notes.length > 0 && isCurrent(settings, status) && <p class="banner warn">{notesText(uiTranslator(), status.notes)}</p>}
      {previous && <p class="banner warn" role="status">{PREVIOUS_SETTINGS}</p>}
      {status.checkedAt !== undefined && !previous && <Summary model={model} />}
      {model.appCount > FILTER_FROM && (
        <>
          <label for="filter" class="visually-hidden">
            Filter by app or linked account
          </label>
          <input
            id="filter"
            type="search"
            class="filter"
            placeholder="Filter by app or linked account"
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
        </>
      )}
      <List model={model} settings={settings} query={query} now={now} locked={previous} />
      {!previous && <HealthySection status={status} count={model.healthyCount} />}
      <footer>
        <button type="button" class="link" onClick={() => void api().runtime.openOptionsPage()}>
          Options
        </button>
      </footer>
    </main>
  );
}

/** Until when a rate limit holds Refresh back; re-renders when that time comes. */
function useRefreshBlock(settings: Settings, status: Status): number | undefined {
  const [, wake] = useState(0);
  const until = refreshBlockedUntil(settings, status, Date.now());
  useEffect(() => {
    if (until === undefined) return;
    const timer = setTimeout(() => wake((n) => n + 1), until - Date.now() + 50);
    return () => clearTimeout(timer);
  }, [until]);
  return until;
}

function checkedLine(status: Status, progress: Progress | null, checking: boolean, now: number): string {
  if (checking) {
    const count = progress && progress.total > 0 ? ` (${progress.done.toLocaleString("en-US")} of ${progress.total.toLocaleString("en-US")})` : "";
    return `Checking…${count}`;
  }
  return status.checkedAt === undefined ? "Not checked yet" : `Last checked ${ago(status.checkedAt, now)}`;
}

function Summary({ model }: { model: ListModel }) {
  if (model.appCount === 0) {
    return <p class="summary ok">All connected apps are healthy across {plural(model.accountsWatched, "linked account")}.</p>;
  }
  const verb = model.appCount === 1 ? "needs" : "need";
  return (
    <p class="summary">
      <strong>{plural(model.appCount, "app")}</strong> {verb} re-authentication across {model.accountsWithApps.toLocaleString("en-US")} of {plural(model.accountsWatched, "linked account")}
    </p>
  );
}

function List({ model, settings, query, now, locked }: { model: ListModel; settings: Settings; query: string; now: number; locked: boolean }) {
  const { states, onClick } = useRowActions(settings, model);
  if (model.groups.length === 0) {
    return query.trim() !== "" ? <p class="muted">Nothing matches “{query}”.</p> : null;
  }
  return (
    <div class="groups" onClick={onClick}>
      {model.groups.map((group) => (
        <section class="group" key={group.id} aria-label={group.label}>
          <h2>{group.label}</h2>
          {group.error && (
            <p class="account-error" role="note">
              Could not check this linked account: {errorMessage(uiTranslator(), group.error)}
              {group.checkedAt !== undefined ? ` Showing data from ${ago(group.checkedAt, now)}.` : ""}
            </p>
          )}
          {group.apps.length > 0 && (
            <ul>
              {group.apps.map((app) => appRow(app, group, states[rowKey(group.id, app.slug)], locked))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
