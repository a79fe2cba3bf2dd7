import type { ComponentChild } from "preact";
import { uiTranslator } from "../../adapters/i18n.ts";
import type { FollowUpRow } from "../../core/alerts/followups.ts";
import { sinceText, sinceTitle } from "../../core/words/durations.ts";
import { appKey } from "../../core/kit/ids.ts";
import type { AccountGroup } from "../../core/status/list-model.ts";
import type { AppRecord } from "../../core/api/records.ts";
import { isIconUrl } from "../../core/kit/url.ts";
import { SAMPLE_ICON_DIR } from "../../core/preview/state.ts";
import type { DeskView, deskPart } from "./desk-row.tsx";

/*
 * One app to fix, as plain functions rather than components: a popup may list a thousand, and
 * each component instance with its own state and handlers costs time before the first paint.
 * Clicks are handled once, on the list (see use-row-actions.ts); a row only says which button.
 */

/**
 * What a row is doing after a click. The note under the row is made by row-notes.tsx, which
 * loads with the first click (links.ts): its words cost nothing before then.
 */
export type RowState = { kind: "busy"; what: "open" | "copy" | "desk" } | { kind: "copied" | "manual-copy" | "failed" | "explained"; note: ComponentChild };

export type RowAction = "reconnect" | "copy";

/** What else a row shows: since when, its follow-up, and its mute choices when open. */
export interface RowExtras {
  now: number;
  followUp?: FollowUpRow | undefined;
  /** The mute choices are open under this row. */
  muting: boolean;
  /** A relay source's team desk (who is on it, the note), whether this row's note editor is open, and what draws it (loaded with the desk: lazy.tsx). */
  desk?: { view: DeskView; editing: boolean; part: typeof deskPart } | undefined;
}

/**
 * The app's initial, with its icon laid over it when there is one. Icons load only from https:
 * URLs, or plain http from this computer (checked again here: storage is not trusted), without a
 * referrer, or from the extension's own package (the sample data's); one that fails to load is hidden.
 */
export function appIcon(app: AppRecord) {
  return (
    <span class="icon" aria-hidden="true">
      {(app.name.trim()[0] ?? "?").toUpperCase()}
      {app.icon && (isIconUrl(app.icon) || isPackagedIcon(app.icon)) && (
        <img src={app.icon} alt="" width={24} height={24} loading="lazy" referrerpolicy="no-referrer" onError={hideBroken} />
      )}
    </span>
  );
}

/** An icon file of the extension itself (the sample data's): nothing leaves the computer. */
function isPackagedIcon(url: string): boolean {
  try {
    return new URL(url).href.startsWith(new URL(`/${SAMPLE_ICON_DIR}/`, location.href).href);
  } catch {
    return false;
  }
}

function hideBroken(event: Event): void {
  (event.currentTarget as HTMLImageElement).hidden = true;
}

/**
 * A button's visible text and its accessible name, which contains that text, so what a sighted
 * or speech-input user reads ("Copy link") is part of what assistive technology announces. A
 * passing state ("Opening…", "Copied") comes first, then what the button does.
 */
function buttonText(action: RowAction, app: string, state: RowState | undefined): [text: string, name: string] {
  const t = uiTranslator();
  const reconnect = action === "reconnect";
  const [idle, name] = reconnect ? [t.msg("rowReconnect"), t.msg("rowReconnectName", { app })] : [t.msg("rowCopyLink"), t.msg("rowCopyLinkName", { app })];
  const busy = state?.kind === "busy" && state.what === (reconnect ? "open" : "copy");
  const text = busy ? t.msg(reconnect ? "rowOpening" : "rowCopying") : !reconnect && state?.kind === "copied" ? t.msg("rowCopied") : idle;
  return [text, text === idle ? name : t.msg("rowStateName", { state: text, name })];
}

/** `locked`: the row is from before a settings change, and its links must not be made now. */
export function appRow(app: AppRecord, group: AccountGroup, sourceId: string, state: RowState | undefined, locked: boolean, extras: RowExtras) {
  const t = uiTranslator();
  const key = appKey(sourceId, group.id, app.slug);
  const disabled = locked || state?.kind === "busy";
  const [reconnect, reconnectName] = buttonText("reconnect", app.name, state);
  const [copy, copyName] = buttonText("copy", app.name, state);
  return (
    <li class="app" key={key}>
      {appIcon(app)}
      <span class="names">
        <span class="app-name">{app.name}</span>
        <span class="account">{group.label}</span>
        {app.since !== undefined && (
          <span class="since muted" title={sinceTitle(t, app.since)}>
            {sinceText(t, app.since, extras.now)}
          </span>
        )}
      </span>
      <button type="button" class="primary" data-action="reconnect" data-row={key} aria-label={reconnectName} disabled={disabled}>
        {reconnect}
      </button>
      <button type="button" data-action="copy" data-row={key} aria-label={copyName} disabled={disabled}>
        {copy}
      </button>
      {/* An icon, named for assistive technology and in its tooltip: a word here took a line of its own in German. */}
      <button type="button" class="icon-button" data-action="mute-menu" data-row={key} aria-label={t.msg("rowMuteName", { app: app.name })} title={t.msg("rowMuteName", { app: app.name })} aria-expanded={extras.muting} disabled={locked}>
        {MUTE_ICON}
      </button>
      {extras.desk && extras.desk.part(extras.desk.view, { key, accountId: group.id, slug: app.slug, name: app.name, locked: disabled, editing: extras.desk.editing })}
      {state?.kind !== "busy" && state?.note}
      {extras.followUp && followUpNote(extras.followUp)}
      {extras.muting && muteChoices(key, app.name, group.label)}
    </li>
  );
}

/** A bell, struck through: drawn in the text's colour, so it follows the theme and the button's state. */
const MUTE_ICON = (
  <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">
    <path d="M4 7.5a4 4 0 0 1 8 0V10l1.5 2h-11L4 10z" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round" />
    <path d="M6.5 13.5a1.5 1.5 0 0 0 3 0" fill="none" stroke="currentColor" stroke-width="1.4" />
    <path d="M2.5 2.5l11 11" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
  </svg>
);

/** While a follow-up runs, and when it found the app still broken after the last re-check. */
function followUpNote(row: FollowUpRow) {
  const t = uiTranslator();
  if (row.state === "fixed") return null;
  const text = row.state === "following" ? t.msg("followUpWaiting") : t.msg("followUpStillBroken", { time: t.time(row.at) });
  return (
    <p class="row-note follow-up muted" role="status">
      {text}
    </p>
  );
}

const LENGTHS = [
  ["hour", "muteHour"],
  ["day", "muteDay"],
  ["week", "muteWeek"],
  ["fixed", "muteFixed"],
] as const;

/**
 * The mute choices under a row: this app, or its whole linked account, for a while or until fixed.
 * Plain buttons in two labelled groups: Tab reaches each, Escape closes them (use-row-actions.ts).
 */
function muteChoices(key: string, app: string, account: string) {
  const t = uiTranslator();
  const group = (scope: "app" | "account", label: string) => (
    <div role="group" aria-label={label} class="mute-group">
      <span class="mute-label" aria-hidden="true">
        {label}
      </span>
      {LENGTHS.map(([length, text]) => (
        <button type="button" data-action="mute" data-scope={scope} data-length={length} data-row={key}>
          {t.msg(text)}
        </button>
      ))}
    </div>
  );
  return (
    <div class="mute-menu" data-menu-for={key}>
      {group("app", t.msg("muteAppFor", { app }))}
      {group("account", t.msg("muteAccountFor", { account }))}
    </div>
  );
}
