import type { Translator } from "./i18n/translator.ts";
import type { MessageKey } from "./i18n/keys.ts";
import { problemText } from "./problems.ts";
import type { SettingsField } from "./settings.ts";
import type { BaseUrlProblem } from "./url.ts";

/**
 * Stored values that could not be read (and fell back, or were set aside), as data: the pages
 * word them when they show them.
 */
export type Notice =
  | { code: "settings-unreadable" }
  /** One setting fell back to its default; `problem` says why a readable base URL may not be used. */
  | { code: "field-reset"; field: SettingsField; problem?: BaseUrlProblem }
  | { code: "results-unreadable" }
  | { code: "healthy-unreadable" }
  | { code: "accounts-unreadable"; count: number }
  /** Some check results were lost, how many is not known. */
  | { code: "part-unreadable" };

/** The label of each settings field, as the options page shows it. */
export const FIELD_LABEL: Record<SettingsField, MessageKey> = {
  apiKey: "fieldApiKey",
  baseUrl: "fieldBaseUrl",
  linkedAccountIds: "fieldLinkedAccountIds",
  intervalMinutes: "fieldIntervalMinutes",
  requestsPerMinute: "fieldRequestsPerMinute",
};

export function noticeText(t: Translator, notice: Notice): string {
  switch (notice.code) {
    case "settings-unreadable":
      return t.msg("noticeSettingsUnreadable");
    case "field-reset": {
      const field = t.msg(FIELD_LABEL[notice.field]);
      return notice.problem ? t.msg("noticeFieldRejected", { field, reason: problemText(t, notice.problem) }) : t.msg("noticeFieldUnreadable", { field });
    }
    case "results-unreadable":
      return t.msg("noticeResultsUnreadable");
    case "healthy-unreadable":
      return t.msg("noticeHealthyUnreadable");
    case "accounts-unreadable":
      return t.plural("noticeAccountsUnreadable", notice.count);
    case "part-unreadable":
      return t.msg("noticePartUnreadable");
  }
}
