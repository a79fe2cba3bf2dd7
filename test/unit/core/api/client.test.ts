import { afterEach, describe, expect, it, vi } from "vitest";
import { CobaltClient, MAX_BODY_BYTES, MAX_RETRY_AFTER_MS, REQUEST_TIMEOUT_MS, retryAfterMs, type Fetch } from "../../../../src/core/api/client.ts";
import { ApiError, type ErrorKind } from "../../../../src/core/api/errors.ts";
import { jsonResponse, recordingFetch, textResponse, type Responder } from "../../support/fetch.ts";

const BASE = "https://api.example.test";
const KEY = "tk_secret_key_1234";

function clientWith(respond: Responder, timeoutMs?: number) {
  const { fetch, requests } = recordingFetch(respond);
  const client = new CobaltClient({ baseUrl: BASE, apiKey: KEY, fetch, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  return { client, requests };
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw new Error(`expected an ApiError, got ${String(error)}`);
  }
  throw new Error("expected the call to fail");
}

async function kindOf(respond: Responder): Promise<ApiError> {
  const { client } = clientWith(respond);
  return failure(client.listApplications("acct-1"));
}

// Reference §1, "Example 200 (legacy doc, exact)".
const LEGACY_APPS = [
  {
    name: "Drive",
    icon: "https://cobalt-app-logos.s3.ap-south-1.amazonaws.com/google_drive/logo.png",
    description:
      "Google Drive is Google's file sync app that lets you store all of your files online alongside your Google Docs documents, and keep them synced with all of your devices.",
    auth_type: "oauth2",
    tags: ["Office"],
    version: { _v: "1.0.0", description: "Google Drive is Google's file sync app ..." },
    slug: "google_drive",
    reauth_required: false,
  },
  {
    name: "Docusign",
    icon: "https://cobalt-app-logos.s3.ap-south-1.amazonaws.com/docusign/logo.png",
    description: "Docusign is an electronic signature technology ...",
    auth_type: "oauth2",
    tags: [],
    version: { _v: "1.0.0", description: "..." },
    connected: true,
    connected_accounts: [{ identifier: "1975dc48-d708-4370-b3c8-861af0df644d", connectedAt: "2023-05-22T07:52:31.270Z" }],
    slug: "docusign",
    reauth_required: false,
  },
  {
    name: "Copper",
    icon: "https://cobalt-app-logos.s3.ap-south-1.amazonaws.com/copper/logo.png",
    description: "Copper is a customer relationship management (CRM) platform ...",
    auth_type: "keybased",
    tags: ["CRM"],
    auth_input_map: [
      { name: "api_token", label: "API Key", placeholder: "Please enter the API key", required: true, type: "text" },
      { name: "email", label: "Email Address", placeholder: "Please enter the email of the token owner", required: true, type: "text" },
    ],
    version: { _v: "1.0.0", description: "..." },
    slug: "copper",
    reauth_required: false,
  },
];

// Reference §1, "Example 200 (v3 doc, exact shape; second element trimmed)".
const V3_APPS = [
  {
    name: "Hubspot",
    icon: "https://cobalt-app-logos.s3.ap-south-1.amazonaws.com/hubspot/logo.png",
    description: "HubSpot is your all-in-one stop for all of your marketing software needs.",
    auth_type: "oauth2",
    type: "hubspot",
    app_id: "6992cc7dc124a392c80e9e9c",
    tags: ["CRM"],
    ecosystem: false,
    slug: "hubspot",
    auth_type_options: { oauth2: [] },
    auth_input_map: [],
    connected: true,
    connected_accounts: [
      {
        identifier: { portalId: 12345678, appId: 1234567, userId: 87654321, hub_domain: "your-domain-12345678.com" },
        connectedAt: "2026-04-28T12:13:25.968Z",
        status: "active",
        auth_type: "oauth2",
      },
    ],
    reauth_required: false,
  },
  {
    name: "Netsuite",
    auth_type: "keybased",
    type: "netsuite",
    slug: "netsuite",
    ecosystem: false,
    auth_type_options: {
      keybased: [{ name: "account_id", label: "Account Id", placeholder: "Please enter the Account Id", required: true, type: "text" }],
      oauth2: [],
    },
    auth_input_map: [{ name: "account_id", label: "Account Id", placeholder: "Please enter the Account Id", required: true, type: "text" }],
    reauth_required: false,
  },
];

// Reference §3, v3 example (exact).
const V3_LINKED_ACCOUNTS = {
  docs: [
    {
      _id: "6a19616ac7f8b1c6beaa22b7",
      associated_org: "6500a1b2c3d4e5f6a7b8c9d0",
      account_id: "user_12345",
      environment: "test",
      name: "Acme Inc.",
      udf: [],
      integrations: [
        {
          type: "hubspot",
          name: "Hubspot",
          icon: "https://cobalt-app-logos.s3.ap-south-1.amazonaws.com/hubspot/logo.png",
          app_id: null,
          reauth_required: false,
          createdAt: "2026-05-29T09:50:34.063Z",
          updatedAt: "2026-05-29T09:50:34.063Z",
        },
      ],
      createdAt: "2026-05-29T09:50:34.027Z",
      updatedAt: "2026-06-12T05:56:36.383Z",
      __v: 4,
    },
  ],
  totalDocs: 32,
  limit: 10,
  totalPages: 4,
  page: 1,
  pagingCounter: 1,
  hasPrevPage: false,
  hasNextPage: true,
  prevPage: null,
  nextPage: 2,
};

afterEach(() => {
  vi.useRealTimers();
});

describe("requests", () => {
  it("sends the key, the linked account header and safe fetch options to base + path", async () => {
    const { client, requests } = clientWith(() => jsonResponse([]));
    await client.listApplications("acct-1");
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.url).toBe("https://api.example.test/api/v2/public/application");
    expect(request!.method).toBe("GET");
    expect(request!.headers.get("x-api-key")).toBe(KEY);
    expect(request!.headers.get("linked_account_id")).toBe("acct-1");
    expect(request!.headers.get("authorization")).toBeNull();
    // Never followed: a redirect is seen as such (opaqueredirect) and refused, the key stays here.
    expect(request!.init.redirect).toBe("manual");
    expect(request!.init.credentials).toBe("omit");
    expect(request!.init.signal).toBeInstanceOf(AbortSignal);
    expect(request!.body).toBeUndefined();
  });

  it("sends any printable-ASCII id as the header, untouched", async () => {
    const id = "user_12345!#$%&'*+-.^`|~";
    const { client, requests } = clientWith(() => jsonResponse([]));
    await client.listApplications(id);
    expect(requests[0]!.headers.get("linked_account_id")).toBe(id);
    expect(requests[0]!.url).toBe(`${BASE}/api/v2/public/application`);
  });

  it("sends an id with a space as a percent-encoded query parameter instead of a header", async () => {
    const { client, requests } = clientWith(() => jsonResponse([]));
    await client.listApplications("acme corp");
    expect(requests[0]!.url).toBe(`${BASE}/api/v2/public/application?linked_account_id=acme%20corp`);
    expect(requests[0]!.headers.has("linked_account_id")).toBe(false);
    expect(requests[0]!.headers.get("x-api-key")).toBe(KEY);
  });

  it("sends a non-ASCII id as a percent-encoded query parameter (UTF-8)", async () => {
    const { client, requests } = clientWith(() => jsonResponse([]));
    await client.listApplications("müller&co=1");
    expect(requests[0]!.url).toBe(`${BASE}/api/v2/public/application?linked_account_id=m%C3%BCller%26co%3D1`);
    expect(requests[0]!.headers.has("linked_account_id")).toBe(false);
  });

  it("appends the id with & when the path already has a query (OAuth URL)", async () => {
    const { client, requests } = clientWith(() => jsonResponse({ auth_url: "https://provider.test/authorize" }));
    await client.getOAuthUrl("hub spot", "ünï");
    expect(requests[0]!.url).toBe(`${BASE}/api/v2/public/linked-account/integration/oauth-url/hub%20spot?linked_account_id=%C3%BCn%C3%AF`);
  });
});

