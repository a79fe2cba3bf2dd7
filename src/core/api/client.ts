import { ApiError } from "./errors.ts";
import {
  ApplicationSchema,
  ConnectUrlSchema,
  ErrorBodySchema,
  LinkedAccountPageSchema,
  LinkedAccountSchema,
  OAuthUrlSchema,
  SessionTokenSchema,
  type Application,
  type LinkedAccount,
} from "./schemas.ts";
import type { z } from "../zod.ts";

export const REQUEST_TIMEOUT_MS = 20_000;

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  fetch: Fetch;
  timeoutMs?: number;
}

export interface ApplicationList {
  apps: Application[];
  /** Items that were not objects or had neither slug nor type: listed nowhere, but counted. */
  skipped: number;
}

export interface LinkedAccountPage {
  accounts: LinkedAccount[];
  skipped: number;
  totalDocs: number | undefined;
  totalPages: number | undefined;
  hasNextPage: boolean;
}

/**
 * Cobalt's public API, and nothing else: no browser APIs, no storage, no retries (the caller
 * decides those). The key goes only to `baseUrl`; redirects are refused so a proxy cannot bounce
 * it to another origin.
 */
export class CobaltClient {
  readonly #base: string;
  readonly #key: string;
  readonly #fetch: Fetch;
  readonly #timeoutMs: number;

  constructor(options: ClientOptions) {
    this.#base = options.baseUrl;
    this.#key = options.apiKey;
    this.#fetch = options.fetch;
    this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  async listApplications(linkedAccountId: string): Promise<ApplicationList> {
    const body = await this.#request("GET", "/api/v2/public/application", { linkedAccountId });
    if (!Array.isArray(body)) {
      throw new ApiError("bad-response", `Cobalt's list of applications was not a list (got ${describe(body)}).`);
    }
    const apps: Application[] = [];
    let skipped = 0;
    for (const item of body) {
      const parsed = ApplicationSchema.safeParse(item);
      if (parsed.success && (parsed.data.slug ?? parsed.data.type)) apps.push(parsed.data);
      else skipped++;
    }
    return { apps, skipped };
  }

  async listLinkedAccounts(page: number, limit: number): Promise<LinkedAccountPage> {
    const body = await this.#request("GET", `/api/v2/public/linked-account?page=${page}&limit=${limit}`, {});
    const envelope = parse(LinkedAccountPageSchema, body, "the page of linked accounts");
    const accounts: LinkedAccount[] = [];
    let skipped = 0;
    for (const doc of envelope.docs) {
      const parsed = LinkedAccountSchema.safeParse(doc);
      if (parsed.success && parsed.data.account_id !== "") accounts.push(parsed.data);
      else skipped++;
    }
    return {
      accounts,
      skipped,
      totalDocs: envelope.totalDocs,
      totalPages: envelope.totalPages,
      hasNextPage: envelope.hasNextPage ?? (envelope.nextPage != null),
    };
  }

  async getOAuthUrl(slug: string, linkedAccountId: string): Promise<string> {
    const path = `/api/v2/public/linked-account/integration/oauth-url/${encodeURIComponent(slug)}`;
    const body = await this.#request("GET", path, { linkedAccountId });
    return parse(OAuthUrlSchema, body, "the OAuth URL answer").auth_url;
  }

  async createSessionToken(linkedAccountId: string): Promise<string> {
    const body = await this.#request("POST", "/api/v2/public/session-token", {
      json: { linked_account_id: linkedAccountId },
    });
    return parse(SessionTokenSchema, body, "the session token answer").token;
  }

  /** The hosted portal link. Authenticated by the session token alone, as Cobalt documents. */
  async createConnectUrl(sessionToken: string): Promise<string> {
    const body = await this.#request("POST", "/api/v2/public/connect-url", { bearer: sessionToken, json: {} });
    return parse(ConnectUrlSchema, body, "the connect URL answer").hosted_url;
  }

  async #request(
    method: "GET" | "POST",
    path: string,
    options: { linkedAccountId?: string; json?: unknown; bearer?: string },
  ): Promise<unknown> {
    const headers: Record<string, string> = { accept: "application/json" };
    let url = this.#base + path;
    if (options.bearer === undefined) headers["x-api-key"] = this.#key;
    else headers.authorization = `Bearer ${options.bearer}`;
    if (options.linkedAccountId !== undefined) {
      // Header values must be printable ASCII; Cobalt also accepts the id as a query parameter,
      // which can carry any character once percent-encoded.
      if (/^[\x21-\x7e]+$/.test(options.linkedAccountId)) headers.linked_account_id = options.linkedAccountId;
      else url += `${url.includes("?") ? "&" : "?"}linked_account_id=${encodeURIComponent(options.linkedAccountId)}`;
    }
    if (options.json !== undefined) headers["content-type"] = "application/json";

    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers,
        body: options.json === undefined ? undefined : JSON.stringify(options.json),
        credentials: "omit",
        cache: "no-store",
        redirect: "error",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw fetchFailure(error, this.#timeoutMs);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw fetchFailure(error, this.#timeoutMs);
    }
    if (!response.ok) throw httpFailure(response, text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError("bad-response", `Cobalt answered with something that is not JSON (${snippet(text)}).`, response.status);
    }
  }
}

function fetchFailure(error: unknown, timeoutMs: number): ApiError {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") {
    return new ApiError("timeout", `Cobalt did not answer within ${Math.max(1, Math.round(timeoutMs / 1000))} seconds.`);
  }
  return new ApiError("network", "Could not reach the Cobalt API: the computer may be offline, or the address may be wrong.");
}

export function httpFailure(response: Response, text: string): ApiError {
  const status = response.status;
  let message: string | undefined;
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) message = parsed.data.message ?? parsed.data.error ?? parsed.data.error_code;
  } catch {
    // Not JSON: proxies answer 502s with HTML. The status alone has to do.
  }
  const said = message ? `: "${message}"` : "";
  if (status === 429 || (status === 403 && /rate.?limit|too many/i.test(message ?? text))) {
    return new ApiError("rate-limited", `Cobalt is limiting how often we may ask (HTTP ${status})${said}.`, status, retryAfterMs(response.headers.get("retry-after")));
  }
  switch (status) {
    case 401:
      return new ApiError("unauthorized", `Cobalt rejected the API key (HTTP 401)${said}.`, status);
    case 403:
      return new ApiError("forbidden", `Cobalt refused access with this API key (HTTP 403)${said}.`, status);
    case 404:
      return new ApiError("not-found", `Not found (HTTP 404)${said}.`, status);
  }
  if (status >= 500) {
    const kind = message ? said : " (the answer was not Cobalt's JSON; a proxy or gateway may be failing)";
    return new ApiError("server", `Cobalt's server failed (HTTP ${status})${kind}.`, status);
  }
  return new ApiError("bad-request", `Cobalt refused the request (HTTP ${status})${said}.`, status);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parse<S extends z.ZodMiniType>(schema: S, body: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at "${issue.path.join(".")}"` : "";
  throw new ApiError("bad-response", `Cobalt's answer for ${what} did not have the documented shape${where}.`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return "an empty answer";
  return `starting "${flat.slice(0, 40)}${flat.length > 40 ? "…" : ""}"`;
}
