import { CobaltClient, type Fetch } from "../../../core/api/client.ts";
import { toApiError, type ErrorKind } from "../../../core/api/errors.ts";
import type { RequestWindow } from "./request-window.ts";

/** What the relay tells members about a failure, besides its kind: numbers, never Cobalt's words. */
export type FailureDetail = {
  kind: ErrorKind;
  status?: number;
  retryAfterMs?: number;
};

/** The calls the check runner and the reconnect links make, all counted against the budget. */
export type MeteredClient = Pick<CobaltClient, "listApplications" | "listLinkedAccounts" | "getOAuthUrl" | "createSessionToken" | "createConnectUrl">;

/**
 * Wraps the core's client: checks wait for room in the request window; links (a member is
 * waiting) are counted but never held back. The core's stored errors keep only kind and prose, so
 * the HTTP status and Retry-After of each failure are noted here, by linked account ("" for the
 * listing), for the status the relay serves.
 */
export function meteredClient(
  options: { baseUrl: string; apiKey: string; fetch: Fetch },
  window: RequestWindow,
  noteFailure: (accountId: string, detail: FailureDetail | undefined) => void,
): MeteredClient {
  const client = new CobaltClient(options);
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
  const urgent = <T>(call: () => Promise<T>): Promise<T> => {
    window.record();
    return call();
  };
  return {
    listApplications: (id) => watched(id, () => client.listApplications(id)),
    listLinkedAccounts: (page, limit) => watched("", () => client.listLinkedAccounts(page, limit)),
    getOAuthUrl: (slug, id) => urgent(() => client.getOAuthUrl(slug, id)),
    createSessionToken: (id) => urgent(() => client.createSessionToken(id)),
    createConnectUrl: (token) => urgent(() => client.createConnectUrl(token)),
  };
}

export function detailOf(error: unknown): FailureDetail {
  const failure = toApiError(error);
  const detail: FailureDetail = { kind: failure.kind };
  if (failure.status !== undefined) detail.status = failure.status;
  if (failure.retryAfterMs !== undefined) detail.retryAfterMs = failure.retryAfterMs;
  return detail;
}
