import { z } from "../core/kit/zod.ts";
import type { CheckMessage } from "./messages.ts";

/** What the background accepts as a page's request for a check (messages.ts sends it). */
export const CheckMessageSchema = z.object({
  type: z.literal("check"),
  trigger: z.enum(["refresh", "settings", "open"]),
  source: z.optional(z.string()),
}) satisfies z.ZodMiniType<CheckMessage, unknown>;
