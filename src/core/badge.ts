import { COUNT_COLOR, FAILURE_BADGE, STALE_COUNT_COLOR, type Rgb } from "./badge-table.ts";
import { errorDetail, errorTitle, errorTitleSentence } from "./error-text.ts";
import { clockMoment } from "./format.ts";
import type { Translator } from "./i18n/translator.ts";
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

/** The badge is a pure function of the settings and the stored status, worded in `t`'s language. */
export function badgeFor(settings: Settings, status: Status, now: number, t: Translator): BadgeState {
  const error = currentError(settings, status);
  const hasData = status.checkedAt !== undefined && status.source !== "";
  const count = reauthCount(status);
  const titled = (text: string) => t.msg("badgeTitle", { app: t.msg("appName"), text });
  const then = (first: string, second: string) => t.msg("joinSentences", { first, second });
  const summary = count === 0 ? t.msg("badgeCountNone") : t.plural("badgeCount", count, { across: t.plural("countAccountsAcross", accountsNeedingReauth(status)) });
  // A clock time, not "N minutes ago": the title is rendered only now and then, and must stay true.
  const checked = status.checkedAt === undefined ? "" : t.msg("badgeChecked", { when: clockMoment(t, status.checkedAt, now) });

  if (error) {
    const row = FAILURE_BADGE[error.kind];
    let text = errorTitleSentence(t, error.kind);
    // "Not set up" has several causes (no key, no linked accounts): the detail names this one.
    const detail = error.kind === "not-set-up" ? errorDetail(t, error) : "";
    if (detail !== "") text = then(text, detail);
    if (hasData) text = then(text, t.msg("badgeLastKnown", { summary, checked }));
    if (row.keepsCount && hasData && count > 0) return { text: countText(count), color: STALE_COUNT_COLOR, title: titled(text) };
    return { text: row.text, color: row.color, title: titled(text) };
  }
  if (fromPreviousSettings(settings, status)) {
    // The count (and any failure) belongs to the settings before the change: not shown as current.
    return { text: "…", color: STALE_COUNT_COLOR, title: titled(t.msg("badgeCheckingNewSettings")) };
  }
  if (!hasData) {
    return { text: "…", color: STALE_COUNT_COLOR, title: titled(t.msg("badgeCheckingFirstTime")) };
  }
  const failed = failedAccounts(status);
  if (failed.length > 0) {
    const row = FAILURE_BADGE[failed[0]!.error!.kind];
    const accounts = t.msg("badgeAccountsFailed", { failed: t.plural("countAccountsNotChecked", failed.length), why: errorTitle(t, failed[0]!.error!.kind) });
    const title = titled(then(t.msg("badgeSummaryChecked", { summary, checked }), accounts));
    return { text: count > 0 ? countText(count) : row.text, color: count > 0 ? COUNT_COLOR : row.color, title };
  }
  if (count === 0) return { text: "", color: COUNT_COLOR, title: titled(t.msg("badgeHealthy", { checked })) };
  return { text: countText(count), color: COUNT_COLOR, title: titled(t.msg("badgeSummaryChecked", { summary, checked })) };
}
