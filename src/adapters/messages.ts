import { api } from "./browser.ts";

/** Messages from the pages to the background: fire a check of one source (or of every source
 * when none is named), and hear when it is over. The background reads them with
 * check-message.ts (zod, kept out of the pages, which only send). */
export interface CheckMessage {
  type: "check";
  trigger: "refresh" | "settings" | "open";
  source?: string;
}

export async function requestCheck(trigger: CheckMessage["trigger"], source?: string): Promise<void> {
  const message: CheckMessage = source === undefined ? { type: "check", trigger } : { type: "check", trigger, source };
  await api().runtime.sendMessage(message);
}
