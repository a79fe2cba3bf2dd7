import { requestDesk, type DeskMessage, type DeskReply } from "../../adapters/messages.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { errorMessage } from "../../core/words/error-text.ts";
import { NOTE_MAX } from "./desk-row.tsx";
import { failedNote } from "./row-notes.tsx";

/*
 * A change on a relay source's team desk from the popup (I'm on it, Release, Take over, a team
 * mute or unmute, a note): the background asks the relay with the member token and polls it, and
 * answers when the change is in storage, so the popup shows it from there. What the relay refused
 * or why it could not be asked is said under the row. Loaded with the first such click.
 */

export type DeskChange = Omit<DeskMessage, "type">;

/** Undefined when done; else the note that says why not, for under the row. */
export async function changeDesk(change: DeskChange) {
  const reply: DeskReply = await requestDesk(change).catch((): DeskReply => ({ ok: false }));
  return reply.ok ? undefined : failedNote(refusalText(reply));
}

function refusalText(reply: Extract<DeskReply, { ok: false }>): string {
  const t = uiTranslator();
  switch (reply.refused) {
    case "claimed":
      return t.msg("deskRefusedClaimed");
    case "not-yours":
      return t.msg("deskRefusedNotYours");
    case "desk-full":
      return t.msg("deskRefusedFull");
    case "note-too-long":
      return t.msg("deskRefusedTooLong", { max: NOTE_MAX });
    case "unknown-account":
    case "app-not-reauth":
    case "unknown-source":
      return t.msg("deskRefusedGone");
    case undefined:
      return reply.error ? t.msg("deskFailed", { error: errorMessage(t, reply.error) }) : t.msg("deskFailedNoAnswer");
  }
}
