/**
 * A fake Cobalt / Refold public API (`/api/v2/public/...`) for end-to-end and unit tests.
 *
 * Built on `node:http` only. Start it in-process with `await startFakeCobalt()`; it listens on
 * 127.0.0.1 on a random free port. The same port is also opened on `::1` (best effort) so that
 * `altOrigin` (`http://localhost:PORT`) works whichever way `localhost` resolves.
 *
 * It speaks the documented API (see /work/shared/reference/cobalt-api.md §1, §3, §4, §5, §7):
 *  - `GET  /api/v2/public/application[?slug=]`                        (x-api-key + linked_account_id)
 *  - `GET  /api/v2/public/application/:slug`                          (documented in §2; same handler)
 *  - `GET  /api/v2/public/linked-account?page&limit`                  (x-api-key)
 *  - `GET  /api/v2/public/linked-account/:id`                         (x-api-key)
 *  - `GET  /api/v2/public/linked-account/integration/oauth-url/:slug` (x-api-key + linked_account_id)
 *  - `POST /api/v2/public/session-token`                              (x-api-key, JSON body)
 *  - `POST /api/v2/public/connect-url`                                (Authorization: Bearer <session token>)
 *  - `POST /api/v2/public/webhook`                                    (x-api-key; §9: registers a webhook URL)
 * and a few non-API pages (on either origin): `/logos/:slug.png`, `/oauth/authorize/:slug`,
 * `/connect/:token`.
 *
 * `startRecordingServer()` opens another origin that records whatever reaches it: the target of a
 * `redirect` fault, to prove the key is never carried along.
 *
 * Run directly for manual testing:  npx tsx test/fake-cobalt/server.ts --port 8787 [--flavor legacy|v3]
 */
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { realpathSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type Environment = "test" | "production";
/** Which documented field set / error body shape to emit. */
export type ApiFlavor = "legacy" | "v3";

export interface FakeLinkedAccount {
  account_id: string;
  name?: string;
  /** Default "test". */
  environment?: Environment;
  /** Raw List Applications items, passed through verbatim. */
  apps: Record<string, unknown>[];
}

export type Fault =
  /** Answer with this status. String bodies are sent raw (text/html if they start with "<", else text/plain);
   * object bodies as JSON; no body → a documented-shape error body for that status in the current flavor. */
  | { kind: "status"; status: number; body?: string | object; headers?: Record<string, string> }
  /** 200 with this raw body (for shape errors / invalid JSON). contentType defaults to application/json. */
  | { kind: "body"; body: string; contentType?: string }
  /** Accept the request and never answer (until close()). */
  | { kind: "hang" }
  /** Destroy the socket without answering (network error). */
  | { kind: "reset" }
  /** Answer normally after ms. */
  | { kind: "delay"; ms: number }
  /** Answer normally once `until` resolves (or not at all if the server closes first): holds a
   * check at a known point for as long as the test needs, with no guess at how long that is. */
  | { kind: "hold"; until: Promise<void> }
  /**
   * Redirect, as a misconfigured proxy or a moved host would. `location` is sent as the Location
   * header; a bare origin ("http://127.0.0.1:1234") gets the request's path and query appended, so
   * every matched request is sent to the same path on that other origin (see startRecordingServer).
   */
  | { kind: "redirect"; status: RedirectStatus; location: string };

export type RedirectStatus = 301 | 302 | 303 | 307 | 308;

export interface FaultMatch {
  method?: string;
  /** Matched against the pathname (string: exact match). */
  path?: string | RegExp;
  /** Matched against the linked account id of the request (header, query, JSON body, or the session token's account). */
  linkedAccountId?: string;
  /** Each of these query parameters must have this value ({ page: "8" }: the listing's eighth page). */
  query?: Record<string, string>;
}

/**
 * Cobalt's rate limit, as an org would hit it: more than `requests` API requests in any
 * `windowMs` get 429 with a Retry-After (the seconds until the window has room again).
 */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

export interface RecordedRequest {
  method: string;
  /** Pathname. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  linkedAccountId?: string;
  at: number;
  /** The Host the request came to, e.g. "http://127.0.0.1:1234" or "http://localhost:1234". */
  origin: string;
}

export interface StartOptions {
  latencyMs?: number;
  flavor?: ApiFlavor;
  /** Port to listen on; default 0 (a random free port). Used by the CLI. */
  port?: number;
  rateLimit?: RateLimit;
}

export interface FakeCobalt {
  /** "http://127.0.0.1:PORT" – the API base URL. */
  readonly origin: string;
  /** "http://localhost:PORT" – same server, a different origin (icons, OAuth pages, hosted portal). */
  readonly altOrigin: string;
  /** The org id used in `associated_org` and in error messages. */
  readonly orgId: string;
  /** Mutable at runtime. */
  flavor: ApiFlavor;
  /** Mutable at runtime; added before every API answer. */
  latencyMs: number;
  /** Mutable at runtime; none by default. Faults come first, and do not count. */
  rateLimit: RateLimit | undefined;
  /** The requests the rate limit answered with 429. */
  readonly throttled: RecordedRequest[];
  addKey(key: string, environment: Environment): void;
  revokeKey(key: string): void;
  setAccount(account: FakeLinkedAccount): void;
  removeAccount(accountId: string): void;
  clearAccounts(): void;
  accounts(): FakeLinkedAccount[];
  /** Returns a function that removes this fault. First matching active fault wins. times defaults to Infinity. */
  fault(match: FaultMatch, fault: Fault, times?: number): () => void;
  clearFaults(): void;
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  /** `${altOrigin}/logos/${slug}.png` (serves a real tiny PNG). */
  iconUrl(slug: string): string;
  /** Serves this SVG at `${altOrigin}/logos/${slug}.svg` and returns that URL (the showcase org's app icons). */
  setIcon(slug: string, svg: string): string;
  /** Webhooks registered with `POST /api/v2/public/webhook`, oldest first. */
  webhooks(): FakeWebhook[];
  /**
   * Delivers a connection event the way Cobalt does (§9): POSTed to every webhook registered in
   * the account's environment that subscribed to it, signed with the key that registered it.
   */
  emitConnectionEvent(event: ConnectionEventInput): Promise<{ url: string; status: number }[]>;
  /** Also ends hanging requests. */
  close(): Promise<void>;
}

export interface FakeWebhook {
  webhook_url: string;
  webhook_events: string[];
  environment: Environment;
  /** The API key that registered it; deliveries are signed with it. */
  key: string;
}

export interface ConnectionEventInput {
  event: "Connection Created" | "Connection Deleted" | "Connection Expired";
  linkedAccountId: string;
  slug: string;
}

/** The documented `x-cobalt-signature`: hex HMAC-SHA256 of the raw body, keyed with the API key. */
export function cobaltSignature(rawBody: string, key: string): string {
  return createHmac("sha256", key).update(rawBody).digest("hex");
}

/** POSTs `payload` to `url` as Cobalt would, signed with `key` (or unsigned when key is undefined). */
export async function sendWebhook(url: string, payload: unknown, key: string | undefined): Promise<Response> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== undefined) headers["x-cobalt-signature"] = cobaltSignature(body, key);
  return fetch(url, { method: "POST", headers, body });
}

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

