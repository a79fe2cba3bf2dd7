import type { Translator } from "../i18n/translator.ts";
import type { CheckNote } from "../status/model.ts";

/* What a check noticed that is not a failure: kept as data (Status.notes), worded when shown. */

export function noteText(t: Translator, note: CheckNote): string {
  switch (note.code) {
    case "listing-changed":
      return t.msg("noteListingChanged");
    case "accounts-skipped":
      return t.plural("noteAccountsSkipped", note.count);
    case "no-accounts":
      return t.msg("noteNoAccounts");
  }
}

/** All of a check's notes, one sentence after the other ("" for none). */
export function notesText(t: Translator, notes: CheckNote[]): string {
  const [first = "", ...rest] = notes.map((note) => noteText(t, note));
  return rest.reduce((text, next) => t.msg("joinSentences", { first: text, second: next }), first);
}
