import { environmentLabel } from "./environment.ts";
import { errorSummary } from "./error-text.ts";
import type { Translator } from "../i18n/translator.ts";
import type { Watched } from "../settings/model.ts";
import { accountsNeedingReauth, accountsWatched, failedAccounts, reauthCount, type Status } from "../status/model.ts";
import { currentError } from "../status/view-state.ts";

/** The one sentence the options page says after a check: "Connected (test environment): …". */
export function connectionSummary(t: Translator, settings: Watched, status: Status): { ok: boolean; text: string } {
  const error = currentError(settings, status);
  if (error) return { ok: false, text: errorSummary(t, error) };
  const watched = accountsWatched(status);
  const count = reauthCount(status);
  const spread = count > 0 && watched > 1;
  const needs =
    count === 0
      ? t.msg("summaryNeedsNone")
      : spread
        ? t.plural("summaryNeedsIn", count, { in: t.plural("countAccountsIn", accountsNeedingReauth(status)) })
        : t.plural("summaryNeeds", count);
  const accounts = t.plural("countLinkedAccounts", watched);
  const failed = failedAccounts(status).length;
  const details =
    failed > 0 ? t.msg("summaryDetailsFailed", { accounts, needs, failed: t.plural("countAccountsNotChecked", failed) }) : t.msg("summaryDetails", { accounts, needs });
  return { ok: true, text: t.msg("summaryConnected", { environment: environmentLabel(t, settings), details }) };
}
