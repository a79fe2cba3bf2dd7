import { CobaltClient, type Fetch } from "../../../core/api/client.ts";
import { toApiError, type ErrorKind } from "../../../core/api/errors.ts";
import type { RequestWindow } from "./request-window.ts";

/** What the relay tells members about a failure, besides its kind: numbers, never Cobalt's words. */
export type FailureDetail = {
  kind: ErrorKind;
  status?: number;
  retryAfterMs?: number;
};

/** The calls a check makes. */
export type CheckClient = Pick<CobaltClient, "listApplications" | "listLinkedAccounts">;
/** The calls a reconnect link makes. */
export type LinkClient = Pick<CobaltClient, "getOAuthUrl" | "createSessionToken" | "createConnectUrl">;

export interface MeteredClient extends CheckClient {
  /** The link calls, each refused with a BudgetFullError when its turn would come after `deadline`. */
  forLink(deadline: number): LinkClient;
}

/**
 * Wraps the core's client so every call waits its turn in the request window: a check's behind
 * whatever waits already, a link's (a member is waiting) ahead of the checks' but only until
 * `deadline`. The core's stored errors keep only kind and prose, so the HTTP status and
 * Retry-After of each check failure are noted here, by linked account ("" for the listing), for
 * the status the relay serves.
 */
export function meteredClient(
  options: { baseUrl: string; apiKey: string; fetch: Fetch; now: () => number },
  window: RequestWindow,
  noteFailure: (accountId: string, detail: FailureDetail | undefined) => void,
): MeteredClient {
  const client = new CobaltClient({ baseUrl: options.baseUrl, apiKey: options.apiKey, fetch: options.fetch });
  const watched = async <T>(accountId: string, call: () => Promise<T>): Promise<T> => {
    await window.acquire();
    try {
      const result = await call();
      noteFailure(accountId, undefined);
      return result;
    } catch (error) {
      noteFailure(accountId, detailOf(error));
      throw error;
    }
  };
  return {
    listApplications: (id) => watched(id, () => client.listApplications(id)),
    listLinkedAccounts: (page, limit) => watched("", () => client.listLinkedAccounts(page, limit)),
    forLink: (deadline) => {
      const urgent = async <T>(call: () => Promise<T>): Promise<T> => {
        await window.acquireUrgent(deadline - options.now());
        return call();
      };
      return {
        getOAuthUrl: (slug, id) => urgent(() => client.getOAuthUrl(slug, id)),
        createSessionToken: (id) => urgent(() => client.createSessionToken(id)),
        createConnectUrl: (token) => urgent(() => client.createConnectUrl(token)),
      };
    },
  };
}

export function detailOf(error: unknown): FailureDetail {
  const failure = toApiError(error);
  const detail: FailureDetail = { kind: failure.kind };
  if (failure.status !== undefined) detail.status = failure.status;
  if (failure.retryAfterMs !== undefined) detail.retryAfterMs = failure.retryAfterMs;
  return detail;
}