describe("listApplications", () => {
  it("parses the legacy documented example", async () => {
    const { client } = clientWith(() => jsonResponse(LEGACY_APPS));
    const list = await client.listApplications("acct-1");
    expect(list.skipped).toBe(0);
    expect(list.apps.map((a) => a.slug)).toEqual(["google_drive", "docusign", "copper"]);
    expect(list.apps[1]!.connected).toBe(true);
    expect(list.apps[1]!.connected_accounts).toHaveLength(1);
    expect(list.apps[0]!.connected).toBeUndefined();
    expect(list.apps[2]!.auth_type).toBe("keybased");
    expect(list.apps[2]!.reauth_required).toBe(false);
  });

  it("parses the v3 documented example and passes unknown fields through", async () => {
    const { client } = clientWith(() => jsonResponse(V3_APPS));
    const list = await client.listApplications("acct-1");
    expect(list.skipped).toBe(0);
    expect(list.apps.map((a) => [a.slug, a.type, a.name])).toEqual([
      ["hubspot", "hubspot", "Hubspot"],
      ["netsuite", "netsuite", "Netsuite"],
    ]);
    const hubspot = list.apps[0]! as Record<string, unknown>;
    expect(hubspot.app_id).toBe("6992cc7dc124a392c80e9e9c");
    expect(hubspot.ecosystem).toBe(false);
    expect(hubspot.auth_type_options).toEqual({ oauth2: [] });
    expect(list.apps[0]!.connected_accounts).toEqual(V3_APPS[0]!.connected_accounts);
  });

  it("keeps an item that has only `type` (legacy) and skips items without slug or type, counting them", async () => {
    const body = [
      { type: "slack", name: "Slack", connected: true },
      { name: "Nameless" },
      null,
      "hubspot",
      42,
      { slug: "", type: "" },
      { slug: 7 },
      { slug: "zoom", name: "Zoom" },
    ];
    const { client } = clientWith(() => jsonResponse(body));
    const list = await client.listApplications("acct-1");
    expect(list.apps.map((a) => a.slug ?? a.type)).toEqual(["slack", "zoom"]);
    expect(list.skipped).toBe(6);
  });

  it("turns wrong-typed display fields into undefined instead of failing the app", async () => {
    const body = [
      { slug: "hubspot", name: 42, icon: {}, auth_type: ["oauth2"], connected: "yes", reauth_required: true, connected_accounts: "many" },
    ];
    const { client } = clientWith(() => jsonResponse(body));
    const list = await client.listApplications("acct-1");
    expect(list.skipped).toBe(0);
    expect(list.apps).toHaveLength(1);
    const [hubspot] = list.apps;
    expect(hubspot!.slug).toBe("hubspot");
    expect(hubspot!.name).toBeUndefined();
    expect(hubspot!.icon).toBeUndefined();
    expect(hubspot!.auth_type).toBeUndefined();
    expect(hubspot!.connected).toBeUndefined();
    expect(hubspot!.connected_accounts).toBeUndefined();
    expect(hubspot!.reauth_required).toBe(true);
  });

  it.each([
    ["an object", { apps: [] }],
    ["null", null],
    ["a string", "ok"],
    ["a number", 3],
  ])("refuses a body that is %s with bad-response", async (_label, body) => {
    const error = await kindOf(() => jsonResponse(body));
    expect(error.params).toEqual({ cause: "not-a-list" });
  });

  it("refuses a 200 that is not JSON with bad-response", async () => {
    const error = await kindOf(() => textResponse("<html><body>Login</body></html>", 200, { "content-type": "text/html" }));
    expect(error.kind).toBe("bad-response");
    expect(error.params).toEqual({ cause: "not-json", status: 200, detail: "<html><body>Login</body></html>" });
  });

  it("refuses an empty 200 with bad-response", async () => {
    const error = await kindOf(() => textResponse("", 200));
    expect(error.kind).toBe("bad-response");
    expect(error.params).toEqual({ cause: "not-json", status: 200, detail: undefined });
  });
});

