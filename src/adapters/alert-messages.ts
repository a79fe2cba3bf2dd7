import { api } from "./browser.ts";
import type { FollowedApp } from "../core/alerts/followups.ts";
import { z } from "../core/kit/zod.ts";
import { ApiError } from "../core/api/errors.ts";

/*
 * Messages from the popup to the background about one app. The background opens the
 * reconnect tab itself: a popup closes as soon as a tab takes the focus, and whatever it had still
 * to do (remember the tab, start the follow-up) would be lost with it.
 */

const FollowedAppSchema = z.object({ sourceId: z.string(), accountId: z.string(), slug: z.string(), name: z.string() });

export const AlertMessageSchema = z.union([
  /** Open this reconnect link in a tab and follow the app up. */
  z.object({ type: z.literal("reconnect"), url: z.string(), app: FollowedAppSchema }),
  /** A reconnect link of this app was copied: follow it up over a longer window. */
  z.object({ type: z.literal("copied"), app: FollowedAppSchema }),
]);
export type AlertMessage = z.infer<typeof AlertMessageSchema>;

/** Resolves once the background has opened the tab; rejects if it could not. */
export async function requestReconnect(url: string, app: FollowedApp): Promise<void> {
  const message: AlertMessage = { type: "reconnect", url, app };
  const answer = (await api().runtime.sendMessage(message)) as { ok?: boolean } | undefined;
  // A kind and cause, worded by the page in its language (core/words/error-text.ts).
  if (answer?.ok !== true) throw new ApiError("unexpected", { cause: "tab-not-opened" });
}

export async function reportCopied(app: FollowedApp): Promise<void> {
  const message: AlertMessage = { type: "copied", app };
  await api().runtime.sendMessage(message);
}
