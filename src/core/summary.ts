import { FAILURE_BADGE } from "./badge-table.ts";
import { plural } from "./format.ts";
import type { CheckSettings } from "./settings.ts";
import { environmentLabel } from "./sources.ts";
import { accountsNeedingReauth, failedAccounts, reauthCount, type Status } from "./status.ts";
import { currentError } from "./view-state.ts";

/** The one sentence the options page says after a check: "Connected (test environment): …". */
export function connectionSummary(settings: CheckSettings, status: Status): { ok: boolean; text: string } {
  const error = currentError(settings, status);
  if (error) return { ok: false, text: `${FAILURE_BADGE[error.kind].title}. ${error.message}` };
  const watched = status.accountsTotal ?? status.accounts.length;
  const count = reauthCount(status);
  const needs = count === 0 ? "no apps need re-authentication" : `${plural(count, "app")} need${count === 1 ? "s" : ""} re-authentication`;
  const spread = count > 0 && watched > 1 ? ` in ${plural(accountsNeedingReauth(status), "linked account")}` : "";
  const failed = failedAccounts(status);
  const failedText = failed.length > 0 ? `; ${plural(failed.length, "linked account")} could not be checked` : "";
  return { ok: true, text: `Connected (${environmentLabel(settings)}): ${plural(watched, "linked account")}, ${needs}${spread}${failedText}.` };
}