describe("HTTP failures", () => {
  it("401 is unauthorized and quotes the body's message (legacy body)", async () => {
    const error = await kindOf(() =>
      jsonResponse(
        { status_code: 401, http_error_type: "UNAUTHORIZED", error_code: "SERVER_ERROR", message: "Invalid Credentials", request_id: "89bd1675-a826-46cb-9210-6cb2ae169f67" },
        401,
      ),
    );
    expect(error.kind).toBe("unauthorized");
    expect(error.params).toEqual({ status: 401, detail: "Invalid Credentials" });
  });

  it("401 with the v3 body (`error` instead of `error_code`) still quotes the message", async () => {
    const error = await kindOf(() => jsonResponse({ status_code: 401, http_error_type: "UNAUTHORIZED", error: "SERVER_ERROR", message: "Invalid Credentials" }, 401));
    expect(error.kind).toBe("unauthorized");
    expect(error.params.detail).toBe("Invalid Credentials");
  });

  it("falls back to the error code when the body has no message", async () => {
    const error = await kindOf(() => jsonResponse({ status_code: 401, error: "INVALID_TOKEN" }, 401));
    expect(error.params).toEqual({ status: 401, detail: "INVALID_TOKEN" });
  });

  it("a plain 403 is forbidden", async () => {
    const error = await kindOf(() => jsonResponse({ status_code: 403, message: "Role lacks access to applications" }, 403));
    expect(error.kind).toBe("forbidden");
    expect(error.status).toBe(403);
    expect(error.params.detail).toBe("Role lacks access to applications");
    expect(error.retryAfterMs).toBeUndefined();
  });

  it.each(["Rate Limit Hit", "rate limit exceeded", "Too many requests", "ratelimit reached"])(
    "a 403 whose message says %j is rate-limited",
    async (message) => {
      const error = await kindOf(() => jsonResponse({ status_code: 403, message }, 403));
      expect(error.kind).toBe("rate-limited");
      expect(error.status).toBe(403);
    },
  );

  it("a 403 with a plain-text rate limit body is rate-limited", async () => {
    const error = await kindOf(() => textResponse("Rate limit exceeded", 403));
    expect(error.kind).toBe("rate-limited");
  });

  it("429 with Retry-After: 7 waits exactly 7000 ms", async () => {
    const error = await kindOf(() => jsonResponse({ message: "Rate limit exceeded" }, 429, { "retry-after": "7" }));
    expect(error.kind).toBe("rate-limited");
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(7000);
  });

  it("429 with a Retry-After HTTP date waits until that date", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-07-01T12:00:00.000Z"));
    const error = await kindOf(() => textResponse("slow down", 429, { "retry-after": "Wed, 01 Jul 2026 12:01:30 GMT" }));
    expect(error.kind).toBe("rate-limited");
    expect(error.retryAfterMs).toBe(90_000);
  });

  // A proxy's `Retry-After: 31536000` stopped every check and Refresh for a year.
  it("believes a Retry-After for an hour at most, in seconds or as a date", async () => {
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
    const year = await kindOf(() => textResponse("slow down", 429, { "retry-after": "31536000" }));
    expect(year.retryAfterMs).toBe(3_600_000);
    expect(retryAfterMs("3600")).toBe(3_600_000);
    expect(retryAfterMs("3601")).toBe(3_600_000);
    expect(retryAfterMs("99999999999999999999999")).toBe(3_600_000);
    const now = Date.parse("2026-07-01T12:00:00.000Z");
    expect(retryAfterMs("Thu, 01 Jul 2027 12:00:00 GMT", now)).toBe(3_600_000);
    expect(retryAfterMs("Wed, 01 Jul 2026 12:59:00 GMT", now)).toBe(59 * 60_000);
  });

  it("429 without Retry-After has no retryAfterMs", async () => {
    const error = await kindOf(() => textResponse("", 429));
    expect(error.kind).toBe("rate-limited");
    expect(error.retryAfterMs).toBeUndefined();
  });

  it("404 is not-found and quotes the documented message", async () => {
    const message = "Linked Account with account id 66b0d2f25bfbf7ed1a4e6e38 for org 65c9ef72f4b95fce32e8ccf8 in environment test not found";
    const error = await kindOf(() =>
      jsonResponse({ status_code: 404, http_error_type: "NOT_FOUND", error_code: "SERVER_ERROR", message, request_id: "fb5f19cb" }, 404),
    );
    expect(error.kind).toBe("not-found");
    expect(error.params).toEqual({ status: 404, detail: message });
  });

  it.each([500, 502, 503])("%i with an HTML body is server, saying the answer was not JSON", async (status) => {
    const error = await kindOf(() => textResponse("<html><head><title>502 Bad Gateway</title></head></html>", status, { "content-type": "text/html" }));
    expect(error.kind).toBe("server");
    // No words of Cobalt's: what says the answer came from a proxy or gateway (core/words/error-text.ts).
    expect(error.params).toEqual({ status, detail: undefined });
  });

  it("500 with Cobalt's JSON quotes its message", async () => {
    const error = await kindOf(() => jsonResponse({ status_code: 500, http_error_type: "INTERNAL_SERVER_ERROR", message: "Something broke" }, 500));
    expect(error.kind).toBe("server");
    expect(error.params).toEqual({ status: 500, detail: "Something broke" });
  });

  it("400 is bad-request", async () => {
    const error = await kindOf(() => jsonResponse({ status_code: 400, message: "linked_account_id is required" }, 400));
    expect(error.kind).toBe("bad-request");
    expect(error.params).toEqual({ status: 400, detail: "linked_account_id is required" });
  });
});

