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
/** Twice the largest answer worth reading (10,000 apps of one account, in the v3 field set,
 * are about 5.4 MB); a proxy streaming without end must not fill the background's memory. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

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
 * decides those). The key goes only to `baseUrl`: redirects are never followed (a proxy cannot
 * bounce the key to another origin), and an answer that is one is named as such.
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
      hasNextPage: hasNextPage(envelope, page, limit),
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
        // "manual": the browser stops at the redirect and hands back an opaque answer saying so.
        redirect: "manual",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw fetchFailure(error, this.#timeoutMs);
    }
    if (isRedirect(response)) throw redirectFailure(response);
    let text: string;
    try {
      text = await readCapped(response);
    } catch (error) {
      throw error instanceof ApiError ? error : fetchFailure(error, this.#timeoutMs);
    }
    if (!response.ok) throw httpFailure(response, text);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError("bad-response", `Cobalt answered with something that is not JSON (${snippet(text)}).`, response.status);
    }
  }
}

/** A browser gives "opaqueredirect"; fetch elsewhere (Node) hands over the 3xx itself. */
function isRedirect(response: Response): boolean {
  return response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400);
}

function redirectFailure(response: Response): ApiError {
  let where = "another address";
  const location = response.headers.get("location");
  if (location) {
    try {
      where = new URL(location).origin;
    } catch {
      // A relative or broken Location: the generic words will do.
    }
  }
  const status = response.status === 0 ? undefined : response.status;
  return new ApiError("redirected", `The API base URL answered with a redirect to ${where}. The extension does not follow it, so the key was not sent there.`, status);
}

const TOO_LARGE = `Cobalt's answer was larger than ${MAX_BODY_BYTES / 1024 / 1024} MB, more than any answer of this API should be; it was not read (a proxy may be misbehaving).`;

/** The body as text, read as a stream and given up past MAX_BODY_BYTES. */
async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw new ApiError("bad-response", TOO_LARGE, response.status);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new ApiError("bad-response", TOO_LARGE, response.status);
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * Whether another page follows. The envelope's own word first (hasNextPage, then nextPage);
 * without either, the totals say it; without those, nothing more is known.
 */
function hasNextPage(envelope: z.infer<typeof LinkedAccountPageSchema>, page: number, limit: number): boolean {
  if (envelope.hasNextPage !== undefined) return envelope.hasNextPage;
  if (envelope.nextPage !== undefined) return envelope.nextPage !== null;
  if (envelope.totalPages !== undefined) return page < envelope.totalPages;
  if (envelope.totalDocs !== undefined) return page * limit < envelope.totalDocs;
  return false;
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
