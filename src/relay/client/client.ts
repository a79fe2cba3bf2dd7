import { MAX_BODY_BYTES, readCapped, REQUEST_TIMEOUT_MS, retryAfterMs, type Fetch } from "../../core/api/client.ts";
import { ApiError, type ErrorInfo } from "../../core/api/errors.ts";
import { z } from "../../core/kit/zod.ts";
import {
  COMPACT_PARAM,
  LinkResponseSchema,
  RELAY_PATHS,
  RelayErrorSchema,
  RelayHealthyAppsSchema,
  RelayHealthyCompactSchema,
  RelayStatusSchema,
  type LinkRequest,
  type LinkResponse,
  type Problem,
  type RelayHealthyApps,
  type RelayHealthyCompact,
  type RelayStatus,
} from "../protocol/v1.ts";
import { DESK_PATH, DeskAnswerSchema, type DeskAnswer, type DeskRequest } from "../protocol/desk.ts";

/*
 * The team relay's API as the extension uses it, like CobaltClient for Cobalt's: no
 * browser APIs (fetch is given), no retries. The member token goes only to the relay URL, as a
 * bearer header; redirects are never followed, so a proxy or a typo cannot bounce it elsewhere.
 * Every failure becomes an ApiError of a relay kind, never the relay's own words.
 */

export interface RelayClientOptions {
  relayUrl: string;
  token: string;
  fetch: Fetch;
  timeoutMs?: number;
}

export type StatusAnswer = { kind: "not-modified" } | { kind: "ok"; etag?: string; body: RelayStatus };
/** The compact answer, or the full one of a relay from before the compact answers. */
export type HealthyAnswer = { kind: "not-modified" } | { kind: "ok"; etag?: string; body: RelayHealthyCompact | RelayHealthyApps };

/** Why the relay's desk refused a change: data, worded by the popup. */
export const DESK_REFUSALS = ["claimed", "not-yours", "desk-full", "note-too-long", "unknown-account", "app-not-reauth", "unknown-source"] as const;
export type DeskRefusal = (typeof DESK_REFUSALS)[number];
export type DeskResult = { ok: true; answer: DeskAnswer } | { ok: false; refused: DeskRefusal };

/** Either form of GET /v1/healthy-apps: a relay from before ignores `?compact=1`. */
const HealthyAnswerSchema = z.union([RelayHealthyCompactSchema, RelayHealthyAppsSchema]);

const COMPACT = `?${COMPACT_PARAM}=1`;

export class RelayClient {
  readonly #url: string;
  readonly #token: string;
  readonly #fetch: Fetch;
  readonly #timeoutMs: number;

  constructor(options: RelayClientOptions) {
    this.#url = options.relayUrl;
    this.#token = options.token;
    this.#fetch = options.fetch;
    this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  /**
   * The compact status (the accounts with something to show, the rest counted; a relay from
   * before answers in full), or "not modified" when `etag` still names it.
   */
  async status(etag?: string): Promise<StatusAnswer> {
    const response = await this.#send("GET", RELAY_PATHS.status + COMPACT, etag === undefined ? {} : { "if-none-match": etag });
    if (response.status === 304) return { kind: "not-modified" };
    const body = await readAnswer(response, RelayStatusSchema);
    const tag = response.headers.get("etag");
    return tag === null ? { kind: "ok", body } : { kind: "ok", etag: tag, body };
  }

  /** The healthy apps (compact, or in full from a relay from before), or "not modified" when `etag` still names them. */
  async healthyApps(etag?: string): Promise<HealthyAnswer> {
    const response = await this.#send("GET", RELAY_PATHS.healthyApps + COMPACT, etag === undefined ? {} : { "if-none-match": etag });
    if (response.status === 304) return { kind: "not-modified" };
    const body = await readAnswer(response, HealthyAnswerSchema);
    const tag = response.headers.get("etag");
    return tag === null ? { kind: "ok", body } : { kind: "ok", etag: tag, body };
  }

  /** A reconnect link made by the relay now; its URL is http(s) (the schema refuses anything else). */
  async link(request: LinkRequest): Promise<LinkResponse> {
    return readAnswer(await this.#send("POST", RELAY_PATHS.links, { "content-type": "application/json" }, JSON.stringify(request)), LinkResponseSchema);
  }

  /**
   * One change on the team's desk. What the desk refuses (someone else is on it, not yours, a
   * note too long, a break no longer listed…) is an answer, not a failure; anything else fails as
   * the other requests do.
   */
  async desk(request: DeskRequest): Promise<DeskResult> {
    const response = await this.#request("POST", DESK_PATH, { "content-type": "application/json" }, JSON.stringify(request));
    if (response.ok) return { ok: true, answer: await readAnswer(response, DeskAnswerSchema) };
    const text = await readText(response).catch(() => "");
    const code = refusalIn(text);
    if (code !== undefined && [400, 404, 409].includes(response.status)) return { ok: false, refused: code };
    throw failureOf(response, text);
  }

  async #send(method: "GET" | "POST", path: string, extra: Record<string, string>, body?: string): Promise<Response> {
    const response = await this.#request(method, path, extra, body);
    if (!response.ok && response.status !== 304) throw failureOf(response, await readText(response).catch(() => ""));
    return response;
  }

  /** The answer, whatever its status but a redirect (never followed); a request that got none fails as unreachable. */
  async #request(method: "GET" | "POST", path: string, extra: Record<string, string>, body?: string): Promise<Response> {
    let response: Response;
    try {
      response = await this.#fetch(this.#url + path, {
        method,
        headers: { accept: "application/json", authorization: `Bearer ${this.#token}`, ...extra },
        body,
        credentials: "omit",
        cache: "no-store",
        redirect: "manual",
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch {
      // Offline, refused, reset or timed out: the relay cannot be reached, whichever it was.
      throw new ApiError("relay-unreachable");
    }
    if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400 && response.status !== 304)) {
      throw new ApiError("relay-bad-response", { ...(response.status === 0 ? {} : { status: response.status }), ...originParam(response.headers.get("location")) });
    }
    return response;
  }
}

