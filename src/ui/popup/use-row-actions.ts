import { useState } from "preact/hooks";
import { appKey } from "../../core/kit/ids.ts";
import type { ListModel } from "../../core/status/list-model.ts";
import { isRelay, type Source } from "../../core/settings/model.ts";
import type { Status } from "../../core/status/model.ts";
import { isSampleSource } from "../../core/preview/state.ts";
import type { RowAction, RowState } from "./app-row.tsx";
import type { DeskChange } from "./desk-actions.ts";

// The API client and reconnect logic load on the first click: the list paints without them.
const links = () => import("./links.ts");
const muting = () => import("./mute-actions.ts");
const desking = () => import("./desk-actions.ts");

type Length = "hour" | "day" | "week" | "fixed";

/**
 * Reconnect, Copy and Mute for every row of one source's list, from one click handler on it, with
 * that source's key and base URL; for a relay source with a team desk, its buttons too (desk-row.tsx),
 * and Mute mutes for the whole team. Row states live here, keyed by source, linked account and slug,
 * so rows stay plain markup. A disabled button does nothing: that is how a list from before a
 * settings change is kept from acting (appRow's `locked`).
 */
export function useRowActions(source: Source, model: ListModel, status: Status) {
  const [states, set] = useRowStates();
  const { menu, setMenu, toggleMenu, onKeyDown: closeMenu } = useMuteMenu();
  const { editor, desk, onDesk, closeEditor } = useDesk(source, set);
  const team = isRelay(source) && status.relay?.member !== undefined;

  const mute = async (key: string, scope: "app" | "account", length: Length, list: Element) => {
    const found = findRow(source, model, key);
    const account = status.accounts.find((candidate) => candidate.id === found?.accountId);
    if (!found || !account) return;
    setMenu(undefined);
    const slug = scope === "app" ? found.app.slug : undefined;
    const { muteApp, focusAfterMute } = await muting();
    if (team) {
      const failed = await desk(key, { source: source.id, action: "mute", accountId: account.id, ...(slug === undefined ? {} : { slug }), length });
      if (failed) return;
    } else await muteApp(source.id, account, slug, length);
    focusAfterMute(list, source.id);
  };

  const onClick = (event: MouseEvent) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>("button[data-action]");
    const { action, row: key, scope, length } = button?.dataset ?? {};
    if (!button || button.disabled || !key) return;
    if (action === "reconnect" || action === "copy") void openOrCopy(action, key, source, model, set);
    else if (action === "mute-menu") toggleMenu(key, event.currentTarget as Element);
    else if (action === "mute" && (scope === "app" || scope === "account") && isLength(length)) void mute(key, scope, length, event.currentTarget as Element);
    else if (action === "desk") onDesk(button, key, event.currentTarget as Element);
  };

  /** Escape closes the note's editor, or the mute choices. */
  const onKeyDown = (event: KeyboardEvent) => {
    if (!closeEditor(event)) closeMenu(event);
  };

  return { states, menu, editor, team, onClick, onKeyDown };
}

/**
 * A relay source's team desk on the rows (desk-row.tsx): its buttons, and the one note editor
 * open at a time. Each change shows the row busy, then what went wrong under it, if anything.
 */
function useDesk(source: Source, set: SetRowState) {
  const [editor, setEditor] = useState<string>();

  /** One change on the desk; the row says what went wrong, if anything. True when it failed. */
  const desk = async (key: string, change: DeskChange): Promise<boolean> => {
    set(key, { kind: "busy", what: "desk" });
    const note = await (await desking()).changeDesk(change);
    set(key, note === undefined ? undefined : { kind: "failed", note });
    return note !== undefined;
  };

  /** Closes the note's editor and gives the focus back to its Note button (the field is gone). */
  const close = (list: Element, key: string) => {
    setEditor(undefined);
    requestAnimationFrame(() => list.querySelector<HTMLButtonElement>(`button[data-desk="note"][data-row="${CSS.escape(key)}"]`)?.focus());
  };
  const field = (list: Element, key: string) => list.querySelector<HTMLTextAreaElement>(`textarea[data-note-for="${CSS.escape(key)}"]`);

  /** A click on one of the desk's buttons (data-desk says which), on a row or an account's heading. */
  const onDesk = (button: HTMLButtonElement, key: string, list: Element) => {
    const { desk: what, account: accountId, slug } = button.dataset;
    if (!accountId) return;
    const scope = { source: source.id, accountId, ...(slug === undefined ? {} : { slug }) };
    if (what === "claim" || what === "release" || what === "take-over") void desk(key, { ...scope, action: what });
    else if (what === "note-cancel" || (what === "note" && editor === key)) close(list, key);
    else if (what === "note") {
      setEditor(key);
      // Into the field when it opens, so the keyboard goes on from there.
      requestAnimationFrame(() => field(list, key)?.focus());
    } else if (what === "note-save" || what === "note-remove") {
      const text = what === "note-remove" ? "" : (field(list, key)?.value ?? "");
      // Kept open when the relay refused it, with what was typed.
      void desk(key, { ...scope, action: "note", text }).then((failed) => failed || close(list, key));
    }
  };

  /** Escape closes the note's editor; false when none was open. */
  const closeEditor = (event: KeyboardEvent): boolean => {
    if (event.key !== "Escape" || editor === undefined) return false;
    event.preventDefault();
    close(event.currentTarget as Element, editor);
    return true;
  };

  return { editor, desk, onDesk, closeEditor };
}

