import { uiTranslator } from "../../adapters/i18n.ts";

/** The notice's words, in each kind of source's own messages. */
export interface ChangedElsewhereWords {
  changedElsewhere: "optionsChangedElsewhere" | "relayChangedElsewhere";
  loadSaved: "optionsLoadSaved" | "relayLoadSaved";
}

/**
 * Said while the stored settings were changed in another tab and this form has edits: the edits
 * are kept (they are never overwritten under the user's typing), Save stores them over the other
 * tab's, and the button loads the other tab's instead.
 */
export function ChangedElsewhere({ words, onLoad }: { words: ChangedElsewhereWords; onLoad(): void }) {
  const t = uiTranslator();
  return (
    <div class="banner warn" role="status">
      <p>{t.msg(words.changedElsewhere)}</p>
      <button type="button" onClick={onLoad}>
        {t.msg(words.loadSaved)}
      </button>
    </div>
  );
}
