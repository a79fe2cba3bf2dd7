import { useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import type { Translator } from "../../core/i18n/translator.ts";
import { accountKey, appKey } from "../../core/kit/ids.ts";
import type { Status } from "../../core/status/model.ts";
import { shortMoment } from "../../core/words/format.ts";
import { claimFor, noteFor, type DeskClaim, type TeamDesk } from "../../core/status/desk.ts";

/*
 * The team's desk on a relay source's rows (and on a linked account's heading): who is on it and
 * since when ("You" for this member), the team's note, and the buttons: I'm on it, Release (yours)
 * or Take over (someone else's), and Note, which opens the note's editor under the row. Plain
 * functions like app-row.tsx: clicks are handled once, on the list (use-row-actions.ts), and the
 * button says what it is for in data-* attributes. What a click does loads with it (desk-actions.ts).
 * This module itself loads only for a relay source with a desk (lazy.tsx), so a popup of key
 * sources carries none of it; also the rows of breaks fixed while someone was on them.
 */

/** NOTE_MAX_CHARS of relay/protocol/desk.ts, which the popup does not load (zod). */
export const NOTE_MAX = 280;

/** A relay source's desk as the rows show it. */
export interface DeskView {
  desk: TeamDesk;
  /** This member's name, as the relay calls it. */
  you: string | undefined;
  now: number;
}

/** What a row (or an account's heading) needs to show its part of the desk. */
export interface DeskTarget {
  /** The row's key (an app's, or an account's): the note editor and the row's state go by it. */
  key: string;
  accountId: string;
  slug?: string;
  /** The app's or the account's name, for the buttons' accessible names. */
  name: string;
  locked: boolean;
  /** The note editor is open here. */
  editing: boolean;
}

function who(t: Translator, member: string, you: string | undefined): string {
  return member === you ? t.msg("deskYouFirst") : member;
}

/** Who is on it and since when; the member it was taken from reads that it was. */
function claimLine(t: Translator, claim: DeskClaim, view: DeskView): string {
  const time = shortMoment(t, claim.since, view.now);
  const mine = claim.member === view.you;
  if (claim.slug === undefined) return mine ? t.msg("rowAccountClaimedByYou", { time }) : t.msg("rowAccountClaimedBy", { who: claim.member, time });
  if (claim.from !== undefined && !mine && claim.from === view.you) return t.msg("rowClaimTakenFromYou", { who: claim.member, time });
  if (claim.from !== undefined) return t.msg("rowClaimTakenFrom", { who: who(t, claim.member, view.you), time, from: who(t, claim.from, view.you) });
  return t.msg("rowClaimedBy", { who: who(t, claim.member, view.you), time });
}

/** The button that says what this member can do about the claim: take it, let it go, or take it over. */
function claimButton(t: Translator, claim: DeskClaim | undefined, view: DeskView, target: DeskTarget) {
  const account = target.slug === undefined;
  const data = { "data-action": "desk", "data-row": target.key, "data-account": target.accountId, ...(account ? {} : { "data-slug": target.slug }) };
  if (!claim) {
    const name = account ? t.msg("accountClaimName", { account: target.name }) : t.msg("rowClaimName", { app: target.name });
    return (
      <button type="button" class="small" data-desk="claim" aria-label={name} disabled={target.locked} {...data}>
        {t.msg("rowClaim")}
      </button>
    );
  }
  if (claim.member === view.you) {
    const name = account ? t.msg("accountReleaseName", { account: target.name }) : t.msg("rowReleaseName", { app: target.name });
    return (
      <button type="button" class="small" data-desk="release" aria-label={name} disabled={target.locked} {...data}>
        {t.msg("rowRelease")}
      </button>
    );
  }
  const name = account ? t.msg("accountTakeOverName", { account: target.name, who: claim.member }) : t.msg("rowTakeOverName", { app: target.name, who: claim.member });
  return (
    <button type="button" class="small" data-desk="take-over" aria-label={name} disabled={target.locked} {...data}>
      {t.msg("rowTakeOver")}
    </button>
  );
}

/**
 * The desk's lines of one row (an app, or with no slug a linked account): who is on exactly this
 * (an app's own claim; an account's under its heading), its buttons, the note, and the editor.
 */
export function deskPart(view: DeskView, target: DeskTarget) {
  const t = uiTranslator();
  const claim = claimFor(view.desk, target.accountId, target.slug);
  const own = claim && claim.slug === target.slug ? claim : undefined;
  const note = noteFor(view.desk, target.accountId, target.slug);
  const account = target.slug === undefined;
  return (
    <div class="desk" data-desk-for={target.key}>
      <p class="desk-line">
        {own && <span class="claimed">{claimLine(t, own, view)}</span>}
        {claimButton(t, own, view, target)}
        <button
          type="button"
          class="small"
          data-action="desk"
          data-desk="note"
          data-row={target.key}
          data-account={target.accountId}
          {...(account ? {} : { "data-slug": target.slug })}
          aria-label={account ? t.msg("accountNoteName", { account: target.name }) : t.msg("rowNoteName", { app: target.name })}
          aria-expanded={target.editing}
          disabled={target.locked}
        >
          {t.msg("rowNote")}
        </button>
      </p>
      {note && <p class="desk-note">{t.msg("rowNoteLine", { text: note.text, who: who(t, note.member, view.you), time: shortMoment(t, note.at, view.now) })}</p>}
      {target.editing && <NoteEditor target={target} text={note?.text ?? ""} />}
    </div>
  );
}

/**
 * The note's editor: a text field with how many characters are left, Save, Remove (when there is a
 * note) and Cancel; Escape closes it (use-row-actions.ts). Its buttons are handled on the list like
 * the rows' (the text is read from the field there).
 */
function NoteEditor({ target, text }: { target: DeskTarget; text: string }) {
  const t = uiTranslator();
  const [value, setValue] = useState(text);
  const id = `note-${target.key.replace(/[^A-Za-z0-9_-]/g, (char) => `_${char.charCodeAt(0).toString(16)}`)}`;
  const data = { "data-action": "desk", "data-row": target.key, "data-account": target.accountId, ...(target.slug === undefined ? {} : { "data-slug": target.slug }) };
  return (
    <div class="note-editor">
      <label for={id}>{t.msg("noteLabel", { what: target.name })}</label>
      <textarea id={id} data-note-for={target.key} rows={2} maxLength={NOTE_MAX} value={value} onInput={(event) => setValue(event.currentTarget.value)} aria-describedby={`${id}-hint`} />
      <p id={`${id}-hint`} class="muted">
        {t.msg("joinSentences", { first: t.msg("noteHint", { max: NOTE_MAX }), second: t.plural("noteLeft", Math.max(0, NOTE_MAX - [...value].length)) })}
      </p>
      <p class="note-buttons">
        <button type="button" class="primary small" data-desk="note-save" {...data}>
          {t.msg("noteSave")}
        </button>
        {text !== "" && (
          <button type="button" class="small" data-desk="note-remove" {...data}>
            {t.msg("noteRemove")}
          </button>
        )}
        <button type="button" class="small" data-desk="note-cancel" {...data}>
          {t.msg("noteCancel")}
        </button>
      </p>
    </div>
  );
}

/**
 * A relay source's breaks fixed while a teammate was on them: the relay keeps each a while after
 * the fix (the claim ended with it), so every member's popup can say who was on it.
 */
export function DeskFixedRows({ sourceId, status }: { sourceId: string; status: Status }) {
  const fixed = status.relay?.desk?.fixed ?? [];
  if (fixed.length === 0) return null;
  const t = uiTranslator();
  const you = status.relay?.member;
  return (
    <ul class="fixed-apps desk-fixed" aria-label={t.msg("deskFixedList")}>
      {fixed.map((entry) => (
        <li key={entry.slug === undefined ? accountKey(sourceId, entry.accountId) : appKey(sourceId, entry.accountId, entry.slug)} class="fixed-app">
          <span class="icon ok" aria-hidden="true">
            ✓
          </span>
          <span class="names">
            <span class="app-name">{entry.name}</span>
            {entry.accountName !== undefined && entry.accountName !== entry.name && <span class="account-line muted">{entry.accountName}</span>}
          </span>
          <span class="fixed-at" title={t.time(entry.at)}>
            {entry.member === you ? t.msg("deskFixedWhileYou") : t.msg("deskFixedWhile", { who: entry.member })}
          </span>
        </li>
      ))}
    </ul>
  );
}
