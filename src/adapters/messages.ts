import { api } from "./browser.ts";
import { z } from "../core/zod.ts";

/** Messages from the pages to the background: fire a check of one source (or of every source
 * when none is named), and hear when it is over. */
export const CheckMessageSchema = z.object({ type: z.literal("check"), trigger: z.enum(["refresh", "settings", "open"]), source: z.optional(z.string()) });
export type CheckMessage = z.infer<typeof CheckMessageSchema>;

export async function requestCheck(trigger: CheckMessage["trigger"], source?: string): Promise<void> {
  const message: CheckMessage = source === undefined ? { type: "check", trigger } : { type: "check", trigger, source };
  await api().runtime.sendMessage(message);
}
