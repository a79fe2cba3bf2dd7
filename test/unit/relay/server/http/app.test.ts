import { describe, expect, it } from "vitest";
import { RelayErrorSchema, RelayHealthSchema, RelayStatusSchema } from "../../../../../src/relay/protocol/v1.ts";
import { sourceKey } from "../../../../../src/core/settings/fingerprint.ts";
import { STATUS_VERSION, type Status } from "../../../../../src/core/status/model.ts";
import { createRelayApp } from "../../../../../src/relay/server/http/app.ts";
import type { AuditEntry } from "../../../../../src/relay/server/store/audit.ts";
import { createLogger } from "../../../../../src/relay/server/base/log.ts";
import { SourceRunner, type SourceState } from "../../../../../src/relay/server/check/runner.ts";
import { etagMatches, render } from "../../../../../src/relay/server/http/view.ts";
import { sourceConfig } from "../support.ts";

const KEY = "pk_live_0123456789abcdef";
const TOKEN = "member-token";
const T = 1_790_000_000_000;

function stateFor(runnerSettings: SourceRunner["settings"], overrides: Partial<Status> = {}): SourceState {
  const status: Status = {
    schemaVersion: STATUS_VERSION,
    source: sourceKey(runnerSettings),
    checkedAt: T,
    accountsTotal: 2,
    accounts: [
      {
        id: "acme",
        name: "Acme",
        checkedAt: T,
        reauth: [{ slug: "hubspot", name: "HubSpot", icon: "https://logos.example/hubspot.png", authType: "oauth2" }],
        healthyCount: 1,
      },
      {
        id: "globex",
        checkedAt: T - 60_000,
        reauth: [],
        healthyCount: 0,
        error: { kind: "server", status: 502, detail: `upstream said ${KEY}`, at: T },
      },
    ],
    ...overrides,
  };
  return { status, healthy: { acme: [{ slug: "slack", name: "Slack" }] }, since: { acme: { hubspot: T - 3_600_000 } } };
}

function setup(options: { restored?: (settings: SourceRunner["settings"]) => SourceState; now?: () => number } = {}) {
  const config = sourceConfig("https://cobalt.invalid", { id: "prod", label: "Production", apiKey: KEY });
  const probe = new SourceRunner(config, { fetch: () => Promise.reject(new Error("no network")), log: createLogger({ secrets: [], write: () => {} }), onChange: () => {} });
  const restored = (options.restored ?? stateFor)(probe.settings);
  const lines: string[] = [];
  const log = createLogger({ secrets: [KEY], write: (line) => lines.push(line) });
  const runner = new SourceRunner(config, { fetch: () => Promise.reject(new Error("no network")), log, onChange: () => {} }, restored);
  const audit: AuditEntry[] = [];
  let address = "203.0.113.7";
  const app = createRelayApp({
    runners: [runner],
    members: { verify: async (token) => (token === TOKEN ? "alice" : undefined) },
    audit: { append: async (entry) => void audit.push(entry) },
    clientAddress: () => address,
    log,
    now: options.now ?? (() => T),
  });
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
  return { app, runner, audit, lines, get, setAddress: (a: string) => (address = a) };
}

