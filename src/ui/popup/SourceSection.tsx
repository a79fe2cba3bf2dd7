import type { ComponentChild } from "preact";
import type { Translator } from "../../core/i18n/translator.ts";
import { useMemo } from "preact/hooks";
import { followUpRow, type FollowUp } from "../../core/alerts/followups.ts";
import { splitMuted, teamMutes, type Mute } from "../../core/alerts/mutes.ts";
import { accountKey, appKey } from "../../core/kit/ids.ts";
import { buildListModel, type ListModel } from "../../core/status/list-model.ts";
import { isRelay, isSetUp, type Source } from "../../core/settings/model.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { environmentLabel } from "../../core/words/environment.ts";
import { ago } from "../../core/words/format.ts";
import type { Notice } from "../../core/settings/notices.ts";
import type { Progress, Status } from "../../core/status/model.ts";
import { currentError, fromPreviousSettings, isCurrent } from "../../core/status/view-state.ts";
import { AccountFailure, DeskFixedRows, NotesBanner, Notices, StatusBanner, useDeskParts } from "./lazy.tsx";
import { appRow } from "./app-row.tsx";
import type { DeskView, deskPart } from "./desk-row.tsx";
import { HealthySection } from "./HealthySection.tsx";
import { FixedRows } from "./FixedRows.tsx";
import { MutedSection } from "./MutedSection.tsx";
import { useRowActions } from "./use-row-actions.ts";
import { useFirstPaintSlice } from "./first-paint.ts";

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
  /** What the user muted (listed apart, not counted) and the follow-ups under way. */
  mutes: readonly Mute[];
  followUps: readonly FollowUp[];
}

/** One source's part of the popup: when it was checked, its failure, its list and its healthy apps. */
export function SourceSection({ source, name, status, progress, refreshing, query, now, filter, notices, mutes, followUps }: Props) {
  const error = currentError(source, status);
  // Muted apps (the user's own, and a relay's team mutes) are listed apart, in their own section, and counted nowhere else.
  const split = useMemo(() => splitMuted(source.id, status, [...mutes, ...teamMutes(source.id, status)], now), [source, status, mutes, now]);
  // The banner says a whole-check failure once; the list does not repeat it under each account.
  const model = useMemo(() => buildListModel({ ...status, accounts: split.counted }, query, error), [source, status, query, split]);
  // Shown while the results on hand are from before a settings change (see fromPreviousSettings).
  const previous = fromPreviousSettings(source, status);
  const t = uiTranslator();
  const body = (
    <>
      <p class="checked muted" aria-live="polite">
        {checkedLine(t, status, progress, progress !== null || refreshing, now)}
      </p>
      {notices && <Notices notices={notices} />}
      {error && <StatusBanner error={error} source={source} status={status} now={now} />}
      {status.notes && status.notes.length > 0 && isCurrent(source, status) && <NotesBanner notes={status.notes} />}
      {previous && (
        <p class="banner warn" role="status">
          {t.msg("popupPreviousSettings")}
        </p>
      )}
      {status.checkedAt !== undefined && !previous && <Summary model={model} />}
      {filter}
      <List source={source} status={status} model={model} query={query} now={now} locked={previous} sourceName={name} followUps={followUps} />
      {!previous && <FixedRows sourceId={source.id} status={status} followUps={followUps} now={now} />}
      {!previous && <DeskFixedRows sourceId={source.id} status={status} />}
      {!previous && <MutedSection sourceId={source.id} muted={split.muted} you={status.relay?.member} />}
      {!previous && <HealthySection sourceId={source.id} status={status} count={model.healthyCount} />}
    </>
  );
  if (name === undefined) return body;
  return (
    <section class="source" aria-label={name}>
      <h2 class="source-name">
        {name}
        {isSetUp(source) && <span class="env">{environmentLabel(t, source)}</span>}
      </h2>
      {body}
    </section>
  );
}

