import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RelayErrorSchema, RelayHealthSchema, RelayStatusSchema } from "../../../../../src/relay/protocol/v1.ts";
import { sourceKey } from "../../../../../src/core/settings/fingerprint.ts";
import { STATUS_VERSION, type Status } from "../../../../../src/core/status/model.ts";
import { createRelayApp } from "../../../../../src/relay/server/http/app.ts";
import { ADMIN_PATHS, AddedMemberSchema, AdminErrorSchema, AuditAnswerSchema, CheckAnswerSchema, MemberListSchema, adminMemberPath } from "../../../../../src/relay/protocol/admin.ts";
import { Audit } from "../../../../../src/relay/server/store/audit.ts";
import { Members } from "../../../../../src/relay/server/store/members.ts";
import { Records } from "../../../../../src/relay/server/store/records.ts";
import { createLogger } from "../../../../../src/relay/server/base/log.ts";
import { SourceRunner, type SourceState } from "../../../../../src/relay/server/check/runner.ts";
import { etagMatches, render } from "../../../../../src/relay/server/http/view.ts";
import { sourceConfig } from "../support.ts";
import { BACKENDS, openBackends, type BackendName, type Backends } from "../backends.ts";

/*
 * The HTTP API on its own, with a fixed clock, against each of the store's implementations (files;
 * a Durable Object's SQLite in workerd): members' tokens and the audit log are the store's own.
 */

let backends: Backends;
beforeAll(async () => {
  backends = await openBackends();
}, 120_000);
afterAll(() => backends.close());
const ADMIN = "admin-token-0123456789abcdef0123456789";

const KEY = "pk_live_0123456789abcdef";
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

async function setup(backendName: BackendName, options: { restored?: (settings: SourceRunner["settings"]) => SourceState; now?: () => number; admin?: boolean } = {}) {
  const config = sourceConfig("https://cobalt.invalid", { id: "prod", label: "Production", apiKey: KEY });
  const probe = new SourceRunner(config, { fetch: () => Promise.reject(new Error("no network")), log: createLogger({ secrets: [], write: () => {} }), onChange: () => {} });
  const restored = (options.restored ?? stateFor)(probe.settings);
  const lines: string[] = [];
  const log = createLogger({ secrets: [KEY], write: (line) => lines.push(line) });
  const runner = new SourceRunner(config, { fetch: () => Promise.reject(new Error("no network")), log, onChange: () => {} }, restored);
  const records = new Records(await backends.make(backendName), [KEY, ADMIN]);
  const members = new Members(records);
  const audit = new Audit(records);
  const { token } = await members.add("alice");
  let address = "203.0.113.7";
  const app = createRelayApp({
    runners: [runner],
    members,
    audit,
    clientAddress: () => address,
    log,
    now: options.now ?? (() => T),
    ...(options.admin !== false && { admin: { token: ADMIN, members, audit } }),
  });
  const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const auditLines = async () => (await audit.read()).filter((entry) => "linkedAccount" in entry);
  return { app, runner, audit: auditLines, lines, get, token, setAddress: (a: string) => (address = a) };
}

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