const API_PREFIX = "/api/v2/public";
/** The org id of the v3 docs examples. */
const ORG_ID = "6500a1b2c3d4e5f6a7b8c9d0";
const DEFAULT_PAGE = 1;
const DEFAULT_LIMIT = 10;
/**
 * The docs document no maximum `limit` for List Linked Accounts. Capping it at 1000 is this fake's
 * own choice (so a client asking for a huge page still gets a bounded response and must paginate).
 */
const MAX_LIMIT = 1000;
/** Session token lifetimes (seconds). The v3 reference says TTL is configurable; 7 days / 30 days here. */
const TOKEN_TTL_S = 604_800;
const REFRESH_TTL_S = 2_592_000;

/** A 16×16 RGB PNG (blue square with a darker border). */
const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAH0lEQVR42mOQs+oiCTHIWXX593wgEo1qGNUw0BpIQgDL0pR080OjyQAAAABJRU5ErkJggg==";
const PNG_BYTES = Buffer.from(PNG_BASE64, "base64");

const CORS_ALLOW_HEADERS = ["x-api-key", "linked_account_id", "content-type", "authorization"];

// ---------------------------------------------------------------------------------------------
// Helpers to build realistic application items
// ---------------------------------------------------------------------------------------------

const LOGO_BASE = "https://cobalt-app-logos.s3.ap-south-1.amazonaws.com";

