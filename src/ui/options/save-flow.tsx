import type { ComponentChild } from "preact";
import { uiTranslator } from "../../adapters/i18n.ts";
import { requestCheck } from "../../adapters/messages.ts";
import { requestApiPermission } from "../../adapters/permissions.ts";
import { saveSource } from "../../adapters/storage.ts";
import { toApiError } from "../../core/api/errors.ts";
import { errorMessage } from "../../core/words/error-text.ts";
import type { Source } from "../../core/settings/model.ts";
import type { Progress, Status } from "../../core/status/model.ts";
import { originOf } from "../../core/kit/url.ts";

/** What the page gives each source's form, of either kind. */
export interface SourceFormProps<S extends Source = Source> {
  /** As stored, or a new source not saved yet (`stored` false). */
  source: S;
  stored: boolean;
  /** The first source keeps the page's historical element ids. */
  first: boolean;
  /** Set when the page shows several sources: this one's heading and region name. */
  name: string | undefined;
  status: Status;
  progress: Progress | null;
  now: number;
  /** Whether this source may be removed (never the last one). */
  removable: boolean;
  /** Drops a source not saved yet. */
  onDiscard(): void;
  /** The choice of kind (Cobalt key or team relay), while the source holds nothing worth keeping (KindChoice). */
  choice?: ComponentChild;
}

/** A source form's Save, as its status line says it. */
export type SaveState = { state: "idle" } | { state: "saving" } | { state: "saved" } | { state: "failed"; message: string };

/** One valid source to store, and what its form does around the save. */
export interface SaveSteps {
  next: Source;
  /** Where the source is checked: its origin is asked for in the click. */
  url: string;
  /** The origin was refused: the form marks its address field. */
  refused(origin: string): void;
  /** The form shows the values as saved before storage echoes them back (so the echo is not
   * taken for a change made elsewhere); the function returned undoes that when the save fails. */
  showSaved(): () => void;
  words: { refused: "optionsPermissionRefused" | "relayPermissionRefused"; failed: "optionsSaveFailed" | "relaySaveFailed" };
}

/**
 * Save for a source of either kind: asks for the origin first and synchronously (the browser's
 * prompt only appears during the click; origins already granted resolve at once), stores the
 * source, then has it checked. A failure (a full storage, say) is said in the user's language.
 */
export function saveFromForm(steps: SaveSteps, setSave: (state: SaveState) => void): void {
  const t = uiTranslator();
  setSave({ state: "saving" });
  requestApiPermission(steps.url)
    .catch(() => false)
    .then(async (granted) => {
      if (!granted) {
        steps.refused(originOf(steps.url));
        setSave({ state: "failed", message: t.msg(steps.words.refused) });
        return;
      }
      const undo = steps.showSaved();
      await saveSource(steps.next).catch((error: unknown) => {
        undo();
        throw error;
      });
      setSave({ state: "saved" });
      await requestCheck("settings", steps.next.id);
    })
    .catch((error: unknown) => setSave({ state: "failed", message: t.msg(steps.words.failed, { why: errorMessage(t, toApiError(error).info(Date.now())) }) }));
}