describe("GET /v1/status", () => {
  it("serves each source and account as data: kinds, numbers and names, never Cobalt's sentences or the key", async () => {
    const { get } = setup();
    const response = await get("/v1/status");
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = RelayStatusSchema.parse(JSON.parse(text));
    expect(body).toEqual({
      protocol: 1,
      sources: [
        {
          id: "prod",
          label: "Production",
          environment: "production",
          checkedAt: T,
          accountsTotal: 2,
          accounts: [
            { id: "acme", name: "Acme", checkedAt: T, reauth: [{ slug: "hubspot", name: "HubSpot", icon: "https://logos.example/hubspot.png", authType: "oauth2", since: T - 3_600_000 }], healthyCount: 1 },
            { id: "globex", checkedAt: T - 60_000, reauth: [], healthyCount: 0, error: { kind: "server", at: T } },
          ],
        },
      ],
    });
    expect(text).not.toContain(KEY);
    expect(text).not.toContain("Cobalt's server failed");
    expect(text).not.toContain(sourceKey({ apiKey: KEY, baseUrl: "https://cobalt.invalid", linkedAccountIds: [], intervalMinutes: 60, requestsPerMinute: 1200 }));
  });

  it("has a strong ETag over the body and answers a matching If-None-Match with an empty 304", async () => {
    const { get } = setup();
    const first = await get("/v1/status");
    const etag = first.headers.get("etag")!;
    const body = await first.text();
    expect(etag).toBe((await render(JSON.parse(body))).etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const again = await get("/v1/status", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect((await get("/v1/status", { "if-none-match": `W/${etag}` })).status).toBe(304);
    expect((await get("/v1/status", { "if-none-match": `"other", ${etag}` })).status).toBe(304);
    expect((await get("/v1/status", { "if-none-match": '"other"' })).status).toBe(200);
  });

  it("changes its ETag when the data changes, and only then", async () => {
    const a = setup();
    const b = setup();
    const c = setup({ restored: (settings) => stateFor(settings, { checkedAt: T + 1 }) });
    const tag = async (s: ReturnType<typeof setup>) => (await s.get("/v1/status")).headers.get("etag");
    expect(await tag(a)).toBe(await tag(b));
    expect(await tag(a)).not.toBe(await tag(c));
  });

  it("says when the relay will ask again while Cobalt rate-limits it", async () => {
    const { get } = setup({
      restored: (settings) => stateFor(settings, { error: { kind: "rate-limited", at: T }, backoff: { failures: 1, notBefore: T + 90_000 } }),
    });
    const body = RelayStatusSchema.parse(await (await get("/v1/status")).json());
    expect(body.sources[0]).toMatchObject({ error: { kind: "rate-limited", at: T }, retryAt: T + 90_000 });
  });

  it("serves the healthy apps the popup lists when asked, with their own ETag", async () => {
    const { get } = setup();
    const response = await get("/v1/healthy-apps");
    expect(await response.json()).toEqual({ protocol: 1, sources: [{ id: "prod", accounts: { acme: [{ slug: "slack", name: "Slack" }], globex: [] } }] });
    expect((await get("/v1/healthy-apps", { "if-none-match": response.headers.get("etag")! })).status).toBe(304);
  });
});

describe("ETag comparison", () => {
  it("follows If-None-Match's weak comparison", () => {
    expect(etagMatches(undefined, '"a"')).toBe(false);
    expect(etagMatches("*", '"a"')).toBe(true);
    expect(etagMatches('"a"', '"a"')).toBe(true);
    expect(etagMatches('W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"b" , "a"', '"a"')).toBe(true);
    expect(etagMatches('"ab"', '"a"')).toBe(false);
  });
});

describe("member authentication", () => {
  it("needs a member's bearer token on every /v1 route but health and the webhook", async () => {
    const { app } = setup();
    for (const path of ["/v1/status", "/v1/healthy-apps"]) {
      const response = await app.request(path);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(RelayErrorSchema.parse(await response.json()).error.code).toBe("token-rejected");
    }
    expect((await app.request("/v1/links", { method: "POST", body: "{}" })).status).toBe(401);
    expect((await app.request("/v1/status", { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    expect((await app.request("/v1/health")).status).toBe(200);
  });

  it("limits failed attempts per address with 429 and Retry-After, even for a right token meanwhile", async () => {
    let now = T;
    const { app, get, setAddress } = setup({ now: () => now });
    const wrong = () => app.request("/v1/status", { headers: { authorization: "Bearer guess" } });
    for (let i = 0; i < 10; i++) expect((await wrong()).status).toBe(401);
    const limited = await wrong();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("6");
    expect(RelayErrorSchema.parse(await limited.json()).error).toEqual({ code: "too-many-requests", retryAfterSeconds: 6 });
    expect((await get("/v1/status")).status).toBe(429);
    setAddress("198.51.100.1");
    expect((await get("/v1/status")).status).toBe(200);
    setAddress("203.0.113.7");
    now += 6_000;
    expect((await get("/v1/status")).status).toBe(200);
  });
});

describe("the limit on rejected tokens over IPv6", () => {
  it("is kept per /64, the block one subscriber is given, not per address", async () => {
    const { app, get, setAddress } = setup();
    const wrong = () => app.request("/v1/status", { headers: { authorization: "Bearer guess" } });
    for (let i = 0; i < 10; i++) {
      setAddress(`2001:db8:1:2::${i.toString(16)}`);
      expect((await wrong()).status).toBe(401);
    }
    setAddress("2001:db8:1:2:ffff:ffff:ffff:ffff");
    expect((await get("/v1/status")).status).toBe(429);
    setAddress("2001:db8:1:3::1");
    expect((await get("/v1/status")).status).toBe(200);
  });
});

describe("GET /v1/health", () => {
  it("says whether each source's last check worked, and nothing else", async () => {
    const ok = setup();
    const healthy = await ok.app.request("/v1/health");
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toEqual({ ok: true, sources: [{ id: "prod", ok: true, checkedAt: T }] });
    const failing = setup({ restored: (settings) => stateFor(settings, { error: { kind: "unauthorized", status: 401, detail: `rejected ${KEY}`, at: T } }) });
    const text = await (await failing.app.request("/v1/health")).text();
    expect(JSON.parse(text)).toEqual({ ok: false, sources: [{ id: "prod", ok: false, checkedAt: T, errorKind: "unauthorized" }] });
    expect(text).not.toContain(KEY);
  });

  it("answers 503 while a source is failing, so a container's health check or an orchestrator acts on it", async () => {
    const rejected = setup({ restored: (settings) => stateFor(settings, { error: { kind: "unauthorized", status: 401, at: T } }) });
    const response = await rejected.app.request("/v1/health");
    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(RelayHealthSchema.parse(await response.json()).ok).toBe(false);
  });
});

describe("POST /v1/links", () => {
  const post = (s: ReturnType<typeof setup>, body: unknown) =>
    s.app.request("/v1/links", { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });

  it("refuses, and audits, links for what the relay does not list as needing re-authentication", async () => {
    const s = setup();
    const cases: [unknown, number, string][] = [
      [{ sourceId: "nope", linkedAccountId: "acme", slug: "hubspot" }, 404, "unknown-source"],
      [{ sourceId: "prod", linkedAccountId: "initech", slug: "hubspot" }, 404, "unknown-account"],
      [{ sourceId: "prod", linkedAccountId: "acme", slug: "slack" }, 404, "app-not-reauth"],
      [{ sourceId: "prod", linkedAccountId: "acme" }, 400, "bad-request"],
    ];
    for (const [body, status, code] of cases) {
      const response = await post(s, body);
      expect(response.status).toBe(status);
      expect(RelayErrorSchema.parse(await response.json()).error.code).toBe(code);
    }
    expect(s.audit.map((entry) => [entry.member, entry.outcome, entry.reason])).toEqual([
      ["alice", "refused", "unknown-source"],
      ["alice", "refused", "unknown-account"],
      ["alice", "refused", "app-not-reauth"],
    ]);
  });

  it("records a request for a source it does not have without writing what the member typed", async () => {
    const s = setup();
    const response = await post(s, { sourceId: "nope\u202E", linkedAccountId: "acme\u2028forged", slug: "anything at all" });
    expect(response.status).toBe(404);
    expect(RelayErrorSchema.parse(await response.json()).error.code).toBe("unknown-source");
    expect(s.audit).toEqual([{ time: new Date(T).toISOString(), member: "alice", source: "", linkedAccount: "", app: "", outcome: "refused", reason: "unknown-source" }]);
  });

  it("reports Cobalt's failure as data, and audits it", async () => {
    const s = setup();
    const response = await post(s, { sourceId: "prod", linkedAccountId: "acme", slug: "hubspot" });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(RelayErrorSchema.parse(JSON.parse(text)).error).toEqual({ code: "cobalt", problem: { kind: "network" } });
    expect(s.audit).toEqual([{ time: new Date(T).toISOString(), member: "alice", source: "prod", linkedAccount: "acme", app: "hubspot", outcome: "failed", reason: "network" }]);
  });
});