function hexFrom(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function uuidFrom(seed: string): string {
  const h = hexFrom(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function numberFrom(seed: string, digits: number): number {
  return Number.parseInt(hexFrom(seed, 12), 16) % 10 ** digits;
}

function titleCase(slug: string): string {
  return slug
    .split(/[_\-\s]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
}

function keybasedFields(): Record<string, unknown>[] {
  return [
    { name: "api_token", label: "API Key", placeholder: "Please enter the API key", required: true, type: "text" },
    {
      name: "email",
      label: "Email Address",
      placeholder: "Please enter the email of the token owner",
      required: true,
      type: "text",
    },
  ];
}

/**
 * A List Applications item in the legacy documented field set (§1 "Example 200 (legacy doc)"):
 * `version`, `auth_input_map` only for keybased apps, `connected_accounts` items with only
 * `identifier` (a string) and `connectedAt`. `connected` and `connected_accounts` are present only if
 * connected. Defaults: oauth2, not connected, reauth_required false, icon on the real S3 logo host
 * (pass `icon: fake.iconUrl(slug)` in browser tests so no request leaves the machine).
 */
export function legacyApp(
  slug: string,
  opts: {
    name?: string;
    authType?: "oauth2" | "keybased";
    connected?: boolean;
    reauthRequired?: boolean;
    icon?: string;
  } = {},
): Record<string, unknown> {
  const name = opts.name ?? titleCase(slug);
  const authType = opts.authType ?? "oauth2";
  const description = `${name} is an app that Cobalt can connect to.`;
  const app: Record<string, unknown> = {
    name,
    icon: opts.icon ?? `${LOGO_BASE}/${slug}/logo.png`,
    description,
    auth_type: authType,
    tags: [],
  };
  if (authType === "keybased") app.auth_input_map = keybasedFields();
  app.version = { _v: "1.0.0", description };
  if (opts.connected === true) {
    app.connected = true;
    app.connected_accounts = [
      {
        identifier: authType === "keybased" ? "NA" : uuidFrom(`identifier:${slug}`),
        connectedAt: "2023-05-22T07:52:31.270Z",
      },
    ];
  }
  app.slug = slug;
  app.reauth_required = opts.reauthRequired ?? false;
  return app;
}

/**
 * A List Applications item in the v3 documented field set (§1 "Example 200 (v3 doc)"): `type`,
 * `app_id`, `ecosystem`, `auth_type_options`, `auth_input_map` (always, `[]` for OAuth), and
 * `connected_accounts[]` with `status` and `auth_type`; for OAuth apps the `identifier` is an object.
 * `connected` defaults to true when `status` is given, false otherwise; `status` defaults to "active".
 */
export function v3App(
  slug: string,
  opts: {
    name?: string;
    authType?: "oauth2" | "keybased";
    connected?: boolean;
    reauthRequired?: boolean;
    status?: "active" | "expired";
    icon?: string;
  } = {},
): Record<string, unknown> {
  const name = opts.name ?? titleCase(slug);
  const authType = opts.authType ?? "oauth2";
  const connected = opts.connected ?? opts.status !== undefined;
  const fields = authType === "keybased" ? keybasedFields() : [];
  const app: Record<string, unknown> = {
    name,
    icon: opts.icon ?? `${LOGO_BASE}/${slug}/logo.png`,
    description: `${name} is an app that Refold can connect to.`,
    auth_type: authType,
    type: slug,
    app_id: hexFrom(`app:${slug}`, 24),
    tags: [],
    ecosystem: false,
    slug,
    auth_type_options: authType === "keybased" ? { keybased: fields } : { oauth2: [] },
    auth_input_map: fields,
  };
  if (connected) {
    app.connected = true;
    app.connected_accounts = [
      {
        identifier:
          authType === "oauth2"
            ? {
                portalId: numberFrom(`portal:${slug}`, 8),
                userId: numberFrom(`user:${slug}`, 8),
                domain: `${slug.replace(/_/g, "-")}-example.com`,
              }
            : uuidFrom(`identifier:${slug}`),
        connectedAt: "2026-04-28T12:13:25.968Z",
        status: opts.status ?? "active",
        auth_type: authType,
      },
    ];
  }
  app.reauth_required = opts.reauthRequired ?? false;
  return app;
}

// ---------------------------------------------------------------------------------------------
// Internal helpers
// ---------------------------------------------------------------------------------------------

interface AccountRecord {
  account: FakeLinkedAccount;
  _id: string;
  createdAt: string;
  updatedAt: string;
  __v: number;
}

interface SessionToken {
  accountId: string;
  environment: Environment;
  expiresAt: number; // ms epoch
  refreshToken: string;
  refreshExpiresAt: number;
}

interface ActiveFault {
  match: FaultMatch;
  fault: Fault;
  remaining: number;
}

interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  path: string;
  url: URL;
  headers: Record<string, string>;
  body: string;
  linkedAccountId: string | undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString("base64url");
}

/** A JWT-looking opaque token (signature is random; nothing verifies it). */
function makeJwt(claims: Record<string, unknown>): string {
  return [
    base64url(JSON.stringify({ alg: "HS256", typ: "JWT" })),
    base64url(JSON.stringify(claims)),
    base64url(randomBytes(32)),
  ].join(".");
}

function isConnected(app: Record<string, unknown>): boolean {
  if (app.connected === true) return true;
  const ca = app.connected_accounts;
  return Array.isArray(ca) && ca.length > 0;
}

function hasExpiredConnection(app: Record<string, unknown>): boolean {
  const ca = app.connected_accounts;
  return Array.isArray(ca) && ca.some((c) => isRecord(c) && c.status === "expired");
}

function appSlug(app: Record<string, unknown>): string | undefined {
  if (typeof app.slug === "string") return app.slug;
  if (typeof app.type === "string") return app.type;
  return undefined;
}

function firstConnectedAt(app: Record<string, unknown>): string | undefined {
  const ca = app.connected_accounts;
  if (!Array.isArray(ca)) return undefined;
  for (const c of ca) {
    if (isRecord(c) && typeof c.connectedAt === "string") return c.connectedAt;
  }
  return undefined;
}

function httpErrorTypeFor(status: number): string {
  switch (status) {
    case 400:
      return "BAD_REQUEST";
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 429:
      return "TOO_MANY_REQUESTS";
    default:
      return status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
  }
}

function defaultMessageFor(status: number): string {
  switch (status) {
    case 401:
      return "Invalid Credentials";
    case 403:
      return "Rate Limit Hit";
    case 404:
      return "Not Found";
    case 429:
      return "Rate limit exceeded. Implement backoff and retry.";
    default:
      return status >= 500 ? "Internal Server Error" : "Bad Request";
  }
}

function parsePositiveInt(raw: string | null, fallback: number): number {
  if (raw === null || !/^\s*\d+\s*$/.test(raw)) return fallback;
  const n = Number.parseInt(raw, 10);
  return n >= 1 ? n : fallback;
}

/** A bare origin gets the request's path and query; anything else is used as it is. */
function redirectTarget(location: string, requested: URL): string {
  return /^https?:\/\/[^/?#]+$/i.test(location) ? `${location}${requested.pathname}${requested.search}` : location;
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

class FakeCobaltServer implements FakeCobalt {
  origin = "";
  altOrigin = "";
  readonly orgId = ORG_ID;
  flavor: ApiFlavor;
  latencyMs: number;
  rateLimit: RateLimit | undefined;
  readonly requests: RecordedRequest[] = [];
  readonly throttled: RecordedRequest[] = [];
  /** When each API request the rate limit let through came, oldest first. */
  private served: number[] = [];

  private readonly keys = new Map<string, Environment>();
  private readonly svgIcons = new Map<string, string>();
  private readonly accountRecords = new Map<string, AccountRecord>();
  /** Accounts per environment in insertion order; rebuilt lazily after a mutation. */
  private envCache: Map<Environment, AccountRecord[]> | null = null;
  private readonly sessionTokens = new Map<string, SessionToken>();
  /** account id → its current session token (reused until it expires, unless force_refresh=true). */
  private readonly tokenByAccount = new Map<string, string>();
  private faults: ActiveFault[] = [];
  private registeredWebhooks: FakeWebhook[] = [];
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private idCounter = 0;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(opts: StartOptions) {
    this.flavor = opts.flavor ?? "v3";
    this.latencyMs = opts.latencyMs ?? 0;
    this.rateLimit = opts.rateLimit;
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  async listen(port: number): Promise<void> {
    const primary = this.makeServer();
    const actualPort = await new Promise<number>((resolve, reject) => {
      primary.once("error", reject);
      primary.listen(port, "127.0.0.1", () => {
        primary.off("error", reject);
        const addr = primary.address();
        if (addr === null || typeof addr === "string") reject(new Error("unexpected server address"));
        else resolve(addr.port);
      });
    });
    this.servers.push(primary);
    // Best effort: also answer on ::1 so that "localhost" works if it resolves to IPv6 first.
    const secondary = this.makeServer();
    const ok = await new Promise<boolean>((resolve) => {
      secondary.once("error", () => resolve(false));
      secondary.listen(actualPort, "::1", () => resolve(true));
    });
    if (ok) this.servers.push(secondary);
    this.origin = `http://127.0.0.1:${actualPort}`;
    this.altOrigin = `http://localhost:${actualPort}`;
  }

  private makeServer(): Server {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          this.sendJson(res, 500, this.errorBody(500, "INTERNAL_SERVER_ERROR", "SERVER_ERROR", String(err)));
        } else {
          res.destroy();
        }
      });
    });
    server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    return server;
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    this.closing = Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    ).then(() => {
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
    });
    return this.closing;
  }

  /** Resolves after ms, or immediately when the server closes. */
  private wait(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  // ---- state management ------------------------------------------------------------------------

  addKey(key: string, environment: Environment): void {
    this.keys.set(key, environment);
  }

  revokeKey(key: string): void {
    this.keys.delete(key);
  }

  setAccount(account: FakeLinkedAccount): void {
    const now = new Date().toISOString();
    const existing = this.accountRecords.get(account.account_id);
    if (existing) {
      existing.account = account;
      existing.updatedAt = now;
      existing.__v += 1;
    } else {
      this.idCounter += 1;
      this.accountRecords.set(account.account_id, {
        account,
        _id: `6a19616a${hexFrom(`acct:${account.account_id}`, 8)}${this.idCounter.toString(16).padStart(8, "0")}`,
        createdAt: now,
        updatedAt: now,
        __v: 0,
      });
    }
    this.envCache = null;
  }

  removeAccount(accountId: string): void {
    this.accountRecords.delete(accountId);
    this.envCache = null;
  }

  clearAccounts(): void {
    this.accountRecords.clear();
    this.envCache = null;
  }

  accounts(): FakeLinkedAccount[] {
    return [...this.accountRecords.values()].map((r) => r.account);
  }

  fault(match: FaultMatch, fault: Fault, times: number = Number.POSITIVE_INFINITY): () => void {
    const entry: ActiveFault = { match, fault, remaining: times };
    if (times > 0) this.faults.push(entry);
    return () => {
      this.faults = this.faults.filter((f) => f !== entry);
    };
  }

  clearFaults(): void {
    this.faults = [];
  }

  clearRequests(): void {
    this.requests.length = 0;
    this.throttled.length = 0;
  }

  webhooks(): FakeWebhook[] {
    return this.registeredWebhooks.map((w) => ({ ...w, webhook_events: [...w.webhook_events] }));
  }

  async emitConnectionEvent(input: ConnectionEventInput): Promise<{ url: string; status: number }[]> {
    const environment = this.accountRecords.get(input.linkedAccountId)?.account.environment ?? "test";
    const payload = {
      linked_account_id: input.linkedAccountId,
      org_id: this.orgId,
      environment,
      type: "General",
      event: input.event,
      slug: input.slug,
      createdAt: new Date().toUTCString(),
    };
    const subscribed = this.registeredWebhooks.filter(
      (w) => w.environment === environment && w.webhook_events.some((e) => e.toLowerCase().replace(/[\s_-]+/g, " ") === input.event.toLowerCase()),
    );
    return Promise.all(
      subscribed.map(async (w) => ({ url: w.webhook_url, status: (await sendWebhook(w.webhook_url, payload, w.key)).status })),
    );
  }

  private registerWebhook(ctx: RequestContext): void {
    const env = this.authenticate(ctx);
    if (env === undefined) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(ctx.body);
    } catch {
      return this.sendError(ctx.res, 400, "BAD_REQUEST", "SERVER_ERROR", "Invalid JSON body");
    }
    const url = isRecord(parsed) ? parsed.webhook_url : undefined;
    const events = isRecord(parsed) ? parsed.webhook_events : undefined;
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
      return this.sendError(ctx.res, 400, "BAD_REQUEST", "SERVER_ERROR", "webhook_url is required");
    }
    if (events !== undefined && !(Array.isArray(events) && events.every((e) => typeof e === "string"))) {
      return this.sendError(ctx.res, 400, "BAD_REQUEST", "SERVER_ERROR", "webhook_events must be a list of event names");
    }
    const webhook_events = (events as string[] | undefined) ?? [];
    const key = ctx.headers["x-api-key"] ?? "";
    // Create/Update: one registration per URL and environment.
    this.registeredWebhooks = this.registeredWebhooks.filter((w) => !(w.webhook_url === url && w.environment === env));
    this.registeredWebhooks.push({ webhook_url: url, webhook_events, environment: env, key });
    this.sendJson(ctx.res, 200, { webhook_url: url, webhook_events });
  }

  iconUrl(slug: string): string {
    return `${this.altOrigin}/logos/${encodeURIComponent(slug)}.png`;
  }

  setIcon(slug: string, svg: string): string {
    this.svgIcons.set(slug, svg);
    return `${this.altOrigin}/logos/${encodeURIComponent(slug)}.svg`;
  }

  private accountsOf(env: Environment): AccountRecord[] {
    if (this.envCache === null) {
      const cache = new Map<Environment, AccountRecord[]>([
        ["test", []],
        ["production", []],
      ]);
      for (const rec of this.accountRecords.values()) {
        cache.get(rec.account.environment ?? "test")?.push(rec);
      }
      this.envCache = cache;
    }
    return this.envCache.get(env) ?? [];
  }

  private findAccount(accountId: string, env: Environment): AccountRecord | undefined {
    const rec = this.accountRecords.get(accountId);
    if (rec === undefined || (rec.account.environment ?? "test") !== env) return undefined;
    return rec;
  }

  private findFault(ctx: RequestContext): ActiveFault | undefined {
    for (const f of this.faults) {
      const m = f.match;
      if (m.method !== undefined && m.method.toUpperCase() !== ctx.method) continue;
      if (m.path !== undefined) {
        if (typeof m.path === "string") {
          if (m.path !== ctx.path) continue;
        } else {
          m.path.lastIndex = 0;
          if (!m.path.test(ctx.path)) continue;
        }
      }
      if (m.linkedAccountId !== undefined && m.linkedAccountId !== ctx.linkedAccountId) continue;
      if (m.query !== undefined && Object.entries(m.query).some(([name, value]) => ctx.url.searchParams.get(name) !== value)) continue;
      return f;
    }
    return undefined;
  }

  // ---- response helpers ------------------------------------------------------------------------

  private baseHeaders(): Record<string, string> {
    return { "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store" };
  }

  private sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
    if (res.destroyed || res.writableEnded) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      ...this.baseHeaders(),
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(text)),
      ...extra,
    });
    res.end(text);
  }

  private sendRaw(
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    contentType: string,
    extra: Record<string, string> = {},
  ): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, {
      ...this.baseHeaders(),
      "Content-Type": contentType,
      "Content-Length": String(Buffer.byteLength(body)),
      ...extra,
    });
    res.end(body);
  }

  /** The documented error body: legacy → `error_code` + `request_id`; v3 → `error`. */
  private errorBody(status: number, httpErrorType: string, code: string, message: string): Record<string, unknown> {
    if (this.flavor === "legacy") {
      return { status_code: status, http_error_type: httpErrorType, error_code: code, message, request_id: randomUUID() };
    }
    return { status_code: status, http_error_type: httpErrorType, error: code, message };
  }

  private sendError(res: ServerResponse, status: number, httpErrorType: string, code: string, message: string): void {
    this.sendJson(res, status, this.errorBody(status, httpErrorType, code, message));
  }

  private sendInvalidCredentials(res: ServerResponse): void {
    this.sendError(res, 401, "UNAUTHORIZED", "SERVER_ERROR", "Invalid Credentials");
  }

  private sendLinkedAccountRequired(res: ServerResponse): void {
    this.sendError(res, 400, "BAD_REQUEST", "SERVER_ERROR", "linked_account_id is required");
  }

  private sendLinkedAccountNotFound(res: ServerResponse, id: string, env: Environment): void {
    this.sendError(
      res,
      404,
      "NOT_FOUND",
      "SERVER_ERROR",
      `Linked Account with account id ${id} for org ${this.orgId} in environment ${env} not found`,
    );
  }

  private sendAppNotFound(res: ServerResponse, slug: string): void {
    this.sendError(
      res,
      404,
      "EXTERNAL_API_ERROR",
      "EXTERNAL_API_FAILURE",
      `Application with app_type '${slug}' not found for org ${this.orgId}`,
    );
  }

  private sendNotFound(ctx: RequestContext): void {
    this.sendError(ctx.res, 404, "NOT_FOUND", "SERVER_ERROR", `Cannot ${ctx.method} ${ctx.path}`);
  }

  private sendHtml(res: ServerResponse, status: number, title: string, bodyHtml: string): void {
    const t = escapeHtml(title);
    const html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${t}</title></head>\n<body><h1>${t}</h1>\n${bodyHtml}\n</body></html>\n`;
    this.sendRaw(res, status, html, "text/html; charset=utf-8");
  }

  // ---- request handling ------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
    const body = Buffer.concat(chunks).toString("utf8");

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    const host = headers.host ?? this.origin.replace(/^http:\/\//, "");
    const url = new URL(req.url ?? "/", `http://${host}`);
    const method = (req.method ?? "GET").toUpperCase();
    const ctx: RequestContext = {
      req,
      res,
      method,
      path: url.pathname,
      url,
      headers,
      body,
      linkedAccountId: this.linkedAccountIdOf(url, headers, body),
    };

    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query,
      headers,
      body,
      at: Date.now(),
      origin: `http://${host}`,
    };
    if (ctx.linkedAccountId !== undefined) record.linkedAccountId = ctx.linkedAccountId;
    this.requests.push(record);

    if (this.closed) {
      res.destroy();
      return;
    }

    const isApi = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
    const latency = isApi && method !== "OPTIONS" ? this.latencyMs : 0;

    const active = this.findFault(ctx);
    if (active !== undefined) {
      active.remaining -= 1;
      if (active.remaining <= 0) this.faults = this.faults.filter((f) => f !== active);
      const fault = active.fault;
      switch (fault.kind) {
        case "hang":
          return; // never answer; close() destroys the socket
        case "reset":
          req.socket.destroy();
          return;
        case "status": {
          await this.wait(latency);
          if (this.closed) return;
          const extra = fault.headers ?? {};
          if (typeof fault.body === "string") {
            const ct = fault.body.trimStart().startsWith("<") ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
            this.sendRaw(res, fault.status, fault.body, ct, extra);
          } else if (fault.body !== undefined) {
            this.sendJson(res, fault.status, fault.body, extra);
          } else {
            this.sendJson(
              res,
              fault.status,
              this.errorBody(fault.status, httpErrorTypeFor(fault.status), "SERVER_ERROR", defaultMessageFor(fault.status)),
              extra,
            );
          }
          return;
        }
        case "body":
          await this.wait(latency);
          if (this.closed) return;
          this.sendRaw(res, 200, fault.body, fault.contentType ?? "application/json; charset=utf-8");
          return;
        case "delay":
          await this.wait(fault.ms);
          if (this.closed) return;
          break;
        case "hold":
          await fault.until;
          if (this.closed) return;
          break;
        case "redirect":
          await this.wait(latency);
          if (this.closed) return;
          this.sendRaw(res, fault.status, "", "text/plain; charset=utf-8", { Location: redirectTarget(fault.location, url) });
          return;
      }
    }

    if (method === "OPTIONS") {
      this.handlePreflight(ctx);
      return;
    }

    if (isApi) {
      const retryAfter = this.overRateLimit(record.at);
      await this.wait(latency);
      if (this.closed) return;
      if (retryAfter !== undefined) {
        this.throttled.push(record);
        this.sendJson(res, 429, this.errorBody(429, httpErrorTypeFor(429), "SERVER_ERROR", defaultMessageFor(429)), { "Retry-After": String(retryAfter) });
        return;
      }
      this.routeApi(ctx, url.pathname.slice(API_PREFIX.length));
      return;
    }
    this.routePage(ctx);
  }

  /** Counts an API request against the rate limit: undefined when it may be served, else the seconds to wait. */
  private overRateLimit(at: number): number | undefined {
    const limit = this.rateLimit;
    if (limit === undefined) return undefined;
    this.served = this.served.filter((t) => t > at - limit.windowMs);
    if (this.served.length < limit.requests) {
      this.served.push(at);
      return undefined;
    }
    return Math.max(1, Math.ceil((this.served[0]! + limit.windowMs - at) / 1000));
  }

  private linkedAccountIdOf(url: URL, headers: Record<string, string>, body: string): string | undefined {
    const fromHeader = headers.linked_account_id;
    if (fromHeader !== undefined && fromHeader !== "") return fromHeader;
    const fromQuery = url.searchParams.get("linked_account_id");
    if (fromQuery !== null && fromQuery !== "") return fromQuery;
    if (body.trimStart().startsWith("{")) {
      try {
        const parsed: unknown = JSON.parse(body);
        if (isRecord(parsed) && typeof parsed.linked_account_id === "string" && parsed.linked_account_id !== "") {
          return parsed.linked_account_id;
        }
      } catch {
        // not JSON
      }
    }
    // Requests authenticated by a session token (connect-url, hosted portal page) belong to its account.
    const token = this.bearerToken(headers) ?? this.portalTokenOf(url.pathname);
    if (token !== undefined) return this.sessionTokens.get(token)?.accountId;
    return undefined;
  }

  private bearerToken(headers: Record<string, string>): string | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? "");
    return m?.[1];
  }

  private portalTokenOf(pathname: string): string | undefined {
    const m = /^\/connect\/([^/]+)$/.exec(pathname);
    return m?.[1] === undefined ? undefined : safeDecode(m[1]);
  }

  private handlePreflight(ctx: RequestContext): void {
    const requested = (ctx.headers["access-control-request-headers"] ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== "" && !CORS_ALLOW_HEADERS.includes(h));
    ctx.res.writeHead(204, {
      ...this.baseHeaders(),
      "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
      "Access-Control-Allow-Headers": [...CORS_ALLOW_HEADERS, ...requested].join(", "),
      "Access-Control-Max-Age": "600",
      "Content-Length": "0",
    });
    ctx.res.end();
  }

  /** The environment of the request's API key, or undefined (after answering 401). */
  private authenticate(ctx: RequestContext): Environment | undefined {
    const key = ctx.headers["x-api-key"];
    const env = key === undefined ? undefined : this.keys.get(key);
    if (env === undefined) this.sendInvalidCredentials(ctx.res);
    return env;
  }

  private routeApi(ctx: RequestContext, rawRoute: string): void {
    const route = rawRoute.length > 1 && rawRoute.endsWith("/") ? rawRoute.slice(0, -1) : rawRoute;
    const { method } = ctx;
    let m: RegExpExecArray | null;

    if (method === "GET" && route === "/application") return this.listApplications(ctx, ctx.url.searchParams.get("slug"));
    if (method === "GET" && (m = /^\/application\/([^/]+)$/.exec(route)) !== null) {
      return this.listApplications(ctx, safeDecode(m[1] ?? ""));
    }
    if (method === "GET" && route === "/linked-account") return this.listLinkedAccounts(ctx);
    if (method === "GET" && (m = /^\/linked-account\/integration\/oauth-url\/([^/]+)$/.exec(route)) !== null) {
      return this.oauthUrl(ctx, safeDecode(m[1] ?? ""));
    }
    if (method === "GET" && (m = /^\/linked-account\/([^/]+)$/.exec(route)) !== null) {
      return this.getLinkedAccount(ctx, safeDecode(m[1] ?? ""));
    }
    if (method === "POST" && route === "/session-token") return this.sessionToken(ctx);
    if (method === "POST" && route === "/connect-url") return this.connectUrl(ctx);
    if (method === "POST" && route === "/webhook") return this.registerWebhook(ctx);
    this.sendNotFound(ctx);
  }

  /** linked_account_id from the header (preferred) or the query. */
  private requestedAccountId(ctx: RequestContext): string | undefined {
    const h = ctx.headers.linked_account_id;
    if (h !== undefined && h !== "") return h;
    const q = ctx.url.searchParams.get("linked_account_id");
    return q !== null && q !== "" ? q : undefined;
  }

  private listApplications(ctx: RequestContext, slug: string | null): void {
    const env = this.authenticate(ctx);
    if (env === undefined) return;
    const id = this.requestedAccountId(ctx);
    if (id === undefined) return this.sendLinkedAccountRequired(ctx.res);
    const rec = this.findAccount(id, env);
    if (rec === undefined) return this.sendLinkedAccountNotFound(ctx.res, id, env);
    if (slug === null) return this.sendJson(ctx.res, 200, rec.account.apps);
    const app = rec.account.apps.find((a) => appSlug(a) === slug);
    if (app === undefined) return this.sendAppNotFound(ctx.res, slug);
    this.sendJson(ctx.res, 200, app);
  }

  private linkedAccountDoc(rec: AccountRecord, env: Environment): Record<string, unknown> {
    const a = rec.account;
    const doc: Record<string, unknown> = {
      _id: rec._id,
      associated_org: this.orgId,
      account_id: a.account_id,
      environment: env,
      name: a.name ?? a.account_id,
      udf: [],
    };
    if (this.flavor === "v3") {
      const integrations: Record<string, unknown>[] = [];
      for (const app of a.apps) {
        if (!isConnected(app)) continue;
        const slug = appSlug(app);
        const at = firstConnectedAt(app) ?? rec.createdAt;
        integrations.push({
          type: slug ?? null,
          name: typeof app.name === "string" ? app.name : (slug ?? null),
          icon: typeof app.icon === "string" ? app.icon : null,
          app_id: typeof app.app_id === "string" ? app.app_id : null,
          reauth_required: app.reauth_required === true || hasExpiredConnection(app),
          createdAt: at,
          updatedAt: at,
        });
      }
      doc.integrations = integrations;
    }
    doc.createdAt = rec.createdAt;
    doc.updatedAt = rec.updatedAt;
    doc.__v = rec.__v;
    return doc;
  }

  /** mongoose-paginate-v2 envelope, in its key order. */
  private listLinkedAccounts(ctx: RequestContext): void {
    const env = this.authenticate(ctx);
    if (env === undefined) return;
    const page = parsePositiveInt(ctx.url.searchParams.get("page"), DEFAULT_PAGE);
    const limit = Math.min(parsePositiveInt(ctx.url.searchParams.get("limit"), DEFAULT_LIMIT), MAX_LIMIT);
    const all = this.accountsOf(env);
    const totalDocs = all.length;
    const totalPages = Math.ceil(totalDocs / limit) || 1;
    const start = (page - 1) * limit;
    const docs = start < totalDocs ? all.slice(start, start + limit).map((r) => this.linkedAccountDoc(r, env)) : [];
    const hasPrevPage = page > 1;
    const hasNextPage = page < totalPages;
    this.sendJson(ctx.res, 200, {
      docs,
      totalDocs,
      limit,
      totalPages,
      page,
      pagingCounter: start + 1,
      hasPrevPage,
      hasNextPage,
      prevPage: hasPrevPage ? page - 1 : null,
      nextPage: hasNextPage ? page + 1 : null,
    });
  }

  private getLinkedAccount(ctx: RequestContext, id: string): void {
    const env = this.authenticate(ctx);
    if (env === undefined) return;
    const rec = this.findAccount(id, env);
    if (rec === undefined) return this.sendLinkedAccountNotFound(ctx.res, id, env);
    this.sendJson(ctx.res, 200, this.linkedAccountDoc(rec, env));
  }

  private oauthUrl(ctx: RequestContext, slug: string): void {
    const env = this.authenticate(ctx);
    if (env === undefined) return;
    const id = this.requestedAccountId(ctx);
    if (id === undefined) return this.sendLinkedAccountRequired(ctx.res);
    const rec = this.findAccount(id, env);
    if (rec === undefined) return this.sendLinkedAccountNotFound(ctx.res, id, env);
    const app = rec.account.apps.find((a) => appSlug(a) === slug);
    if (app === undefined) return this.sendAppNotFound(ctx.res, slug);
    if (app.auth_type !== "oauth2") {
      return this.sendError(
        ctx.res,
        400,
        "BAD_REQUEST",
        "SERVER_ERROR",
        `Application '${slug}' is not an OAuth2 app; the app must be an OAuth2 app`,
      );
    }
    const state = randomBytes(16).toString("hex");
    const authUrl = `${this.altOrigin}/oauth/authorize/${encodeURIComponent(slug)}?linked_account_id=${encodeURIComponent(id)}&state=${state}`;
    this.sendJson(ctx.res, 200, { auth_url: authUrl });
  }

  private sessionToken(ctx: RequestContext): void {
    const env = this.authenticate(ctx);
    if (env === undefined) return;
    let parsed: unknown = {};
    if (ctx.body.trim() !== "") {
      try {
        parsed = JSON.parse(ctx.body);
      } catch {
        return this.sendError(ctx.res, 400, "BAD_REQUEST", "SERVER_ERROR", "Invalid JSON body");
      }
    }
    const id = isRecord(parsed) && typeof parsed.linked_account_id === "string" ? parsed.linked_account_id : "";
    if (id === "") return this.sendLinkedAccountRequired(ctx.res);
    if (this.findAccount(id, env) === undefined) {
      // The legacy docs say this case was a 500; the v3 docs (and this fake, in both flavors) answer 400.
      return this.sendError(
        ctx.res,
        400,
        "BAD_REQUEST",
        "INVALID_LINKED_ACCOUNT_ID",
        `No linked account found for account id : ${id} in environment ${env}`,
      );
    }
    const now = Date.now();
    const forceRefresh = ctx.url.searchParams.get("force_refresh") === "true";
    // "By default an existing valid token is reused" (§4).
    let token = forceRefresh ? undefined : this.tokenByAccount.get(id);
    let info = token === undefined ? undefined : this.sessionTokens.get(token);
    if (token === undefined || info === undefined || info.expiresAt <= now || info.environment !== env) {
      const iat = Math.floor(now / 1000);
      token = makeJwt({ org_id: this.orgId, linked_account_id: id, environment: env, iat, exp: iat + TOKEN_TTL_S });
      info = {
        accountId: id,
        environment: env,
        expiresAt: now + TOKEN_TTL_S * 1000,
        refreshToken: makeJwt({ org_id: this.orgId, linked_account_id: id, type: "refresh", iat, exp: iat + REFRESH_TTL_S }),
        refreshExpiresAt: now + REFRESH_TTL_S * 1000,
      };
      this.sessionTokens.set(token, info);
      this.tokenByAccount.set(id, token);
    }
    if (this.flavor === "legacy") return this.sendJson(ctx.res, 200, { token });
    this.sendJson(ctx.res, 200, {
      token,
      refresh_token: info.refreshToken,
      expires_in: Math.max(0, Math.floor((info.expiresAt - now) / 1000)),
      refresh_expires_in: Math.max(0, Math.floor((info.refreshExpiresAt - now) / 1000)),
    });
  }

  private validToken(token: string | undefined): SessionToken | undefined {
    if (token === undefined) return undefined;
    const info = this.sessionTokens.get(token);
    return info !== undefined && info.expiresAt > Date.now() ? info : undefined;
  }

  private connectUrl(ctx: RequestContext): void {
    // Session-token auth; an x-api-key header, if present, is ignored (but recorded like everything else).
    const token = this.bearerToken(ctx.headers);
    if (token === undefined || this.validToken(token) === undefined) {
      return this.sendError(ctx.res, 401, "UNAUTHORIZED", "INVALID_TOKEN", "Authorization Token Missing");
    }
    const configId = ctx.url.searchParams.get("config_id");
    const suffix = configId !== null && configId !== "" ? `?config_id=${encodeURIComponent(configId)}` : "";
    this.sendJson(ctx.res, 200, { hosted_url: `${this.altOrigin}/connect/${encodeURIComponent(token)}${suffix}` });
  }

  // ---- non-API pages ---------------------------------------------------------------------------

  private routePage(ctx: RequestContext): void {
    const { method, path } = ctx;
    let m: RegExpExecArray | null;
    if ((method === "GET" || method === "HEAD") && (m = /^\/logos\/([^/]+)\.png$/.exec(path)) !== null) {
      return this.sendRaw(ctx.res, 200, PNG_BYTES, "image/png", { "Cache-Control": "public, max-age=60" });
    }
    if ((method === "GET" || method === "HEAD") && (m = /^\/logos\/([^/]+)\.svg$/.exec(path)) !== null) {
      const svg = this.svgIcons.get(safeDecode(m[1] ?? ""));
      if (svg !== undefined) return this.sendRaw(ctx.res, 200, svg, "image/svg+xml", { "Cache-Control": "public, max-age=60" });
    }
    if (method === "GET" && (m = /^\/oauth\/authorize\/([^/]+)$/.exec(path)) !== null) {
      const slug = safeDecode(m[1] ?? "");
      const id = ctx.url.searchParams.get("linked_account_id") ?? "";
      const state = ctx.url.searchParams.get("state") ?? "";
      return this.sendHtml(
        ctx.res,
        200,
        `Fake OAuth consent for ${slug}`,
        `<p>Linked account: <code id="linked-account-id">${escapeHtml(id)}</code></p>\n<p>State: <code id="state">${escapeHtml(state)}</code></p>`,
      );
    }
    if (method === "GET" && (m = /^\/connect\/([^/]+)$/.exec(path)) !== null) {
      const info = this.validToken(safeDecode(m[1] ?? ""));
      if (info === undefined) {
        return this.sendHtml(ctx.res, 404, "Fake hosted portal: link invalid or expired", "<p>Unknown session token.</p>");
      }
      const rec = this.findAccount(info.accountId, info.environment);
      const items = (rec?.account.apps ?? [])
        .map((a) => {
          const slug = appSlug(a) ?? "";
          const name = typeof a.name === "string" ? a.name : slug;
          return `<li data-slug="${escapeHtml(slug)}">${escapeHtml(name)}</li>`;
        })
        .join("\n");
      return this.sendHtml(
        ctx.res,
        200,
        `Fake hosted portal for ${info.accountId}`,
        `<p>Environment: ${escapeHtml(info.environment)}</p>\n<ul id="apps">\n${items}\n</ul>`,
      );
    }
    this.sendError(ctx.res, 404, "NOT_FOUND", "SERVER_ERROR", `Cannot ${method} ${path}`);
  }
}

