import type { MessageKey, PluralKey } from "../i18n/keys.ts";

/*
 * What the alerts say, as data: a catalog key and its parameters, never a sentence. notify.ts
 * plans with these; the background words them with alertText in the browser's language when it
 * shows a notification. The texts are in public/_locales/<lang>/messages.json.
 */

/** A compile error for a name the English catalog does not have. */
type InCatalog<K extends MessageKey> = K;

/** Messages with one form. */
type PlainAlertKey = InCatalog<
  | "notifyBreakTitle"
  | "notifyBreakMessage"
  | "notifyBreakMessageInSource"
  | "notifyKeyRejectedTitle"
  | "notifyKeyRejectedMessage"
  | "notifyKeyRejectedMessageInSource"
  | "notifyAccessRefusedTitle"
  | "notifyAccessRefusedMessage"
  | "notifyAccessRefusedMessageInSource"
>;

/** Messages with plural forms, and the parameter whose number chooses the form. */
export const PLURAL_BY = {
  notifySummaryTitle: "count",
  notifySummaryMessage: "accounts",
  notifySummaryMessageInSource: "accounts",
} as const satisfies Partial<Record<PluralKey, string>>;

export type PluralAlertKey = keyof typeof PLURAL_BY;

export type AlertMessageKey = PlainAlertKey | PluralAlertKey;

export interface Message {
  key: AlertMessageKey;
  params?: Record<string, string | number>;
}
