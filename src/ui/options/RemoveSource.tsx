import { useState } from "preact/hooks";
import { removeSource } from "../../adapters/storage.ts";

/** This component's words, in one place. */
const TEXT = {
  remove: "Remove this source",
  discard: "Discard this source",
  confirm: (name: string) => `Remove "${name}"? Its API key, its check results and its schedule are deleted from this browser.`,
  yes: "Remove",
  cancel: "Cancel",
};

/**
 * Removes a saved source after the user confirms it (the background then deletes its data and
 * alarms), or drops one not saved yet, which has nothing to lose.
 */
export function RemoveSource({ id, name, stored, onDiscard }: { id: string; name: string; stored: boolean; onDiscard(): void }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <div class="remove-row">
        <button type="button" onClick={() => (stored ? setConfirming(true) : onDiscard())}>
          {stored ? TEXT.remove : TEXT.discard}
        </button>
      </div>
    );
  }
  return (
    <div class="banner warn" role="alert">
      <p>{TEXT.confirm(name)}</p>
      <button type="button" onClick={() => void removeSource(id)}>
        {TEXT.yes}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        {TEXT.cancel}
      </button>
    </div>
  );
}
