import { api } from "./browser.ts";
import { z } from "../core/zod.ts";

/** Messages from the pages to the background: fire a check, and hear when it is over. */
export const CheckMessageSchema = z.object({ type: z.literal("check"), trigger: z.enum(["refresh", "settings", "open"]) });
export type CheckMessage = z.infer<typeof CheckMessageSchema>;

export async function requestCheck(trigger: CheckMessage["trigger"]): Promise<void> {
  const message: CheckMessage = { type: "check", trigger };
  await api().runtime.sendMessage(message);
}
