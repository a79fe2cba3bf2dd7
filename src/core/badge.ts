import { APP_NAME, COUNT_COLOR, FAILURE_BADGE, STALE_COUNT_COLOR, type Rgb } from "./badge-table.ts";
import { clockMoment, plural } from "./format.ts";
import type { Settings } from "./settings.ts";
import { accountsNeedingReauth, failedAccounts, reauthCount, type Status } from "./status.ts";
import { currentError, fromPreviousSettings } from "./view-state.ts";

export interface BadgeState {
  text: string;
  color: Rgb;
  title: string;
}

export function countText(count: number): string {
  if (count <= 0) return "";
  return count > 99 ? "99+" : String(count);
}

/** The badge is a pure function of the settings and the stored status. */
export function badgeFor(settings: Settings, status: Status, now: number): BadgeState {
  const error = currentError(settings, status);
  const hasData = status.checkedAt !== undefined && status.source !== "";
  const count = reauthCount(status);
  const accounts = accountsNeedingReauth(status);
  const countPhrase =
    count === 0
      ? "No apps need re-authentication"
      : `${plural(count, "app")} need${count === 1 ? "s" : ""} re-authentication across ${plural(accounts, "linked account")}`;
  // A clock time, not "N minutes ago": the title is rendered only now and then, and must stay true.
  const checked = status.checkedAt === undefined ? "" : ` (checked ${clockMoment(status.checkedAt, now)})`;

  if (error) {
    const row = FAILURE_BADGE[error.kind];
    // "Not set up" has several causes (no key, no linked accounts); the message names this one.
    const detail = error.kind === "not-set-up" ? ` ${error.message}` : "";
    const title = `${APP_NAME}: ${row.title}.${detail}${hasData ? ` Last known: ${countPhrase}${checked}.` : ""}`;
    if (row.keepsCount && hasData && count > 0) return { text: countText(count), color: STALE_COUNT_COLOR, title };
    return { text: row.text, color: row.color, title };
  }
  if (fromPreviousSettings(settings, status)) {
    // The count (and any failure) belongs to the settings before the change: not shown as current.
    return { text: "…", color: STALE_COUNT_COLOR, title: `${APP_NAME}: checking the new settings. The last results were for the previous settings.` };
  }
  if (!hasData) {
    return { text: "…", color: STALE_COUNT_COLOR, title: `${APP_NAME}: checking for the first time.` };
  }
  const failed = failedAccounts(status);
  if (failed.length > 0) {
    const first = failed[0]!;
    const row = FAILURE_BADGE[first.error!.kind];
    const title = `${APP_NAME}: ${countPhrase}${checked}. ${plural(failed.length, "linked account")} could not be checked (${row.title.toLowerCase()}).`;
    return { text: count > 0 ? countText(count) : row.text, color: count > 0 ? COUNT_COLOR : row.color, title };
  }
  if (count === 0) return { text: "", color: COUNT_COLOR, title: `${APP_NAME}: all connected apps are healthy${checked}.` };
  return { text: countText(count), color: COUNT_COLOR, title: `${APP_NAME}: ${countPhrase}${checked}.` };
}