export async function startFakeCobalt(opts: StartOptions = {}): Promise<FakeCobalt> {
  const server = new FakeCobaltServer(opts);
  await server.listen(opts.port ?? 0);
  return server;
}

// ---------------------------------------------------------------------------------------------
// Another origin, to redirect to
// ---------------------------------------------------------------------------------------------

export interface RecordingServer {
  /** "http://127.0.0.1:PORT": a different port, so a different origin from any FakeCobalt. */
  readonly origin: string;
  /** Every request that reached it, in the FakeCobalt format. */
  readonly requests: RecordedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

/**
 * A server on another origin that takes whatever it is sent and records it: the target of a
 * `redirect` fault. It answers every request 200 `{}` and every CORS preflight permissively, like
 * a server that would gladly accept the key, so that only the client's own refusal to follow a
 * redirect can keep the key away from it. On 127.0.0.1, so the extension's host permission for a
 * local Cobalt (`http://127.0.0.1/*`, any port) covers it too.
 */
export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let origin = "";
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", origin);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
      }
      requests.push({
        method: (req.method ?? "GET").toUpperCase(),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
        origin,
      });
      const cors = { "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store" };
      if (req.method === "OPTIONS") {
        res.writeHead(204, {
          ...cors,
          "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
          "Access-Control-Allow-Headers": headers["access-control-request-headers"] ?? "*",
          "Content-Length": "0",
        });
        res.end();
        return;
      }
      res.writeHead(200, { ...cors, "Content-Type": "application/json; charset=utf-8", "Content-Length": "2" });
      res.end("{}");
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      if (addr === null || typeof addr === "string") reject(new Error("unexpected server address"));
      else resolve(addr.port);
    });
  });
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// CLI: npx tsx test/fake-cobalt/server.ts --port 8787 [--flavor legacy|v3] [--latency 200]
// ---------------------------------------------------------------------------------------------

