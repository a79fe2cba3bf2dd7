import type { Translator } from "../i18n/translator.ts";
import type { MessageKey } from "../i18n/keys.ts";
import { problemText } from "./problems.ts";
import type { SettingsField } from "../settings/model.ts";
import type { SourceId } from "../settings/source-ids.ts";
import type { Notice } from "../settings/notices.ts";
import type { BaseUrlProblem } from "../kit/url.ts";

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
  badgeUnclaimedOnly: "fieldBadgeUnclaimedOnly",
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
      // An address that cannot be read is left empty, not set to a default (settings/parse.ts).
      if (!notice.problem) return t.msg(notice.field === "baseUrl" || notice.field === "relayUrl" ? "noticeAddressUnreadable" : "noticeFieldUnreadable", { field });
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
