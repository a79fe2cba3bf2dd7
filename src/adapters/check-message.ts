import { z } from "../core/kit/zod.ts";
import { DESK_ACTIONS, MUTE_LENGTHS } from "../relay/protocol/desk.ts";
import type { CheckMessage, DeskMessage, HealthyMessage } from "./messages.ts";

/** What the background accepts as a page's request for a check (messages.ts sends it). */
export const CheckMessageSchema = z.object({
  type: z.literal("check"),
  trigger: z.enum(["refresh", "settings", "open", "watch"]),
  source: z.optional(z.string()),
}) satisfies z.ZodMiniType<CheckMessage, unknown>;

/** What the background accepts as the popup's request for a relay source's healthy apps. */
export const HealthyMessageSchema = z.object({
  type: z.literal("healthy"),
  source: z.string(),
}) satisfies z.ZodMiniType<HealthyMessage, unknown>;

/** What the background accepts as the popup's change on a relay source's team desk. */
export const DeskMessageSchema = z.object({
  type: z.literal("desk"),
  source: z.string(),
  action: z.enum(DESK_ACTIONS),
  accountId: z.string().check(z.minLength(1), z.maxLength(400)),
  slug: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  length: z.optional(z.enum(MUTE_LENGTHS)),
  text: z.optional(z.string().check(z.maxLength(2_000))),
}) satisfies z.ZodMiniType<DeskMessage, unknown>;
