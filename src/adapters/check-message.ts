import { z } from "../core/kit/zod.ts";
import type { CheckMessage, HealthyMessage } from "./messages.ts";

/** What the background accepts as a page's request for a check (messages.ts sends it). */
export const CheckMessageSchema = z.object({
  type: z.literal("check"),
  trigger: z.enum(["refresh", "settings", "open"]),
  source: z.optional(z.string()),
}) satisfies z.ZodMiniType<CheckMessage, unknown>;

/** What the background accepts as the popup's request for a relay source's healthy apps. */
export const HealthyMessageSchema = z.object({
  type: z.literal("healthy"),
  source: z.string(),
}) satisfies z.ZodMiniType<HealthyMessage, unknown>;
