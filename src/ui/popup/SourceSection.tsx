import type { ComponentChild } from "preact";
import { useMemo } from "preact/hooks";
import { appKey } from "../../core/ids.ts";
import { buildListModel, type ListModel } from "../../core/list-model.ts";
import type { Source } from "../../core/settings.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { environmentLabel } from "../../core/environment.ts";
import type { Notice } from "../../core/notices.ts";
import type { Progress, Status } from "../../core/status.ts";
import { currentError, fromPreviousSettings, isCurrent } from "../../core/view-state.ts";
import { ErrorText, NotesBanner, Notices, StatusBanner } from "./lazy.tsx";
import { ago, plural } from "../shared/interim-format.ts";
import { appRow } from "./app-row.tsx";
import { HealthySection } from "./HealthySection.tsx";
import { useRowActions } from "./use-row-actions.ts";
import { useFirstPaintSlice } from "./first-paint.ts";

/** This component's words, in one place. */
const TEXT = {
  /** Shown while the results on hand are from before a settings change (see fromPreviousSettings). */
  previousSettings: "Settings changed. This list is from the previous settings: Reconnect and Copy link are off until the new ones are checked.",
  checking: "Checking…",
  notChecked: "Not checked yet",
  lastChecked: (when: string) => `Last checked ${when}`,
  healthyEverywhere: (accounts: number) => `All connected apps are healthy across ${plural(accounts, "linked account")}.`,
  nothingMatches: (query: string) => `Nothing matches “${query}”.`,
  accountFailed: "Could not check this linked account:",
  dataFrom: (when: string) => ` Showing data from ${when}.`,
};

interface Props {
  source: Source;
  /** The source's name when there are several sources; with one, the popup looks as it always has. */
  name?: string;
  status: Status;
  progress: Progress | null;
  /** A Refresh of this source asked by this popup is under way. */
  refreshing: boolean;
  query: string;
  now: number;
  /** With one source, the popup's filter box and notices go where they always were, in its part. */
  filter?: ComponentChild;
  notices?: Notice[];
}

/** One source's part of the popup: when it was checked, its failure, its list and its healthy apps. */
export function SourceSection({ source, name, status, progress, refreshing, query, now, filter, notices }: Props) {
  const error = currentError(source, status);
  // The banner says a whole-check failure once; the list does not repeat it under each account.
  const model = useMemo(() => buildListModel(status, query, error), [source, status, query]);
  const previous = fromPreviousSettings(source, status);
  const body = (
    <>
      <p class="checked muted" aria-live="polite">
        {checkedLine(status, progress, progress !== null || refreshing, now)}
      </p>
      {notices && <Notices notices={notices} />}
      {error && <StatusBanner error={error} source={source} status={status} now={now} />}
      {status.notes && status.notes.length > 0 && isCurrent(source, status) && <NotesBanner notes={status.notes} />}
      {previous && <p class="banner warn" role="status">{TEXT.previousSettings}</p>}
      {status.checkedAt !== undefined && !previous && <Summary model={model} />}
      {filter}
      <List source={source} model={model} query={query} now={now} locked={previous} sourceName={name} />
      {!previous && <HealthySection sourceId={source.id} status={status} count={model.healthyCount} />}
    </>
  );
  if (name === undefined) return body;
  return (
    <section class="source" aria-label={name}>
      <h2 class="source-name">
        {name}
        {source.apiKey !== "" && <span class="env">{environmentLabel(uiTranslator(), source)}</span>}
      </h2>
      {body}
    </section>
  );
}

function checkedLine(status: Status, progress: Progress | null, checking: boolean, now: number): string {
  if (checking) {
    const count = progress && progress.total > 0 ? ` (${progress.done.toLocaleString("en-US")} of ${progress.total.toLocaleString("en-US")})` : "";
    return `${TEXT.checking}${count}`;
  }
  return status.checkedAt === undefined ? TEXT.notChecked : TEXT.lastChecked(ago(status.checkedAt, now));
}

function Summary({ model }: { model: ListModel }) {
  if (model.appCount === 0) return <p class="summary ok">{TEXT.healthyEverywhere(model.accountsWatched)}</p>;
  const verb = model.appCount === 1 ? "needs" : "need";
  return (
    <p class="summary">
      <strong>{plural(model.appCount, "app")}</strong> {verb} re-authentication across {model.accountsWithApps.toLocaleString("en-US")} of {plural(model.accountsWatched, "linked account")}
    </p>
  );
}

interface ListProps {
  source: Source;
  model: ListModel;
  query: string;
  now: number;
  locked: boolean;
  /** Set under a source's heading: the accounts' headings are one level down, and their regions
   * name the source too (two sources may watch accounts of the same name). */
  sourceName: string | undefined;
}

function List({ source, model, query, now, locked, sourceName }: ListProps) {
  const { states, onClick } = useRowActions(source, model);
  const groups = useFirstPaintSlice(model.groups);
  if (model.groups.length === 0) {
    return query.trim() !== "" ? <p class="muted">{TEXT.nothingMatches(query)}</p> : null;
  }
  const Heading = sourceName === undefined ? "h2" : "h3";
  return (
    <div class="groups" onClick={onClick}>
      {groups.map((group) => (
        <section class="group" key={group.id} aria-label={sourceName === undefined ? group.label : `${group.label} (${sourceName})`}>
          <Heading>{group.label}</Heading>
          {group.error && (
            <p class="account-error" role="note">
              {TEXT.accountFailed} <ErrorText error={group.error} />
              {group.checkedAt !== undefined ? TEXT.dataFrom(ago(group.checkedAt, now)) : ""}
            </p>
          )}
          {group.apps.length > 0 && <ul>{group.apps.map((app) => appRow(app, group, source.id, states[appKey(source.id, group.id, app.slug)], locked))}</ul>}
        </section>
      ))}
    </div>
  );
}