describe("transport failures", () => {
  it("a fetch rejecting with TypeError is network", async () => {
    const error = await kindOf(() => Promise.reject(new TypeError("fetch failed")));
    expect(error.kind).toBe("network");
    expect(error.status).toBeUndefined();
  });

  it("a fetch that never answers is cut off by the timeout signal", async () => {
    let aborted = false;
    const hang: Fetch = (_url, init) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => {
          aborted = true;
          reject(init.signal?.reason);
        });
      });
    const client = new CobaltClient({ baseUrl: BASE, apiKey: KEY, fetch: hang, timeoutMs: 50 });
    const started = Date.now();
    const error = await failure(client.listApplications("acct-1"));
    expect(aborted).toBe(true);
    expect(error.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a fetch aborted with an AbortError is a timeout too", async () => {
    const error = await kindOf(() => Promise.reject(new DOMException("The operation was aborted.", "AbortError")));
    expect(error.kind).toBe("timeout");
  });

  it("defaults to a 20 second timeout", () => {
    expect(REQUEST_TIMEOUT_MS).toBe(20_000);
  });
});

describe("redirects", () => {
  /** What a browser's fetch with redirect: "manual" gives back: no status, no headers, no body. */
  function opaqueRedirect(): Response {
    const response = new Response(null, { status: 200 });
    Object.defineProperty(response, "type", { value: "opaqueredirect" });
    Object.defineProperty(response, "status", { value: 0 });
    Object.defineProperty(response, "ok", { value: false });
    return response;
  }

  it("names a redirect the browser stopped (opaqueredirect) as redirected, not offline", async () => {
    const { client, requests } = clientWith(() => opaqueRedirect());
    const error = await failure(client.listApplications("acct-1"));
    expect(error.kind).toBe("redirected");
    expect(error.params).toEqual({ status: undefined, origin: undefined });
    expect(requests).toHaveLength(1);
  });

  it.each([301, 302, 307, 308])("names a %i answer (fetch outside a browser hands it over) as redirected, saying where to", async (status) => {
    const error = await kindOf(() => textResponse("", status, { location: "https://login.hotel-wifi.test/portal?next=x" }));
    expect(error.kind).toBe("redirected");
    expect(error.params).toEqual({ status, origin: "https://login.hotel-wifi.test" });
  });
});

