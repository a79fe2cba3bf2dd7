import type { CobaltClient } from "./client.ts";
import { ApiError, toApiError } from "./errors.ts";
import type { AppRecord } from "./records.ts";
import { isHttpUrl } from "../kit/url.ts";

export type ReconnectLink = { url: string; via: "oauth" | "portal" };

/**
 * Asks Cobalt for a reconnect link at the moment the user wants one: links carry short-lived
 * state and tokens, so they are never made ahead of time or pieced together by hand. An OAuth
 * app gets its provider's consent page; anything else, or an OAuth app whose link cannot be had,
 * gets Cobalt's hosted portal for that linked account.
 */
export async function reconnectLink(
  client: Pick<CobaltClient, "getOAuthUrl" | "createSessionToken" | "createConnectUrl">,
  app: Pick<AppRecord, "slug" | "authType">,
  linkedAccountId: string,
): Promise<ReconnectLink> {
  if (app.authType === "oauth2") {
    try {
      const url = await client.getOAuthUrl(app.slug, linkedAccountId);
      if (isHttpUrl(url)) return { url, via: "oauth" };
    } catch (error) {
      const failure = toApiError(error);
      // A rejected key fails the portal route the same way; say so once, plainly.
      if (failure.kind === "unauthorized" || failure.kind === "network" || failure.kind === "permission") throw failure;
    }
  }
  const token = await client.createSessionToken(linkedAccountId);
  const url = await client.createConnectUrl(token);
  if (!isHttpUrl(url)) {
    throw new ApiError("bad-response", { cause: "not-web-link" });
  }
  return { url, via: "portal" };
}
