import { describe, expect, it } from "vitest";
import { ApiError } from "../../../../src/core/api/errors.ts";
import { RelayClient } from "../../../../src/relay/client/client.ts";
import type { RelayStatus } from "../../../../src/relay/protocol/v1.ts";
import { jsonResponse, recordingFetch, textResponse, type Responder } from "../../support/fetch.ts";

// The extension's side of the relay's HTTP API: what it sends (the token to the relay origin only,
// never following a redirect) and how every answer becomes data or a typed failure.

const RELAY = "https://relay.example.test";
const TOKEN = "cirelay_secret_token_0123456789";

const STATUS: RelayStatus = {
  protocol: 1,
  sources: [{ id: "team", label: "Team", environment: "test", checkedAt: 1_000, accounts: [{ id: "acme", reauth: [], healthyCount: 1 }] }],
};

function clientWith(respond: Responder, timeoutMs?: number) {
  const { fetch, requests } = recordingFetch(respond);
  return { client: new RelayClient({ relayUrl: RELAY, token: TOKEN, fetch, ...(timeoutMs === undefined ? {} : { timeoutMs }) }), requests };
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

const statusFailure = (respond: Responder) => failure(clientWith(respond).client.status());

describe("GET /v1/status", () => {
  it("sends the token as a bearer header to the relay URL, with no cookies, following no redirect", async () => {
    const { client, requests } = clientWith(() => jsonResponse(STATUS, 200, { etag: '"v1"' }));
    expect(await client.status()).toEqual({ kind: "ok", etag: '"v1"', body: STATUS });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    // The compact status: a relay from before ignores the parameter and answers in full.
    expect(request!.url).toBe(`${RELAY}/v1/status?compact=1`);
    expect(request!.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
    expect(request!.headers.get("if-none-match")).toBeNull();
    expect(request!.init).toMatchObject({ method: "GET", credentials: "omit", redirect: "manual", cache: "no-store" });
    expect(request!.url).not.toContain(TOKEN);
  });

  it("asks with If-None-Match and takes a 304 as nothing changed", async () => {
    const { client, requests } = clientWith(() => new Response(null, { status: 304 }));
    expect(await client.status('"v1"')).toEqual({ kind: "not-modified" });
    expect(requests[0]!.headers.get("if-none-match")).toBe('"v1"');
  });

  it("says a relay that cannot be reached, or that times out, is unreachable", async () => {
    expect((await statusFailure(() => Promise.reject(new TypeError("Failed to fetch")))).kind).toBe("relay-unreachable");
    // A relay that never answers is cut off by the timeout signal, like the Cobalt client's.
    const hang: Responder = (_url, init) => new Promise<Response>((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    expect((await failure(clientWith(hang, 20).client.status())).kind).toBe("relay-unreachable");
  });

  it("says a proxy's server error in front of the relay is the relay unreachable, with its status", async () => {
    const error = await statusFailure(() => textResponse("<html>Bad Gateway</html>", 502));
    expect(error.kind).toBe("relay-unreachable");
    expect(error.status).toBe(502);
  });

  it.each([401, 403])("says the token was rejected on %i", async (status) => {
    const error = await statusFailure(() => jsonResponse({ error: { code: "token-rejected" } }, status));
    expect(error.kind).toBe("relay-token-rejected");
    expect(error.status).toBe(status);
  });

  it("takes a 429 as the relay asking this browser to wait, for as long as it says", async () => {
    const error = await statusFailure(() => jsonResponse({ error: { code: "too-many-requests", retryAfterSeconds: 6 } }, 429, { "retry-after": "6" }));
    expect(error.kind).toBe("relay-rate-limited");
    expect(error.params).toMatchObject({ status: 429, retryAfterMs: 6_000 });
  });

  it("refuses a redirect, naming where it pointed: the token does not follow", async () => {
    const error = await statusFailure(() => new Response(null, { status: 302, headers: { location: "https://elsewhere.example/v1/status" } }));
    expect(error.kind).toBe("relay-bad-response");
    expect(error.params).toMatchObject({ status: 302, origin: "https://elsewhere.example" });
  });

  it.each<[string, Responder, Record<string, unknown>]>([
    ["not JSON", () => textResponse("<html>Sign in to the Wi-Fi</html>", 200), { cause: "not-json", detail: "<html>Sign in to the Wi-Fi</html>" }],
    ["another shape", () => jsonResponse({ protocol: 1, sources: [{ id: 3 }] }), { cause: "bad-shape", path: "sources.0.id" }],
    ["a 404 (not a relay)", () => textResponse("not here", 404), { status: 404 }],
  ])("says an answer that is %s is a bad answer", async (_name, respond, params) => {
    const error = await statusFailure(respond);
    expect(error.kind).toBe("relay-bad-response");
    expect(error.params).toMatchObject(params);
  });
});

describe("GET /v1/healthy-apps", () => {
  it("asks for the compact healthy apps with the same token, and reads them", async () => {
    const body = { protocol: 1, sources: [{ id: "team", apps: [{ slug: "slack", name: "Slack" }], accounts: [{ id: "acme", name: "Acme", apps: [0] }] }] };
    const { client, requests } = clientWith(() => jsonResponse(body, 200, { etag: '"h1"' }));
    expect(await client.healthyApps()).toEqual({ kind: "ok", etag: '"h1"', body });
    expect(requests[0]!.url).toBe(`${RELAY}/v1/healthy-apps?compact=1`);
    expect(requests[0]!.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
  });

  it("reads the full answer of a relay from before the compact answers", async () => {
    const body = { protocol: 1, sources: [{ id: "team", accounts: { acme: [{ slug: "slack", name: "Slack" }] } }] };
    expect(await clientWith(() => jsonResponse(body)).client.healthyApps()).toEqual({ kind: "ok", body });
  });

  it("asks with If-None-Match and takes a 304 as nothing changed", async () => {
    const { client, requests } = clientWith(() => new Response(null, { status: 304 }));
    expect(await client.healthyApps('"h1"')).toEqual({ kind: "not-modified" });
    expect(requests[0]!.headers.get("if-none-match")).toBe('"h1"');
  });

  it("refuses a compact answer whose indices point nowhere, naming where", async () => {
    const body = { protocol: 1, sources: [{ id: "team", apps: [], accounts: [{ id: "acme", apps: [0] }] }] };
    const error = await clientWith(() => jsonResponse(body)).client.healthyApps().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ kind: "relay-bad-response" });
  });
});

describe("POST /v1/links", () => {
  it("asks the relay for one app's link and returns it", async () => {
    const { client, requests } = clientWith(() => jsonResponse({ url: "https://consent.example/authorize?state=x", via: "oauth" }));
    expect(await client.link({ sourceId: "team", linkedAccountId: "acme", slug: "hubspot" })).toEqual({ url: "https://consent.example/authorize?state=x", via: "oauth" });
    expect(requests[0]).toMatchObject({ url: `${RELAY}/v1/links`, method: "POST" });
    expect(JSON.parse(requests[0]!.body!)).toEqual({ sourceId: "team", linkedAccountId: "acme", slug: "hubspot" });
    expect(requests[0]!.headers.get("content-type")).toBe("application/json");
  });

  it("refuses a link that is not a web address", async () => {
    const { client } = clientWith(() => jsonResponse({ url: "javascript:alert(1)", via: "portal" }));
    const error = await failure(client.link({ sourceId: "team", linkedAccountId: "acme", slug: "hubspot" }));
    expect(error.kind).toBe("relay-bad-response");
  });

  it.each(["app-not-reauth", "unknown-account", "unknown-source"])("says the relay no longer lists the app on %s", async (code) => {
    const { client } = clientWith(() => jsonResponse({ error: { code } }, 404));
    const error = await failure(client.link({ sourceId: "team", linkedAccountId: "acme", slug: "hubspot" }));
    expect(error.info(5)).toEqual({ kind: "not-found", at: 5, cause: "relay-not-listed", status: 404 });
  });

  it("passes on how Cobalt failed the relay: a rate limit as the relay's, anything else as its check of Cobalt", async () => {
    const limited = clientWith(() => jsonResponse({ error: { code: "cobalt", problem: { kind: "rate-limited", status: 429, retryAfterMs: 30_000 } } }, 502)).client;
    const error = await failure(limited.link({ sourceId: "team", linkedAccountId: "acme", slug: "hubspot" }));
    expect(error.info(5)).toEqual({ kind: "relay-rate-limited", at: 5, retryAfterMs: 30_000 });
    const rejected = clientWith(() => jsonResponse({ error: { code: "cobalt", problem: { kind: "unauthorized", status: 401 } } }, 502)).client;
    expect((await failure(rejected.link({ sourceId: "team", linkedAccountId: "acme", slug: "hubspot" }))).info(5)).toEqual({
      kind: "relay-cobalt",
      at: 5,
      upstream: "unauthorized",
      status: 401,
    });
  });
});

describe("POST /v1/desk", () => {
  const claim = { action: "claim", sourceId: "team", linkedAccountId: "acme", slug: "hubspot" } as const;

  it("sends one change with the token, and reads what came of it", async () => {
    const { client, requests } = clientWith(() => jsonResponse({ protocol: 1, action: "claim", outcome: "done" }));
    expect(await client.desk(claim)).toEqual({ ok: true, answer: { protocol: 1, action: "claim", outcome: "done" } });
    expect(requests[0]).toMatchObject({ url: `${RELAY}/v1/desk`, method: "POST" });
    expect(JSON.parse(requests[0]!.body!)).toEqual(claim);
    expect(requests[0]!.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
  });

  it.each([
    [409, "claimed"],
    [409, "not-yours"],
    [409, "desk-full"],
    [400, "note-too-long"],
    [404, "app-not-reauth"],
    [404, "unknown-account"],
  ])("takes a %i %s as the desk's refusal, as data", async (status, code) => {
    const { client } = clientWith(() => jsonResponse({ error: { code } }, status));
    expect(await client.desk(claim)).toEqual({ ok: false, refused: code });
  });

  it("fails as any request does when the token is rejected, the relay is unreachable or it answers nonsense", async () => {
    expect((await failure(clientWith(() => jsonResponse({ error: { code: "token-rejected" } }, 401)).client.desk(claim))).kind).toBe("relay-token-rejected");
    expect((await failure(clientWith(() => jsonResponse({ error: { code: "too-many-requests" } }, 429)).client.desk(claim))).kind).toBe("relay-rate-limited");
    expect((await failure(clientWith(() => textResponse("<html>", 502)).client.desk(claim))).kind).toBe("relay-unreachable");
    expect((await failure(clientWith(() => jsonResponse({ ok: true })).client.desk(claim))).kind).toBe("relay-bad-response");
  });
});
