import { uiTranslator } from "../../adapters/i18n.ts";
import type { SaveState } from "./save-flow.tsx";

/** The Save button's and the status line's words, in each kind of source's own messages. */
export interface SaveWords {
  save: "optionsSave" | "relaySave";
  saving: "optionsSaving" | "relaySaving";
  saved: "optionsSaved" | "relaySaved";
}

/** A source form's own Save, and a status line saying how its last save went (announced as it changes). */
export function SaveBar({ save, words }: { save: SaveState; words: SaveWords }) {
  const t = uiTranslator();
  const said = save.state === "saving" ? t.msg(words.saving) : save.state === "saved" ? t.msg(words.saved) : save.state === "failed" ? save.message : "";
  return (
    <div class="save-row">
      <button type="submit" class="primary" disabled={save.state === "saving"}>
        {t.msg(words.save)}
      </button>
      <span class={`save-state ${save.state}`} role="status">
        {said}
      </span>
    </div>
  );
}