/** Seed the demo org used by the CLI. Exported so tests can reuse it. */
export function seedDemoOrg(fake: FakeCobalt): void {
  const app = fake.flavor === "v3" ? v3App : legacyApp;
  const icon = (slug: string): { icon: string } => ({ icon: fake.iconUrl(slug) });
  fake.addKey("tk_demo_key", "test");
  fake.addKey("pk_demo_key", "production");
  fake.setAccount({
    account_id: "acme-corp",
    name: "Acme Inc.",
    apps: [
      app("slack", { connected: true, ...icon("slack") }),
      v3App("hubspot", { status: "expired", ...icon("hubspot") }),
      app("copper", { authType: "keybased", connected: true, reauthRequired: true, ...icon("copper") }),
      app("google_drive", { name: "Drive", ...icon("google_drive") }),
    ],
  });
  fake.setAccount({
    account_id: "globex",
    name: "Globex Corporation",
    apps: [
      app("salesforce", { connected: true, reauthRequired: true, ...icon("salesforce") }),
      app("netsuite", { authType: "keybased", connected: true, ...icon("netsuite") }),
      app("zendesk", icon("zendesk")),
    ],
  });
  fake.setAccount({
    account_id: "initech",
    name: "Initech",
    apps: [
      app("jira", { connected: true, ...icon("jira") }),
      app("twilio", { authType: "keybased", connected: true, ...icon("twilio") }),
    ],
  });
  fake.setAccount({
    account_id: "umbrella-prod",
    name: "Umbrella (production)",
    environment: "production",
    apps: [app("slack", { connected: true, reauthRequired: true, ...icon("slack") })],
  });
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const args = process.argv.slice(2);
  const port = Number.parseInt(argValue(args, "--port") ?? "8787", 10);
  const flavorArg = argValue(args, "--flavor");
  const flavor: ApiFlavor = flavorArg === "legacy" ? "legacy" : "v3";
  const latencyMs = Number.parseInt(argValue(args, "--latency") ?? "0", 10) || 0;
  const fake = await startFakeCobalt({ port, flavor, latencyMs });
  seedDemoOrg(fake);
  console.log(`Fake Cobalt API (${flavor}) listening`);
  console.log(`  origin:    ${fake.origin}`);
  console.log(`  altOrigin: ${fake.altOrigin}`);
  console.log(`  API key:   tk_demo_key (test)   pk_demo_key (production)`);
  console.log(`  accounts:  ${fake.accounts().map((a) => a.account_id).join(", ")}`);
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
