import { ApiError, type AnswerName } from "./errors.ts";
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
import type { z } from "../kit/zod.ts";

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
      throw new ApiError("bad-response", { cause: "not-a-list" });
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
    const envelope = parse(LinkedAccountPageSchema, body, "linked-accounts");
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
    return parse(OAuthUrlSchema, body, "oauth-url").auth_url;
  }

  async createSessionToken(linkedAccountId: string): Promise<string> {
    const body = await this.#request("POST", "/api/v2/public/session-token", {
      json: { linked_account_id: linkedAccountId },
    });
    return parse(SessionTokenSchema, body, "session-token").token;
  }

  /** The hosted portal link. Authenticated by the session token alone, as Cobalt documents. */
  async createConnectUrl(sessionToken: string): Promise<string> {
    const body = await this.#request("POST", "/api/v2/public/connect-url", { bearer: sessionToken, json: {} });
    return parse(ConnectUrlSchema, body, "connect-url").hosted_url;
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
      throw new ApiError("bad-response", { cause: "not-json", status: response.status, detail: snippet(text) });
    }
  }
}

/** A browser gives "opaqueredirect"; fetch elsewhere (Node) hands over the 3xx itself. */
function isRedirect(response: Response): boolean {
  return response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400);
}

function redirectFailure(response: Response): ApiError {
  return new ApiError("redirected", { status: response.status === 0 ? undefined : response.status, origin: originOf(response.headers.get("location")) });
}

/** Where a redirect points; a relative or broken Location names none ("another address"). */
function originOf(location: string | null): string | undefined {
  if (!location) return undefined;
  try {
    const { origin } = new URL(location);
    return origin === "null" ? undefined : origin;
  } catch {
    return undefined;
  }
}

function tooLarge(status: number): ApiError {
  return new ApiError("bad-response", { cause: "too-large", status, megabytes: MAX_BODY_BYTES / 1024 / 1024 });
}

/** The body as text, read as a stream and given up past MAX_BODY_BYTES. */
export async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(response.status);
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
      throw tooLarge(response.status);
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
    return new ApiError("timeout", { seconds: Math.max(1, Math.round(timeoutMs / 1000)) });
  }
  return new ApiError("network");
}

export function httpFailure(response: Response, text: string): ApiError {
  const status = response.status;
  let detail: string | undefined;
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) detail = parsed.data.message ?? parsed.data.error ?? parsed.data.error_code;
  } catch {
    // Not JSON: proxies answer 502s with HTML. The status alone has to do (and says so: a 5xx
    // without Cobalt's words is worded as a proxy's or gateway's).
  }
  if (status === 429 || (status === 403 && /rate.?limit|too many/i.test(detail ?? text))) {
    return new ApiError("rate-limited", { status, detail, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) });
  }
  const kind = status === 401 ? "unauthorized" : status === 403 ? "forbidden" : status === 404 ? "not-found" : status >= 500 ? "server" : "bad-request";
  return new ApiError(kind, { status, detail });
}

/**
 * The longest wait a Retry-After is believed for. A server or a proxy that asks for more (a year,
 * by mistake or malice) would stop every check and Refresh for as long: past this, the wait is
 * this long, and the normal backoff takes over if the limit is still there.
 */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Retry-After is either delta-seconds or an HTTP date; believed up to MAX_RETRY_AFTER_MS. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Math.min(MAX_RETRY_AFTER_MS, Number(header.trim()) * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now));
}

function parse<S extends z.ZodMiniType>(schema: S, body: unknown, answer: AnswerName): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join(".") : undefined;
  throw new ApiError("bad-response", { cause: "bad-shape", answer, path });
}

/** The first characters of an answer that is not JSON, to show quoted; undefined when it is empty. */
function snippet(text: string): string | undefined {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return undefined;
  return `${flat.slice(0, 40)}${flat.length > 40 ? "…" : ""}`;
}
