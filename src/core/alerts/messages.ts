/*
 * What the alerts say, as data for the i18n layer: a catalog key and its parameters, never a
 * sentence. The keys below are to be added to public/_locales/<lang>/messages.json by the round
 * that wires notifications up; the English text each is meant to say is given beside it
 * ($NAME$ is the parameter `name`).
 */

export type AlertMessageKey =
  /** "$APP$ needs re-authentication" */
  | "notifyBreakTitle"
  /** "Linked account: $ACCOUNT$" */
  | "notifyBreakMessage"
  /** "Linked account: $ACCOUNT$ ($SOURCE$)" — when the user has several sources. */
  | "notifyBreakMessageInSource"
  /** "$COUNT$ apps need re-authentication" (plural by count) */
  | "notifySummaryTitle"
  /** "In $ACCOUNTS$ linked accounts. Open the list to reconnect them." (plural by accounts) */
  | "notifySummaryMessage"
  /** "In $ACCOUNTS$ linked accounts of $SOURCE$. Open the list to reconnect them." */
  | "notifySummaryMessageInSource"
  /** "Cobalt rejected the API key" */
  | "notifyKeyRejectedTitle"
  /** "Checks are paused until a valid key is saved in Options." */
  | "notifyKeyRejectedMessage"
  /** "Checks of $SOURCE$ are paused until a valid key is saved in Options." */
  | "notifyKeyRejectedMessageInSource"
  /** "Cobalt refused access" */
  | "notifyAccessRefusedTitle"
  /** "This API key may not read the linked accounts. Checks are paused until that is fixed." */
  | "notifyAccessRefusedMessage"
  /** "The API key of $SOURCE$ may not read the linked accounts. Checks are paused until that is fixed." */
  | "notifyAccessRefusedMessageInSource";

export interface Message {
  key: AlertMessageKey;
  params?: Record<string, string | number>;
}
