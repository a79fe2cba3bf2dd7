import { useState } from "preact/hooks";
import { appKey } from "../../core/ids.ts";
import type { ListModel } from "../../core/list-model.ts";
import type { Source } from "../../core/settings.ts";
import { isSampleSource } from "../../core/preview/state.ts";
import type { RowAction, RowState } from "./app-row.tsx";

// The API client and reconnect logic load on the first click: the list paints without them.
const links = () => import("./links.ts");

/**
 * Reconnect and Copy for every row of one source's list, from one click handler on it, with that
 * source's key and base URL. Row states live here, keyed by source, linked account and slug, so
 * rows stay plain markup. A disabled button does nothing:
 * that is how a list from before a settings change is kept from acting (appRow's `locked`).
 */
export function useRowActions(source: Source, model: ListModel) {
  const [states, setStates] = useState<Record<string, RowState>>({});
  const set = (key: string, state: RowState | undefined) =>
    setStates((previous) => {
      const next = { ...previous };
      if (state) next[key] = state;
      else delete next[key];
      return next;
    });

  const run = async (action: RowAction, key: string) => {
    const found = model.groups
      .flatMap((group) => group.apps.map((app) => ({ app, accountId: group.id, account: group.label })))
      .find(({ app, accountId }) => appKey(source.id, accountId, app.slug) === key);
    if (!found) return;
    set(key, { kind: "busy", what: action === "reconnect" ? "open" : "copy" });
    const { fetchLink, openLink, copyText, failureText, copiedNote, manualCopyNote, failedNote, sampleNote } = await links();
    // Sample data: say what the button does in the user's own org; nothing is asked, opened or copied.
    if (isSampleSource(source)) {
      set(key, { kind: "explained", note: sampleNote(action, found.app, found.account) });
      return;
    }
    try {
      const url = await fetchLink(source, found.app, found.accountId);
      if (action === "reconnect") {
        await openLink(url);
        set(key, undefined);
      } else {
        set(key, (await copyText(url)) ? { kind: "copied", note: copiedNote(found.app) } : { kind: "manual-copy", note: manualCopyNote(url) });
      }
    } catch (error) {
      set(key, { kind: "failed", note: failedNote(failureText(error)) });
    }
  };

  const onClick = (event: MouseEvent) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>("button[data-action]");
    const action = button?.dataset.action;
    const key = button?.dataset.row;
    if (button && !button.disabled && key && (action === "reconnect" || action === "copy")) void run(action, key);
  };

  return { states, onClick };
}