async function readText(response: Response): Promise<string> {
  try {
    return await readCapped(response);
  } catch (error) {
    if (error instanceof ApiError) throw new ApiError("relay-bad-response", { cause: "too-large", status: response.status, megabytes: MAX_BODY_BYTES / 1024 / 1024 });
    throw new ApiError("relay-unreachable");
  }
}

async function readAnswer<S extends z.ZodMiniType>(response: Response, schema: S): Promise<z.infer<S>> {
  const text = await readText(response);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const flat = text.replace(/\s+/g, " ").trim();
    throw new ApiError("relay-bad-response", { cause: "not-json", ...(flat === "" ? {} : { detail: flat.slice(0, 40) + (flat.length > 40 ? "…" : "") }) });
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ApiError("relay-bad-response", { cause: "bad-shape", ...(issue && issue.path.length > 0 ? { path: issue.path.join(".") } : {}) });
}

function originParam(location: string | null): { origin?: string } {
  try {
    const origin = location ? new URL(location).origin : "null";
    return origin === "null" ? {} : { origin };
  } catch {
    return {};
  }
}

/** The desk's refusal an error answer names, if it names one. */
function refusalIn(text: string): DeskRefusal | undefined {
  try {
    const parsed = RelayErrorSchema.safeParse(JSON.parse(text));
    const code = parsed.success ? parsed.data.error.code : undefined;
    return (DESK_REFUSALS as readonly string[]).includes(code ?? "") ? (code as DeskRefusal) : undefined;
  } catch {
    return undefined;
  }
}

const NOT_LISTED = new Set(["app-not-reauth", "unknown-account", "unknown-source"]);

/** A non-2xx answer of the relay, as a failure of one of the relay kinds. */
function failureOf(response: Response, text: string): ApiError {
  const status = response.status;
  let body: z.infer<typeof RelayErrorSchema> | undefined;
  try {
    const parsed = RelayErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) body = parsed.data;
  } catch {
    // A proxy's HTML page: the status alone says what happened.
  }
  const code = body?.error.code;
  if (status === 401 || status === 403) return new ApiError("relay-token-rejected", { status });
  if (status === 429) return new ApiError("relay-rate-limited", { status, ...withWait(retryAfterMs(response.headers.get("retry-after"))) });
  if (code === "cobalt" && body?.error.problem) return fromProblem(body.error.problem);
  if (status === 404 && code !== undefined && NOT_LISTED.has(code)) return new ApiError("not-found", { cause: "relay-not-listed", status });
  if (status >= 500) return new ApiError("relay-unreachable", { status });
  return new ApiError("relay-bad-response", { status });
}

function withWait(ms: number | undefined): { retryAfterMs?: number } {
  return ms === undefined ? {} : { retryAfterMs: ms };
}

/** How Cobalt failed the relay: a rate limit is the relay's to wait out; anything else is its check of Cobalt failing. */
export function fromProblem(problem: Problem): ApiError {
  if (problem.kind === "rate-limited") return new ApiError("relay-rate-limited", withWait(problem.retryAfterMs));
  return new ApiError("relay-cobalt", { upstream: problem.kind, ...(problem.status === undefined ? {} : { status: problem.status }) });
}

/** The same, for a problem the relay's status reports (it has its own time). */
export function problemInfo(problem: Problem & { at: number }, retryAt?: number): ErrorInfo {
  const info = fromProblem(problem).info(problem.at);
  if (info.kind === "relay-rate-limited" && retryAt !== undefined && retryAt > problem.at) info.retryAfterMs = retryAt - problem.at;
  return info;
}