describe.each(BACKENDS)("the HTTP API with its records on %s", { timeout: 30_000 }, (backend) => {
  describe("GET /v1/status", () => {
    it("serves each source and account as data: kinds, numbers and names, never Cobalt's sentences or the key", async () => {
      const { get } = await setup(backend);
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
      const { get } = await setup(backend);
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
      const a = await setup(backend);
      const b = await setup(backend);
      const c = await setup(backend, { restored: (settings) => stateFor(settings, { checkedAt: T + 1 }) });
      const tag = async (s: Awaited<ReturnType<typeof setup>>) => (await s.get("/v1/status")).headers.get("etag");
      expect(await tag(a)).toBe(await tag(b));
      expect(await tag(a)).not.toBe(await tag(c));
    });

    it("says when the relay will ask again while Cobalt rate-limits it", async () => {
      const { get } = await setup(backend, {
        restored: (settings) => stateFor(settings, { error: { kind: "rate-limited", at: T }, backoff: { failures: 1, notBefore: T + 90_000 } }),
      });
      const body = RelayStatusSchema.parse(await (await get("/v1/status")).json());
      expect(body.sources[0]).toMatchObject({ error: { kind: "rate-limited", at: T }, retryAt: T + 90_000 });
    });

    it("serves the healthy apps the popup lists when asked, with their own ETag", async () => {
      const { get } = await setup(backend);
      const response = await get("/v1/healthy-apps");
      expect(await response.json()).toEqual({ protocol: 1, sources: [{ id: "prod", accounts: { acme: [{ slug: "slack", name: "Slack" }], globex: [] } }] });
      expect((await get("/v1/healthy-apps", { "if-none-match": response.headers.get("etag")! })).status).toBe(304);
    });
  });

  describe("member authentication", () => {
    it("needs a member's bearer token on every /v1 route but health and the webhook", async () => {
      const { app } = await setup(backend);
      for (const path of ["/v1/status", "/v1/healthy-apps"]) {
        const response = await app.request(path);
        expect(response.status).toBe(401);
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(RelayErrorSchema.parse(await response.json()).error.code).toBe("token-rejected");
      }
      expect((await app.request("/v1/links", { method: "POST", body: "{}" })).status).toBe(401);
      expect((await app.request("/v1/status", { headers: { authorization: "Basic cirelay_x" } })).status).toBe(401);
      expect((await app.request("/v1/health")).status).toBe(200);
    });

    it("limits failed attempts per address with 429 and Retry-After, even for a right token meanwhile", async () => {
      let now = T;
      const { app, get, setAddress } = await setup(backend, { now: () => now });
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

  describe("GET /v1/health", () => {
    it("says whether each source's last check worked, and nothing else", async () => {
      const ok = await setup(backend);
      const healthy = await ok.app.request("/v1/health");
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toEqual({ ok: true, sources: [{ id: "prod", ok: true, checkedAt: T }] });
      const failing = await setup(backend, { restored: (settings) => stateFor(settings, { error: { kind: "unauthorized", status: 401, detail: `rejected ${KEY}`, at: T } }) });
      const text = await (await failing.app.request("/v1/health")).text();
      expect(JSON.parse(text)).toEqual({ ok: false, sources: [{ id: "prod", ok: false, checkedAt: T, errorKind: "unauthorized" }] });
      expect(text).not.toContain(KEY);
    });
  });

  describe("POST /v1/links", () => {
    const post = (s: Awaited<ReturnType<typeof setup>>, body: unknown) =>
      s.app.request("/v1/links", { method: "POST", headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });

    it("refuses, and audits, links for what the relay does not list as needing re-authentication", async () => {
      const s = await setup(backend);
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
      expect((await s.audit()).map((entry) => [entry.member, entry.outcome, entry.reason])).toEqual([
        ["alice", "refused", "unknown-source"],
        ["alice", "refused", "unknown-account"],
        ["alice", "refused", "app-not-reauth"],
      ]);
    });

    it("reports Cobalt's failure as data, and audits it", async () => {
      const s = await setup(backend);
      const response = await post(s, { sourceId: "prod", linkedAccountId: "acme", slug: "hubspot" });
      expect(response.status).toBe(502);
      const text = await response.text();
      expect(RelayErrorSchema.parse(JSON.parse(text)).error).toEqual({ code: "cobalt", problem: { kind: "network" } });
      expect(await s.audit()).toEqual([{ time: new Date(T).toISOString(), member: "alice", source: "prod", linkedAccount: "acme", app: "hubspot", outcome: "failed", reason: "network" }]);
    });
  });

  describe("the limit on rejected tokens over IPv6", () => {
    it("is kept per /64, the block one subscriber is given, not per address", async () => {
      const { app, get, setAddress } = await setup(backend);
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

  describe("health and unknown sources", () => {
    it("answers 503 while a source is failing, so a container's health check or an orchestrator acts on it", async () => {
      const rejected = await setup(backend, { restored: (settings) => stateFor(settings, { error: { kind: "unauthorized", status: 401, at: T } }) });
      const response = await rejected.app.request("/v1/health");
      expect(response.status).toBe(503);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(RelayHealthSchema.parse(await response.json()).ok).toBe(false);
    });

    it("records a request for a source it does not have without writing what the member typed", async () => {
      const s = await setup(backend);
      const response = await s.app.request("/v1/links", {
        method: "POST",
        headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json" },
        body: JSON.stringify({ sourceId: "nope\u202E", linkedAccountId: "acme\u2028forged", slug: "anything at all" }),
      });
      expect(response.status).toBe(404);
      expect(RelayErrorSchema.parse(await response.json()).error.code).toBe("unknown-source");
      expect(await s.audit()).toEqual([{ time: new Date(T).toISOString(), member: "alice", source: "", linkedAccount: "", app: "", outcome: "refused", reason: "unknown-source" }]);
    });
  });

  describe("the admin API", () => {
    const admin = (s: Awaited<ReturnType<typeof setup>>, path: string, init: RequestInit = {}, token = ADMIN) =>
      s.app.request(path, { ...init, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } });

    it("adds a member and shows the token once, lists, removes; the token works at once and stops at once; every change is audited", async () => {
      const s = await setup(backend);
      const added = await admin(s, ADMIN_PATHS.members, { method: "POST", body: JSON.stringify({ name: "bob" }) });
      expect(added.status).toBe(201);
      expect(added.headers.get("cache-control")).toBe("no-store");
      const { token, member } = AddedMemberSchema.parse(await added.json());
      expect(member).toEqual({ name: "bob", createdAt: new Date().toISOString().slice(0, 4) + member.createdAt.slice(4) });
      expect((await s.app.request("/v1/status", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      const listed = MemberListSchema.parse(await (await admin(s, ADMIN_PATHS.members)).json());
      expect(listed.members.map((each) => each.name)).toEqual(["alice", "bob"]);
      expect(JSON.stringify(listed)).not.toContain("tokenSha256");
      const again = await admin(s, ADMIN_PATHS.members, { method: "POST", body: JSON.stringify({ name: "bob" }) });
      expect([again.status, AdminErrorSchema.parse(await again.json()).error.code]).toEqual([409, "member-exists"]);
      const bad = await admin(s, ADMIN_PATHS.members, { method: "POST", body: JSON.stringify({ name: "../etc" }) });
      expect([bad.status, AdminErrorSchema.parse(await bad.json()).error.code]).toEqual([400, "bad-name"]);
      expect((await admin(s, ADMIN_PATHS.members, { method: "POST", body: "{" })).status).toBe(400);
      expect((await admin(s, adminMemberPath("bob"), { method: "DELETE" })).status).toBe(200);
      expect((await s.app.request("/v1/status", { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
      const missing = await admin(s, adminMemberPath("bob"), { method: "DELETE" });
      expect([missing.status, AdminErrorSchema.parse(await missing.json()).error.code]).toEqual([404, "unknown-member"]);
      const audit = AuditAnswerSchema.parse(await (await admin(s, ADMIN_PATHS.audit)).json());
      expect(audit.entries.map(({ action, subject, outcome, reason, by }) => [action, subject, outcome, reason ?? "", by])).toEqual([
        ["add-member", "bob", "done", "", "admin-api"],
        ["add-member", "bob", "refused", "member-exists", "admin-api"],
        ["add-member", "../etc", "refused", "bad-name", "admin-api"],
        ["remove-member", "bob", "done", "", "admin-api"],
        ["remove-member", "bob", "refused", "unknown-member", "admin-api"],
      ]);
    });

    it("asks for a check of every source or one, and refuses an unknown source", async () => {
      const s = await setup(backend);
      const checked = await admin(s, ADMIN_PATHS.check, { method: "POST" });
      expect([checked.status, CheckAnswerSchema.parse(await checked.json()).sources]).toEqual([202, ["prod"]]);
      expect((await admin(s, `${ADMIN_PATHS.check}?source=prod`, { method: "POST" })).status).toBe(202);
      const unknown = await admin(s, `${ADMIN_PATHS.check}?source=nope`, { method: "POST" });
      expect([unknown.status, AdminErrorSchema.parse(await unknown.json()).error.code]).toEqual([404, "unknown-source"]);
    });

    it("needs the admin token, never a member's; limits wrong tokens per address like members'; logs no token", async () => {
      let now = T;
      const s = await setup(backend, { now: () => now });
      for (const path of [ADMIN_PATHS.members, ADMIN_PATHS.audit, adminMemberPath("alice")]) {
        const wrong = await s.app.request(path, { method: path === ADMIN_PATHS.members ? "GET" : "DELETE", headers: { authorization: `Bearer ${s.token}` } });
        expect(wrong.status).toBe(401);
        expect(AdminErrorSchema.parse(await wrong.json()).error.code).toBe("token-rejected");
      }
      expect((await s.app.request(ADMIN_PATHS.members)).status).toBe(401);
      for (let i = 0; i < 6; i++) expect((await admin(s, ADMIN_PATHS.members, {}, `${ADMIN}x`)).status).toBe(401);
      const limited = await admin(s, ADMIN_PATHS.members);
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("6");
      now += 6_000;
      expect((await admin(s, ADMIN_PATHS.members)).status).toBe(200);
      expect(s.lines.join("\n")).not.toContain(ADMIN);
      expect(s.lines.join("\n")).not.toContain(s.token);
      expect(s.lines.filter((line) => line.includes('"event":"admin-token-rejected"'))).toHaveLength(10);
    });

    it("is off without an admin token: every admin path answers admin-off, whatever is sent", async () => {
      const s = await setup(backend, { admin: false });
      for (const path of [ADMIN_PATHS.members, ADMIN_PATHS.audit, ADMIN_PATHS.check]) {
        const answer = await admin(s, path);
        expect([answer.status, AdminErrorSchema.parse(await answer.json()).error.code]).toEqual([404, "admin-off"]);
      }
    });
  });
});
