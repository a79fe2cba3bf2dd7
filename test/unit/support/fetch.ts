import type { Fetch } from "../../../src/core/api/client.ts";

export interface RecordedRequest {
  url: string;
  init: RequestInit;
  headers: Headers;
  method: string;
  body: string | undefined;
}

export type Responder = (url: string, init: RequestInit) => Response | Promise<Response>;

/** A fetch that answers with `respond` and records every request it was given. */
export function recordingFetch(respond: Responder): { fetch: Fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetch: Fetch = async (url, init) => {
    requests.push({
      url,
      init,
      headers: new Headers(init.headers),
      method: init.method ?? "GET",
      body: typeof init.body === "string" ? init.body : undefined,
    });
    return respond(url, init);
  };
  return { fetch, requests };
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function textResponse(text: string, status: number, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers });
}
