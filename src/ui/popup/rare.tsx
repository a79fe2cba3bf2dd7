import { uiTranslator } from "../../adapters/i18n.ts";
import { notesText } from "../../core/words/notes.ts";
import { errorMessage } from "../../core/words/error-text.ts";
import { ago } from "../../core/words/format.ts";
import type { ErrorInfo, Status } from "../../core/status/model.ts";

/*
 * What the popup shows only now and then: failures, notices about damaged storage, notes on the
 * last check, the sample-data banner. Their words and logic are most of the popup's code, and a
 * popup with nothing wrong needs none of it, so this module loads only when one of them is to be
 * shown (lazy.tsx), before the first paint when the stored data already says so.
 */

export { Notices, StatusBanner } from "../shared/StatusBanner.tsx";
export { PreviewBanner } from "../shared/Preview.tsx";

export function NotesBanner({ notes }: { notes: NonNullable<Status["notes"]> }) {
  return <p class="banner warn">{notesText(uiTranslator(), notes)}</p>;
}

/** Why a relay source's healthy apps could not be fetched (any listed are the ones from before). */
export function HealthyFailure({ error }: { error: ErrorInfo }) {
  const t = uiTranslator();
  return (
    <p class="banner warn" role="status">
      {t.msg("popupHealthyFailed", { error: errorMessage(t, error) })}
    </p>
  );
}

/** Why an account could not be checked, and how old the apps still listed for it are. */
export function AccountFailure({ error, checkedAt, now }: { error: ErrorInfo; checkedAt: number | undefined; now: number }) {
  const t = uiTranslator();
  const failed = t.msg("popupAccountFailed", { error: errorMessage(t, error) });
  if (checkedAt === undefined) return <>{failed}</>;
  return <>{t.msg("joinSentences", { first: failed, second: t.msg("popupAccountDataFrom", { when: ago(t, checkedAt, now) }) })}</>;
}
