import type { MessageKey, PluralKey } from "../i18n/keys.ts";
import type { Translator } from "../i18n/translator.ts";

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
const PLURAL_BY = {
  notifySummaryTitle: "count",
  notifySummaryMessage: "accounts",
  notifySummaryMessageInSource: "accounts",
} as const satisfies Partial<Record<PluralKey, string>>;

type PluralAlertKey = keyof typeof PLURAL_BY;

export type AlertMessageKey = PlainAlertKey | PluralAlertKey;

export interface Message {
  key: AlertMessageKey;
  params?: Record<string, string | number>;
}

function isPlural(key: AlertMessageKey): key is PluralAlertKey {
  return key in PLURAL_BY;
}

/**
 * The message in `t`'s language. A plural message takes its form from the number its PLURAL_BY
 * parameter holds, which fills its $count$; the other parameters fill their own placeholders.
 * The parameters are data made by notify.ts, so they are passed as they are (the catalogs' test
 * holds every message to the placeholders it declares).
 */
export function alertText(t: Translator, message: Message): string {
  const params = message.params ?? {};
  if (!isPlural(message.key)) return (t.msg as (key: string, params: object) => string)(message.key, params);
  const by = PLURAL_BY[message.key];
  const { [by]: count, ...rest } = params;
  return (t.plural as (key: string, count: number, params: object) => string)(message.key, Number(count ?? 0), rest);
}