/** Sets a row's state, or clears it (the row shows its buttons as they are). */
type SetRowState = (key: string, state: RowState | undefined) => void;

/** The rows' states, by row key. */
function useRowStates(): [Record<string, RowState>, SetRowState] {
  const [states, setStates] = useState<Record<string, RowState>>({});
  const set = (key: string, state: RowState | undefined) =>
    setStates((previous) => {
      const next = { ...previous };
      if (state) next[key] = state;
      else delete next[key];
      return next;
    });
  return [states, set];
}

/** The row whose mute choices are open, if any (one at a time), and the keyboard moving in and out of them. */
function useMuteMenu() {
  const [menu, setMenu] = useState<string>();

  const toggleMenu = (key: string, list: Element) => {
    const opening = menu !== key;
    setMenu(opening ? key : undefined);
    // Into the choices when they open, so the keyboard goes on from there.
    if (opening) requestAnimationFrame(() => list.querySelector(`[data-menu-for="${CSS.escape(key)}"]`)?.querySelector<HTMLButtonElement>("button")?.focus());
  };

  /** Escape closes the mute choices and gives the focus back to the row's Mute button. */
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Escape" || menu === undefined) return;
    event.preventDefault();
    const list = event.currentTarget as Element;
    const key = menu;
    setMenu(undefined);
    requestAnimationFrame(() => list.querySelector<HTMLButtonElement>(`button[data-action="mute-menu"][data-row="${CSS.escape(key)}"]`)?.focus());
  };

  return { menu, setMenu, toggleMenu, onKeyDown };
}

/** The row a key names in the list: its app, and its linked account's id and label. */
function findRow(source: Source, model: ListModel, key: string) {
  return model.groups
    .flatMap((group) => group.apps.map((app) => ({ app, accountId: group.id, account: group.label })))
    .find(({ app, accountId }) => appKey(source.id, accountId, app.slug) === key);
}

/** Reconnect (opens the app's reconnect link) or Copy link, for one row; the row says how it went. */
async function openOrCopy(action: RowAction, key: string, source: Source, model: ListModel, set: SetRowState): Promise<void> {
  const found = findRow(source, model, key);
  if (!found) return;
  set(key, { kind: "busy", what: action === "reconnect" ? "open" : "copy" });
  const { fetchLink, openLink, copyText, followCopy, failureText, copiedNote, manualCopyNote, failedNote, sampleNote } = await links();
  // Sample data: say what the button does in the user's own org; nothing is asked, opened or copied.
  if (isSampleSource(source)) {
    set(key, { kind: "explained", note: sampleNote(action, found.app, found.account) });
    return;
  }
  const followed = { sourceId: source.id, accountId: found.accountId, slug: found.app.slug, name: found.app.name };
  try {
    const url = await fetchLink(source, found.app, found.accountId);
    if (action === "reconnect") {
      // The background opens the tab and follows the app up: this popup closes when the tab opens.
      await openLink(url, followed);
      set(key, undefined);
    } else {
      set(key, (await copyText(url)) ? { kind: "copied", note: copiedNote(found.app) } : { kind: "manual-copy", note: manualCopyNote(url) });
      await followCopy(followed);
    }
  } catch (error) {
    set(key, { kind: "failed", note: failedNote(failureText(error)) });
  }
}

function isLength(value: string | undefined): value is Length {
  return value === "hour" || value === "day" || value === "week" || value === "fixed";
}