describe("answer size", () => {
  /** A body that never ends, counting what was pulled from it and whether it was cancelled. */
  function endless(chunk = new Uint8Array(256 * 1024).fill(0x20)) {
    const seen = { bytes: 0, cancelled: false };
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        seen.bytes += chunk.length;
        controller.enqueue(chunk);
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    return { body, seen };
  }

  it("caps answers at 10 MB", () => {
    expect(MAX_BODY_BYTES).toBe(10 * 1024 * 1024);
  });

  it("stops reading an answer past the cap, with its own message, instead of filling memory", async () => {
    const { body, seen } = endless();
    const error = await kindOf(() => new Response(body, { status: 200, headers: { "content-type": "application/json" } }));
    expect(error.kind).toBe("bad-response");
    expect(error.params).toEqual({ cause: "too-large", status: 200, megabytes: 10 });
    expect(seen.cancelled).toBe(true);
    // Streams read a chunk or two ahead; what matters is that reading stopped near the cap.
    expect(seen.bytes).toBeLessThanOrEqual(MAX_BODY_BYTES + 2 * 256 * 1024);
  });

  it("refuses an answer whose Content-Length is past the cap without reading it", async () => {
    const { body, seen } = endless();
    const error = await kindOf(() => new Response(body, { status: 200, headers: { "content-length": String(MAX_BODY_BYTES + 1) } }));
    expect(error.params).toMatchObject({ cause: "too-large", megabytes: 10 });
    expect(seen.bytes).toBeLessThanOrEqual(256 * 1024);
  });

  it("caps error answers too", async () => {
    const { body, seen } = endless();
    const error = await kindOf(() => new Response(body, { status: 502 }));
    expect(error.params).toEqual({ cause: "too-large", status: 502, megabytes: 10 });
    expect(seen.cancelled).toBe(true);
  });

  it("reads an answer just under the cap, split across chunks and multi-byte characters", async () => {
    const name = "Zoë ".repeat(100);
    const json = JSON.stringify([{ slug: "zoe", name, connected: true }]);
    const bytes = new TextEncoder().encode(json);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const { client } = clientWith(() => new Response(body, { status: 200 }));
    const { apps } = await client.listApplications("acct-1");
    expect(apps[0]!.name).toBe(name);
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2026-07-01T12:00:00.000Z");
  it.each<[string | null, number | undefined]>([
    [null, undefined],
    ["", undefined],
    ["   ", undefined],
    ["0", 0],
    ["7", 7000],
    [" 120 ", 120_000],
    ["Wed, 01 Jul 2026 12:00:10 GMT", 10_000],
    ["Wed, 01 Jul 2026 11:00:00 GMT", 0],
    ["soon", undefined],
  ])("%j → %j", (header, expected) => {
    expect(retryAfterMs(header, now)).toBe(expected);
  });
});

describe("listLinkedAccounts", () => {
  it("asks for the page and limit with the key only", async () => {
    const { client, requests } = clientWith(() => jsonResponse(V3_LINKED_ACCOUNTS));
    await client.listLinkedAccounts(3, 100);
    expect(requests[0]!.url).toBe(`${BASE}/api/v2/public/linked-account?page=3&limit=100`);
    expect(requests[0]!.headers.get("x-api-key")).toBe(KEY);
    expect(requests[0]!.headers.has("linked_account_id")).toBe(false);
  });

  it("parses the v3 documented envelope", async () => {
    const { client } = clientWith(() => jsonResponse(V3_LINKED_ACCOUNTS));
    const result = await client.listLinkedAccounts(1, 10);
    expect(result.totalDocs).toBe(32);
    expect(result.totalPages).toBe(4);
    expect(result.hasNextPage).toBe(true);
    expect(result.skipped).toBe(0);
    expect(result.accounts).toHaveLength(1);
    const [acme] = result.accounts;
    expect(acme!.account_id).toBe("user_12345");
    expect(acme!.name).toBe("Acme Inc.");
    expect(acme!.integrations).toHaveLength(1);
    expect(acme!.integrations![0]!.type).toBe("hubspot");
    expect(acme!.integrations![0]!.reauth_required).toBe(false);
  });

  it("parses the legacy envelope (no integrations)", async () => {
    const body = {
      docs: [{ associated_org: "org", account_id: "a1", environment: "test", name: "A" }],
      totalDocs: 1,
      limit: 10,
      totalPages: 1,
      page: 1,
      pagingCounter: 1,
      hasPrevPage: false,
      hasNextPage: false,
      prevPage: null,
      nextPage: null,
    };
    const { client } = clientWith(() => jsonResponse(body));
    const result = await client.listLinkedAccounts(1, 10);
    expect(result.accounts).toEqual([{ associated_org: "org", account_id: "a1", environment: "test", name: "A" }]);
    expect(result.accounts[0]!.integrations).toBeUndefined();
    expect(result.hasNextPage).toBe(false);
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ["nextPage 2", { nextPage: 2 }, true],
    ["nextPage null", { nextPage: null }, false],
    ["neither field", {}, false],
    ["hasNextPage wins over nextPage", { hasNextPage: false, nextPage: 2 }, false],
  ])("derives hasNextPage from %s", async (_label, extra, expected) => {
    const { client } = clientWith(() => jsonResponse({ docs: [{ account_id: "a1" }], ...extra }));
    const result = await client.listLinkedAccounts(1, 10);
    expect(result.hasNextPage).toBe(expected);
    expect(result.totalDocs).toBeUndefined();
  });

  // An envelope with totalPages but no hasNextPage was read one page deep.
  it.each<[string, number, Record<string, unknown>, boolean]>([
    ["page 1 of totalPages 3", 1, { totalPages: 3 }, true],
    ["page 3 of totalPages 3", 3, { totalPages: 3 }, false],
    ["page 1 of totalDocs 25 at 10 a page", 1, { totalDocs: 25 }, true],
    ["page 3 of totalDocs 25 at 10 a page", 3, { totalDocs: 25 }, false],
    ["hasNextPage over totalPages", 1, { totalPages: 3, hasNextPage: false }, false],
    ["nextPage over totalPages", 1, { totalPages: 3, nextPage: null }, false],
  ])("without hasNextPage or nextPage, derives it from the totals: %s", async (_label, pageNumber, extra, expected) => {
    const { client } = clientWith(() => jsonResponse({ docs: [{ account_id: "a1" }], ...extra }));
    expect((await client.listLinkedAccounts(pageNumber, 10)).hasNextPage).toBe(expected);
  });

  it("skips docs without a usable account_id and counts them", async () => {
    const docs = [{ account_id: "a1" }, { name: "no id" }, { account_id: "" }, { account_id: 12 }, null, { account_id: "a2" }];
    const { client } = clientWith(() => jsonResponse({ docs, hasNextPage: false }));
    const result = await client.listLinkedAccounts(1, 10);
    expect(result.accounts.map((a) => a.account_id)).toEqual(["a1", "a2"]);
    expect(result.skipped).toBe(4);
  });

  it("keeps an account whose integrations field is malformed, as if the field were absent", async () => {
    // The account must not vanish from "watch every account" mode: without integrations it gets the full check.
    const docs = [{ account_id: "a1", name: "A", integrations: [null, { type: "hubspot" }] }, { account_id: "a2", integrations: "n/a" }];
    const { client } = clientWith(() => jsonResponse({ docs, hasNextPage: false }));
    const result = await client.listLinkedAccounts(1, 10);
    expect(result.accounts.map((a) => a.account_id)).toEqual(["a1", "a2"]);
    expect(result.skipped).toBe(0);
  });

  it.each([
    ["a list", []],
    ["an object without docs", { items: [] }],
    ["docs that are not a list", { docs: {} }],
    ["a non-number totalDocs", { docs: [], totalDocs: "32" }],
  ])("refuses %s with bad-response", async (_label, body) => {
    const { client } = clientWith(() => jsonResponse(body));
    const error = await failure(client.listLinkedAccounts(1, 10));
    expect(error.kind).toBe("bad-response");
    expect(error.params).toMatchObject({ cause: "bad-shape", answer: "linked-accounts" });
  });
});

describe("reconnect calls", () => {
  it("getOAuthUrl asks with the key and the linked account, and returns auth_url", async () => {
    const { client, requests } = clientWith(() => jsonResponse({ auth_url: "https://app.hubspot.com/oauth/authorize?x=1" }));
    const url = await client.getOAuthUrl("hubspot", "acct-1");
    expect(url).toBe("https://app.hubspot.com/oauth/authorize?x=1");
    expect(requests[0]!.url).toBe(`${BASE}/api/v2/public/linked-account/integration/oauth-url/hubspot`);
    expect(requests[0]!.method).toBe("GET");
    expect(requests[0]!.headers.get("x-api-key")).toBe(KEY);
    expect(requests[0]!.headers.get("linked_account_id")).toBe("acct-1");
  });

  it("getOAuthUrl refuses an answer without auth_url", async () => {
    const { client } = clientWith(() => jsonResponse({ url: "https://x.test" }));
    const error = await failure(client.getOAuthUrl("hubspot", "acct-1"));
    expect(error.kind).toBe("bad-response");
    expect(error.params).toEqual({ cause: "bad-shape", answer: "oauth-url", path: "auth_url" });
  });

  it("createSessionToken POSTs the linked account as JSON with the key", async () => {
    const { client, requests } = clientWith(() => jsonResponse({ token: "eyJ.session", refresh_token: "eyJ.refresh", expires_in: 599747 }));
    const token = await client.createSessionToken("acct 1");
    expect(token).toBe("eyJ.session");
    const [request] = requests;
    expect(request!.url).toBe(`${BASE}/api/v2/public/session-token`);
    expect(request!.method).toBe("POST");
    expect(request!.headers.get("x-api-key")).toBe(KEY);
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(request!.headers.get("authorization")).toBeNull();
    expect(JSON.parse(request!.body ?? "null")).toEqual({ linked_account_id: "acct 1" });
  });

  it("createConnectUrl sends the session token as Bearer and never the API key", async () => {
    const { client, requests } = clientWith(() => jsonResponse({ hosted_url: "https://connect.example.test/portal?token=abc" }));
    const url = await client.createConnectUrl("eyJ.session");
    expect(url).toBe("https://connect.example.test/portal?token=abc");
    const [request] = requests;
    expect(request!.url).toBe(`${BASE}/api/v2/public/connect-url`);
    expect(request!.method).toBe("POST");
    expect(request!.headers.get("authorization")).toBe("Bearer eyJ.session");
    expect(request!.headers.has("x-api-key")).toBe(false);
    // Never followed: a redirect is seen as such (opaqueredirect) and refused, the key stays here.
    expect(request!.init.redirect).toBe("manual");
    expect(request!.init.credentials).toBe("omit");
  });

  it("never sends both the key and a Bearer token on any call", async () => {
    const { fetch, requests } = recordingFetch((url) => {
      if (url.endsWith("/session-token")) return jsonResponse({ token: "t" });
      if (url.endsWith("/connect-url")) return jsonResponse({ hosted_url: "https://h.test" });
      if (url.includes("/oauth-url/")) return jsonResponse({ auth_url: "https://a.test" });
      if (url.includes("/linked-account?")) return jsonResponse({ docs: [] });
      return jsonResponse([]);
    });
    const client = new CobaltClient({ baseUrl: BASE, apiKey: KEY, fetch });
    await client.listApplications("a");
    await client.listLinkedAccounts(1, 10);
    await client.getOAuthUrl("s", "a");
    await client.createSessionToken("a");
    await client.createConnectUrl("t");
    expect(requests).toHaveLength(5);
    for (const request of requests) {
      const both = request.headers.has("x-api-key") && request.headers.has("authorization");
      expect(both, request.url).toBe(false);
      expect(request.headers.has("x-api-key") || request.headers.has("authorization"), request.url).toBe(true);
    }
  });

  it.each<[number, ErrorKind]>([
    [401, "unauthorized"],
    [404, "not-found"],
  ])("createSessionToken answered with HTTP %i fails with %s", async (status, kind) => {
    const { client } = clientWith(() => jsonResponse({ message: "nope" }, status));
    const error = await failure(client.createSessionToken("acct-1"));
    expect(error.kind).toBe(kind);
  });
});