function checkedLine(t: Translator, status: Status, progress: Progress | null, checking: boolean, now: number): string {
  if (checking) return progress && progress.total > 0 ? t.msg("checkingProgress", { done: progress.done, total: progress.total }) : t.msg("checking");
  return status.checkedAt === undefined ? t.msg("popupNotChecked") : t.msg("popupLastChecked", { when: ago(t, status.checkedAt, now) });
}

/** Stands for the bold part of the summary while the sentence is put together in the user's language. */
const BOLD = "\uE0FF";

function Summary({ model }: { model: ListModel }) {
  const t = uiTranslator();
  if (model.appCount === 0) return <p class="summary ok">{t.plural("popupAllHealthy", model.accountsWatched)}</p>;
  const across = t.plural("popupSummaryAcross", model.accountsWatched, { with: model.accountsWithApps });
  // The number of apps is bold wherever the language puts it in the sentence.
  const [before, after] = t.plural("popupSummary", model.appCount, { apps: BOLD, across }).split(BOLD);
  return (
    <p class="summary">
      {before}
      <strong>{t.plural("countApps", model.appCount)}</strong>
      {after}
    </p>
  );
}

interface ListProps {
  source: Source;
  status: Status;
  model: ListModel;
  query: string;
  now: number;
  locked: boolean;
  /** Set under a source's heading: the accounts' headings are one level down, and their regions
   * name the source too (two sources may watch accounts of the same name). */
  sourceName: string | undefined;
  followUps: readonly FollowUp[];
}

/** A relay source's team desk as its rows show it, when its relay has one. */
function deskViewOf(source: Source, status: Status, now: number): DeskView | undefined {
  const desk = status.relay?.desk;
  return isRelay(source) && desk && status.relay?.member !== undefined ? { desk, you: status.relay.member, now } : undefined;
}

function List({ source, status, model, query, now, locked, sourceName, followUps }: ListProps) {
  const { states, menu, editor, onClick, onKeyDown } = useRowActions(source, model, status);
  const groups = useFirstPaintSlice(model.groups);
  const shown = deskViewOf(source, status, now);
  const parts = useDeskParts(shown !== undefined);
  const view = parts && shown;
  if (model.groups.length === 0) {
    return query.trim() !== "" ? <p class="muted">{uiTranslator().msg("popupNothingMatches", { query })}</p> : null;
  }
  const t = uiTranslator();
  const Heading = sourceName === undefined ? "h2" : "h3";
  return (
    <div class="groups" onClick={onClick} onKeyDown={onKeyDown}>
      {groups.map((group) => (
        <section class="group" key={group.id} aria-label={sourceName === undefined ? group.label : t.msg("popupAccountOfSource", { account: group.label, source: sourceName })}>
          <Heading>{group.label}</Heading>
          {parts && view && group.apps.length > 0 && accountDesk(parts.deskPart, view, accountKey(source.id, group.id), group.id, group.label, locked, editor, states)}
          {group.error && (
            <p class="account-error" role="note">
              <AccountFailure error={group.error} checkedAt={group.checkedAt} now={now} />
            </p>
          )}
          {group.apps.length > 0 && (
            <ul>
              {group.apps.map((app) => {
                const key = appKey(source.id, group.id, app.slug);
                const followUp = followUps.length === 0 ? undefined : followUpRow(followUps, { sourceId: source.id, accountId: group.id, slug: app.slug, name: app.name }, now);
                return appRow(app, group, source.id, states[key], locked, { now, followUp, muting: menu === key, desk: parts && view && { view, editing: editor === key, part: parts.deskPart } });
              })}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}

/** A linked account's part of the desk, under its heading: who is on all of it, its note, and what went wrong. */
function accountDesk(part: typeof deskPart, view: DeskView, key: string, accountId: string, name: string, locked: boolean, editor: string | undefined, states: ReturnType<typeof useRowActions>["states"]) {
  const state = states[key];
  return (
    <>
      {part(view, { key, accountId, name, locked: locked || state?.kind === "busy", editing: editor === key })}
      {state?.kind !== "busy" && state?.note}
    </>
  );
}
