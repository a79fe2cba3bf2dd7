import type { Translator } from "./i18n/translator.ts";
import type { MessageKey } from "./i18n/keys.ts";
import { problemText } from "./problems.ts";
import type { SettingsField, SourceId } from "./settings.ts";
import type { BaseUrlProblem } from "./url.ts";

/**
 * Stored values that could not be read (and fell back, or were set aside), as data: the pages
 * word them when they show them.
 */
export type Notice = NoticeOf & {
  /** The source the notice is about, when there are several. */
  sourceId?: SourceId;
};

type NoticeOf =
  | { code: "settings-unreadable" }
  /** One setting fell back to its default; `problem` says why a readable base URL may not be used. */
  | { code: "field-reset"; field: SettingsField; problem?: BaseUrlProblem }
  /** A saved source that is not an object: left out. */
  | { code: "source-unreadable" }
  /** A saved source of a kind this version does not know (a newer version's): left out. */
  | { code: "source-unknown-kind"; kind: string }
  | { code: "results-unreadable" }
  | { code: "healthy-unreadable" }
  | { code: "accounts-unreadable"; count: number }
  /** Some check results were lost, how many is not known. */
  | { code: "part-unreadable" }
  /** The notifications preference could not be read: they are off. */
  | { code: "notifications-reset" }
  /** The stored sample-data preview choice could not be read: the preview is off. */
  | { code: "preview-unreadable" };

/** The label of each settings field, as the options page shows it. */
export const FIELD_LABEL: Record<SettingsField, MessageKey> = {
  label: "fieldLabel",
  apiKey: "fieldApiKey",
  baseUrl: "fieldBaseUrl",
  linkedAccountIds: "fieldLinkedAccountIds",
  intervalMinutes: "fieldIntervalMinutes",
  requestsPerMinute: "fieldRequestsPerMinute",
  relayUrl: "fieldRelayUrl",
  token: "fieldToken",
};

/** The notice in words; with `names` (sources.ts sourceNames), one about a source names it. */
export function noticeText(t: Translator, notice: Notice, names?: ReadonlyMap<SourceId, string>): string {
  const text = noticeBody(t, notice);
  const source = notice.sourceId === undefined ? undefined : names?.get(notice.sourceId);
  return source === undefined ? text : t.msg("noticeOfSource", { source, notice: text });
}

function noticeBody(t: Translator, notice: Notice): string {
  switch (notice.code) {
    case "settings-unreadable":
      return t.msg("noticeSettingsUnreadable");
    case "field-reset": {
      const field = t.msg(FIELD_LABEL[notice.field]);
      if (!notice.problem) return t.msg("noticeFieldUnreadable", { field });
      const problem = notice.field === "relayUrl" ? { code: "relay-url" as const, problem: notice.problem } : notice.problem;
      return t.msg("noticeFieldRejected", { field, reason: problemText(t, problem) });
    }
    case "source-unreadable":
      return t.msg("noticeSourceUnreadable");
    case "source-unknown-kind":
      return t.msg("noticeSourceUnknownKind", { kind: notice.kind });
    case "results-unreadable":
      return t.msg("noticeResultsUnreadable");
    case "healthy-unreadable":
      return t.msg("noticeHealthyUnreadable");
    case "accounts-unreadable":
      return t.plural("noticeAccountsUnreadable", notice.count);
    case "part-unreadable":
      return t.msg("noticePartUnreadable");
    case "notifications-reset":
      return t.msg("noticeNotificationsUnreadable");
    case "preview-unreadable":
      return t.msg("noticePreviewUnreadable");
  }
}
