import { useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import { removeSource } from "../../adapters/storage.ts";

/**
 * Removes a saved source after the user confirms it (the background then deletes its data and
 * alarms), or drops one not saved yet, which has nothing to lose.
 */
export function RemoveSource({ id, name, stored, onDiscard }: { id: string; name: string; stored: boolean; onDiscard(): void }) {
  const [confirming, setConfirming] = useState(false);
  const t = uiTranslator();
  if (!confirming) {
    return (
      <div class="remove-row">
        <button type="button" onClick={() => (stored ? setConfirming(true) : onDiscard())}>
          {stored ? t.msg("optionsRemoveSource") : t.msg("optionsDiscardSource")}
        </button>
      </div>
    );
  }
  return (
    <div class="banner warn" role="alert">
      <p>{t.msg("optionsRemoveConfirm", { name })}</p>
      <button type="button" onClick={() => void removeSource(id)}>
        {t.msg("optionsRemoveYes")}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        {t.msg("optionsRemoveCancel")}
      </button>
    </div>
  );
}
