import type { Translator } from "../i18n/translator.ts";
import { PLURAL_BY, type AlertMessageKey, type Message, type PluralAlertKey } from "../alerts/messages.ts";

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
