import { plural } from "../format.ts";
import type { CheckNote, ErrorInfo } from "../status.ts";

/*
 * What a check noticed that is not a failure. Kept as data (Status.notes) and, for the pages of
 * today, as the sentence they show (Status.notice); a later version renders the data instead.
 */

function sentence(note: CheckNote): string {
  switch (note.code) {
    case "listing-changed":
      return "The list of linked accounts changed while it was being read; accounts added meanwhile appear at the next check.";
    case "accounts-skipped":
      return `${plural(note.count, "entry", "entries")} of Cobalt's list of linked accounts could not be read and ${note.count === 1 ? "was" : "were"} left out.`;
    case "no-accounts":
      return "This API key's environment has no linked accounts yet; every check looks again. Test keys (tk…) and production keys (pk…) see different linked accounts.";
  }
}

export function noticeFor(notes: CheckNote[], at: number): ErrorInfo | undefined {
  if (notes.length === 0) return undefined;
  const kind = notes.some((note) => note.code === "no-accounts") ? "not-set-up" : "bad-response";
  return { kind, message: notes.map(sentence).join(" "), at };
}
