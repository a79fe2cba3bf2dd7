import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { RelayErrorSchema, RelayStatusSchema, LinkResponseSchema, type RelayStatus } from "../../../../src/relay/protocol/v1.ts";
import { registerWebhook } from "../../../../src/relay/server/node/register-webhook.ts";
import type { Fault } from "../../../fake-cobalt/server.ts";
import { seedDemoOrg, sendWebhook, startFakeCobalt, v3App } from "../../../fake-cobalt/server.ts";
import { startWorkersRelay } from "../../../../scripts/lib/workers-relay.ts";
import { DEMO_KEY, RUNTIMES, sourceConfig, startStack, tempDir, waitFor, workerBundle, type Runtime, type Stack } from "./support.ts";

/*
 * The real relay against the fake Cobalt server, on both runtimes: on Node (HTTP server, runners,
 * files) in this process, and on Workers (the bundle `wrangler deploy` uploads, in workerd through
 * Miniflare, with a Durable Object). Waits are for states, never for fixed times.
 */

let stack: Stack | undefined;
afterEach(async () => {
  if (stack) {
    // Whatever each test did, the key never reached a member or a log line.
    assertNoKey(stack);
    await stack.close();
  }
  stack = undefined;
});

function assertNoKey(s: Stack): void {
  for (const response of s.responses) {
    expect(response.body, response.url).not.toContain(DEMO_KEY);
    expect(response.headers, response.url).not.toContain(DEMO_KEY);
  }
  for (const line of s.logs) expect(line).not.toContain(DEMO_KEY);
}

async function status(s: Stack, token: string): Promise<RelayStatus> {
  const response = await s.call("/v1/status", { token });
  expect(response.status).toBe(200);
  return RelayStatusSchema.parse(JSON.parse(response.body));
}

const reauthOf = (body: RelayStatus, account: string) => body.sources[0]!.accounts.find((a) => a.id === account)?.reauth.map((app) => app.slug);

/** Every file the relay keeps (its data folder: files on Node, the Durable Object's SQLite on Workers), as text. */
function keptFiles(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, text: readFileSync(path).toString("latin1") }));
}

describe.each(RUNTIMES)("the relay on %s against the fake Cobalt server", { timeout: 30_000 }, (runtime: Runtime) => {
  // The Worker is bundled once for the file, as `wrangler deploy` would.
  beforeAll(async () => {
    if (runtime === "workers") await workerBundle();
  }, 120_000);

  it("checks Cobalt as soon as it starts, before anyone has asked it anything", async () => {
    stack = await startStack({ runtime });
    await waitFor(() => stack!.logs.some((line) => line.includes('"event":"check"')));
    expect(stack.responses).toEqual([]);
    expect(stack.fake.requests.some((request) => request.path === "/api/v2/public/linked-account")).toBe(true);
  });

  it("serves the status of its first check to every member", async () => {
    stack = await startStack({ runtime });
    const token = await stack.addMember("alice");
    await stack.checked();
    const body = await status(stack, token);
    expect(body.sources[0]).toMatchObject({ id: "team", label: "Team (test)", environment: "test", accountsTotal: 3 });
    expect(reauthOf(body, "acme-corp")).toEqual(["hubspot", "copper"]);
    expect(reauthOf(body, "globex")).toEqual(["salesforce"]);
    expect(reauthOf(body, "initech")).toEqual([]);
    expect((await stack.call("/v1/health")).body).toMatch(/"ok":true/);
  });

  it("re-checks one linked account when Cobalt's signed webhook says it expired, and only that one", async () => {
    stack = await startStack({ runtime });
    const token = await stack.addMember("alice");
    await stack.checked();
    const registration = await registerWebhook(stack.source, stack.url, fetch);
    expect(registration.webhookUrl).toBe(`${stack.url}/v1/cobalt/webhook/team`);
    expect(stack.fake.webhooks()).toEqual([{ webhook_url: registration.webhookUrl, webhook_events: ["Connection Created", "Connection Deleted", "Connection Expired"], environment: "test", key: DEMO_KEY }]);
    const before = await stack.call("/v1/status", { token });
    const etag = before.headers.get("etag")!;

    const initech = stack.fake.accounts().find((a) => a.account_id === "initech")!;
    stack.fake.setAccount({ ...initech, apps: [v3App("jira", { status: "expired" }), ...initech.apps.slice(1)] });
    stack.fake.clearRequests();
    expect(await stack.fake.emitConnectionEvent({ event: "Connection Expired", linkedAccountId: "initech", slug: "jira" })).toEqual([{ url: registration.webhookUrl, status: 200 }]);

    await waitFor(async () => (await stack!.call("/v1/status", { token, headers: { "if-none-match": etag } })).status === 200);
    const after = await status(stack, token);
    expect(reauthOf(after, "initech")).toEqual(["jira"]);
    expect(reauthOf(after, "acme-corp")).toEqual(["hubspot", "copper"]);
    const asked = stack.fake.requests.filter((r) => r.path.startsWith("/api/"));
    expect(asked.map((r) => [r.path, r.linkedAccountId])).toEqual([["/api/v2/public/application", "initech"]]);
  });

  it("rejects a webhook with a wrong signature or none, and a malformed one", async () => {
    stack = await startStack({ runtime });
    await stack.checked();
    const url = `${stack.url}/v1/cobalt/webhook`;
    const event = { event: "Connection Expired", linked_account_id: "initech", environment: "test", slug: "jira" };
    stack.fake.clearRequests();
    expect((await sendWebhook(url, event, "pk_wrong_key")).status).toBe(401);
    expect((await sendWebhook(url, event, undefined)).status).toBe(401);
    const malformed = await fetch(url, { method: "POST", body: "{", headers: { "x-cobalt-signature": "0".repeat(64) } });
    expect(malformed.status).toBe(401);
    const signedGarbage = await sendWebhook(url, ["not", "an", "event"], DEMO_KEY);
    expect(signedGarbage.status).toBe(400);
    expect((await sendWebhook(`${url}/nope`, event, DEMO_KEY)).status).toBe(404);
    expect(stack.fake.requests).toEqual([]);
  });

  it("with signatures off, takes unsigned events as hints for known accounts only", async () => {
    stack = await startStack({ runtime, source: { webhook: { verify: false, secret: DEMO_KEY } } });
    const token = await stack.addMember("alice");
    await stack.checked();
    stack.fake.clearRequests();
    const url = `${stack.url}/v1/cobalt/webhook`;
    const unknown = await sendWebhook(url, { event: "Connection Created", linked_account_id: "stranger", environment: "test" }, undefined);
    expect(unknown.status).toBe(200);
    const other = await sendWebhook(url, { event: "Connection Expired", linked_account_id: "globex", environment: "production" }, undefined);
    expect(other.status).toBe(200);
    const known = await sendWebhook(url, { event: "Connection Expired", linked_account_id: "globex", environment: "test" }, undefined);
    expect(await known.json()).toEqual(await unknown.json());
    await waitFor(() => stack!.fake.requests.length > 0);
    await waitFor(() => stack!.logs.some((line) => line.includes('"event":"recheck"')));
    expect(stack.fake.requests.map((r) => r.linkedAccountId)).toEqual(["globex"]);
    expect((await status(stack, token)).sources[0]!.accounts.map((a) => a.id)).toEqual(["acme-corp", "globex", "initech"]);
  });

  it("makes a reconnect link with the key, hands it to the member and writes the audit log", async () => {
    stack = await startStack({ runtime });
    const token = await stack.addMember("bob");
    await stack.checked();
    const link = async (slug: string) =>
      stack!.call("/v1/links", { method: "POST", token, headers: { "content-type": "application/json" }, body: JSON.stringify({ sourceId: "team", linkedAccountId: "acme-corp", slug }) });
    const oauth = await link("hubspot");
    expect(oauth.status).toBe(200);
    expect(oauth.headers.get("cache-control")).toBe("no-store");
    expect(LinkResponseSchema.parse(JSON.parse(oauth.body))).toMatchObject({ via: "oauth", url: expect.stringContaining("/oauth/authorize/hubspot") });
    const portal = LinkResponseSchema.parse(JSON.parse((await link("copper")).body));
    expect(portal).toMatchObject({ via: "portal", url: expect.stringContaining("/connect/") });
    expect(RelayErrorSchema.parse(JSON.parse((await link("slack")).body)).error.code).toBe("app-not-reauth");
    const entries = (await stack.auditEntries()).filter((entry) => "linkedAccount" in entry);
    expect(entries.map((entry) => ("linkedAccount" in entry ? { member: entry.member, source: entry.source, linkedAccount: entry.linkedAccount, app: entry.app, outcome: entry.outcome } : {}))).toEqual([
      { member: "bob", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "oauth" },
      { member: "bob", source: "team", linkedAccount: "acme-corp", app: "copper", outcome: "portal" },
      { member: "bob", source: "team", linkedAccount: "acme-corp", app: "slack", outcome: "refused" },
    ]);
    for (const entry of entries) expect(Date.parse(entry.time)).not.toBeNaN();
  });

  it("shuts out a member the moment remove-member runs, and no one else", async () => {
    stack = await startStack({ runtime });
    const alice = await stack.addMember("alice");
    const bob = await stack.addMember("bob");
    await stack.checked();
    expect((await stack.call("/v1/status", { token: alice })).status).toBe(200);
    expect(await stack.removeMember("alice")).toBe(true);
    const revoked = await stack.call("/v1/status", { token: alice });
    expect(revoked.status).toBe(401);
    expect(RelayErrorSchema.parse(JSON.parse(revoked.body)).error.code).toBe("token-rejected");
    expect((await stack.call("/v1/status", { token: bob })).status).toBe(200);
  });

  it("after a restart serves the last status at once, before Cobalt has answered, to every member at once", async () => {
    stack = await startStack({ runtime });
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => stack!.addMember(`member-${i}`)));
    await stack.checked();
    const before = await stack.call("/v1/status", { token: tokens[0]! });
    stack.fake.fault({ path: /^\/api\// }, { kind: "hang" });
    await stack.restart();
    const after = await Promise.all(tokens.map((token) => stack!.call("/v1/status", { token })));
    expect(after.map((answer) => answer.status)).toEqual(tokens.map(() => 200));
    expect(after[0]!.body).toBe(before.body);
    expect(after[0]!.headers.get("etag")).toBe(before.headers.get("etag"));
  });

  it("keeps the team's desk through a restart, ends a claim when a check finds the app fixed, and serves each member its own status", async () => {
    stack = await startStack({ runtime });
    const alice = await stack.addMember("alice");
    const bob = await stack.addMember("bob");
    await stack.checked();
    const claim = await stack.call("/v1/desk", { token: alice, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "claim", sourceId: "team", linkedAccountId: "globex", slug: "salesforce" }) });
    expect(claim.status).toBe(200);
    await stack.restart();
    const asked = await stack.call("/v1/status", { token: bob });
    const body = RelayStatusSchema.parse(JSON.parse(asked.body));
    expect(body.member).toBe("bob");
    expect(body.sources[0]!.desk?.claims).toEqual([{ account: "globex", app: "salesforce", member: "alice", since: expect.any(Number) }]);
    const globex = stack.fake.accounts().find((account) => account.account_id === "globex")!;
    stack.fake.setAccount({ ...globex, apps: globex.apps.filter((app) => app.slug !== "salesforce") });
    await stack.checkNow();
    await waitFor(async () => (await status(stack!, bob)).sources[0]!.desk?.fixed !== undefined);
    expect((await status(stack, alice)).sources[0]!.desk).toEqual({
      fixed: [{ account: "globex", app: "salesforce", member: "alice", since: expect.any(Number), at: expect.any(Number), name: "Salesforce", accountName: "Globex Corporation" }],
    });
    const desk = (await stack.auditEntries()).filter((line) => "action" in line && "member" in line);
    expect(desk.map((line) => ["member" in line && line.member, "action" in line && line.action])).toEqual([
      ["alice", "claim"],
      ["alice", "claim-ended"],
    ]);
  });

  it("tries again when the admin asks, after the key's access was fixed in Cobalt", async () => {
    const fake = await startFakeCobalt();
    fake.setAccount({ account_id: "acme-corp", apps: [v3App("hubspot", { status: "expired" })] });
    stack = await startStack({ runtime, fake });
    const token = await stack.addMember("alice");
    await stack.checked();
    expect((await status(stack, token)).sources[0]!.error).toMatchObject({ kind: "unauthorized" });
    fake.addKey(DEMO_KEY, "test");
    await stack.checkNow();
    expect(reauthOf(await status(stack, token), "acme-corp")).toEqual(["hubspot"]);
    await fake.close();
  });

  it("makes reconnect links within the request budget, and tells the members it has no room for when to ask again", async () => {
    stack = await startStack({ runtime });
    const tokens = [await stack.addMember("ann"), await stack.addMember("ben"), await stack.addMember("cat")];
    await stack.checked();
    // The same relay at the lowest budget, ten requests a minute for everything; its last status
    // is served at once, so no check is due.
    await stack.restart({ source: { requestsPerMinute: 10 } });
    stack.fake.clearRequests();
    // The members are read once before the burst, so the burst is about the budget alone.
    expect((await stack.call("/v1/status", { token: tokens[0]! })).status).toBe(200);
    const body = JSON.stringify({ sourceId: "team", linkedAccountId: "acme-corp", slug: "hubspot" });
    const answers = await Promise.all(
      tokens.flatMap((token) => Array.from({ length: 10 }, () => stack!.call("/v1/links", { method: "POST", token, headers: { "content-type": "application/json" }, body }))),
    );
    expect(stack.fake.requests.filter((r) => r.path.startsWith("/api/")).length).toBe(10);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(10);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(refused).toHaveLength(20);
    for (const answer of refused) {
      const retryAfter = Number(answer.headers.get("retry-after"));
      expect(RelayErrorSchema.parse(JSON.parse(answer.body)).error).toEqual({ code: "too-many-requests", retryAfterSeconds: retryAfter });
      // The budget's places come free a minute after they were taken.
      expect(retryAfter).toBeGreaterThan(10);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    const audited = (await stack.auditEntries()).filter((entry) => "linkedAccount" in entry);
    expect(audited.filter((entry) => entry.outcome === "refused" && entry.reason === "rate-limited")).toHaveLength(20);
    expect(audited.filter((entry) => entry.outcome === "oauth")).toHaveLength(10);
  });

  it("says a rejected key is unhealthy (503) and logs it as an error", async () => {
    const fake = await startFakeCobalt();
    fake.setAccount({ account_id: "acme-corp", apps: [v3App("hubspot", { status: "expired" })] });
    stack = await startStack({ runtime, fake });
    await stack.checked();
    const health = await stack.call("/v1/health");
    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({ ok: false, sources: [{ id: "team", ok: false, errorKind: "unauthorized" }] });
    const check = stack.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.event === "check");
    expect(check).toMatchObject({ level: "error", ok: false, errorKind: "unauthorized" });
    await fake.close();
  });

  it("keeps the key out of every answer, log line and stored byte, whatever failure Cobalt echoes it in", async () => {
    const fake = await startFakeCobalt();
    fake.addKey(DEMO_KEY, "test");
    fake.setAccount({ account_id: "acme-corp", apps: [v3App("hubspot", { status: "expired" })] });
    stack = await startStack({ runtime, fake });
    const token = await stack.addMember("alice");
    await stack.checked();
    // A hostile or broken Cobalt that puts the key in its error message.
    fake.fault({ path: /oauth-url|session-token/ }, { kind: "status", status: 500, body: { message: `bad key ${DEMO_KEY}`, error: DEMO_KEY } });
    const link = await stack.call("/v1/links", { method: "POST", token, body: JSON.stringify({ sourceId: "team", linkedAccountId: "acme-corp", slug: "hubspot" }) });
    expect(link.status).toBe(502);
    expect(RelayErrorSchema.parse(JSON.parse(link.body)).error.problem).toEqual({ kind: "server", status: 500 });
    // Every way a check can fail, each echoing the key; Retry-After last, since it holds checks back.
    const echoes: Fault[] = [
      ...[400, 404, 500, 502, 503, 401, 403].map((code): Fault => ({ kind: "status", status: code, body: { message: `bad key ${DEMO_KEY}`, error: DEMO_KEY, [DEMO_KEY]: 1 } })),
      { kind: "status", status: 500, body: `plain text ${DEMO_KEY}` },
      { kind: "status", status: 502, body: `<html>${DEMO_KEY}</html>` },
      { kind: "body", body: `not json ${DEMO_KEY}` },
      { kind: "body", body: JSON.stringify({ docs: DEMO_KEY, [DEMO_KEY]: DEMO_KEY }) },
      { kind: "status", status: 429, body: { message: DEMO_KEY }, headers: { "retry-after": "1" } },
    ];
    for (const fault of echoes) {
      fake.clearFaults();
      fake.fault({ path: /^\/api\// }, fault);
      await stack.checkNow();
    }
    const body = await status(stack, token);
    expect(body.sources[0]!.error).toMatchObject({ kind: "rate-limited", status: 429 });
    expect((await stack.call("/v1/health")).body).toMatch(/"errorKind":"rate-limited"/);
    await stack.call("/v1/status", { token: "wrong" });
    await stack.call("/v1/cobalt/webhook", { method: "POST", body: "{}" });
    await stack.call("/v1/nowhere", { token });
    // What is kept is written by the time a restart has happened.
    fake.clearFaults();
    await stack.restart();
    const kept = keptFiles(stack.dataDir);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.filter((file) => file.text.includes(DEMO_KEY)).map((file) => file.path)).toEqual([]);
  });
});

describe("the relay's files on Node", () => {
  it("logs a flood of rejected webhooks as a few lines and a summary, not one line each", async () => {
    stack = await startStack();
    await stack.checked();
    const before = stack.logs.length;
    const url = `${stack.url}/v1/cobalt/webhook`;
    const event = { event: "Connection Expired", linked_account_id: "initech", environment: "test" };
    for (let batch = 0; batch < 90; batch += 30) {
      const sent = Array.from({ length: 30 }, (_, i) => sendWebhook(url, event, (batch + i) % 3 ? "pk_wrong_key" : undefined));
      for (const response of await Promise.all(sent)) expect(response.status).toBe(401);
    }
    await stack.node!.close();
    const lines = stack.logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    const written = lines.filter((line) => line.event === "webhook-rejected");
    expect(written).toHaveLength(20);
    const summary = lines.find((line) => line.event === "webhook-rejected-summary");
    expect(summary).toMatchObject({ level: "warn", held: 70, addresses: 1 });
    // Every rejection is accounted for, by its reason: a line of its own or a count in the summary.
    const total = (reason: string) => written.filter((line) => line.reason === reason).length + Number(summary?.[`reason:${reason}`] ?? 0);
    expect([total("bad-signature"), total("no-signature")]).toEqual([60, 30]);
    expect(stack.logs.slice(before).join("\n").length).toBeLessThan(8_000);
    // A bound on a hang on a busy machine, not a timing claim.
  }, 30_000);

  it("keeps each client behind a chain of trusted proxies apart, however the client writes X-Forwarded-For", async () => {
    stack = await startStack({ config: { trustedProxies: ["127.0.0.1", "10.0.0.0/8"] } });
    const token = await stack.addMember("alice");
    await stack.checked();
    // Behind a CDN (10.1.2.3) and the local proxy (127.0.0.1), an attacker guesses tokens and
    // writes its own X-Forwarded-For entry first; the CDN appends the attacker's real address.
    const attacker = { "x-forwarded-for": "192.0.2.10, 198.51.100.66, 10.1.2.3" };
    for (let i = 0; i < 11; i++) await stack.call("/v1/status", { token: "guess", headers: attacker });
    expect((await stack.call("/v1/status", { token, headers: attacker })).status).toBe(429);
    // A member behind the same proxies is not locked out, not even one the attacker named.
    expect((await stack.call("/v1/status", { token, headers: { "x-forwarded-for": "203.0.113.5, 10.1.2.3" } })).status).toBe(200);
    expect((await stack.call("/v1/status", { token, headers: { "x-forwarded-for": "192.0.2.10, 10.200.0.1" } })).status).toBe(200);
    // Writing another address in front changes nothing for the attacker.
    expect((await stack.call("/v1/status", { token, headers: { "x-forwarded-for": "203.0.113.5, 198.51.100.66, 10.9.9.9" } })).status).toBe(429);
    const rejected = stack.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === "token-rejected");
    expect(new Set(rejected.map((line) => line.address))).toEqual(new Set(["198.51.100.66"]));
  });
  it("removes the temporary files a crash left behind when it starts, and keeps the rest", async () => {
    const dir = tempDir();
    writeFileSync(join(dir.path, ".state.json.0123456789ab.tmp"), "half a status");
    writeFileSync(join(dir.path, ".members.json.0123456789ab.tmp"), "fresh: another command may be writing it");
    writeFileSync(join(dir.path, "notes.tmp"), "not the relay's");
    stack = await startStack({ keepDir: dir.path });
    expect(readdirSync(dir.path).filter((name) => name.endsWith(".tmp")).sort()).toEqual([".members.json.0123456789ab.tmp", "notes.tmp"]);
    await stack.close();
    stack = undefined;
    dir.remove();
  });

  it("refuses to start with a damaged members file, naming it and what is wrong, rather than answer every member 401", async () => {
    const dir = tempDir();
    writeFileSync(join(dir.path, "members.json"), '{ "version": 1, "members": [{ "name": "alice" }] }');
    await expect(startStack({ keepDir: dir.path })).rejects.toThrow(`The members file ${join(dir.path, "members.json")} cannot be read: members[0].tokenSha256 should be a string`);
    dir.remove();
  });
});

describe("the relay on Workers, deployed", () => {
  it("is woken by its cron trigger after a deploy, before anyone asks, and then checks Cobalt", { timeout: 120_000 }, async () => {
    const fake = await startFakeCobalt();
    seedDemoOrg(fake);
    const dir = tempDir();
    const lines: string[] = [];
    const env = { COBALT_API_KEY: DEMO_KEY, COBALT_BASE_URL: fake.origin, RELAY_SOURCE_ID: "team" };
    const relay = await startWorkersRelay({ env, port: 0, persistDir: join(dir.path, "workers"), script: await workerBundle(), write: (line) => lines.push(line), wake: false });
    try {
      expect(fake.requests).toEqual([]);
      const worker = (await relay.miniflare.getWorker()) as unknown as { scheduled(options: { cron: string }): Promise<unknown> };
      await worker.scheduled({ cron: "*/15 * * * *" });
      await waitFor(() => lines.some((line) => line.includes('"event":"check"')));
      expect(fake.requests.some((request) => request.path === "/api/v2/public/linked-account")).toBe(true);
    } finally {
      await relay.close();
      await fake.close();
      dir.remove();
    }
  });
});

describe("register-webhook", () => {
  it("falls back to the older event names when Cobalt refuses today's", async () => {
    const fake = await startFakeCobalt();
    fake.addKey(DEMO_KEY, "test");
    try {
      fake.fault({ path: "/api/v2/public/webhook" }, { kind: "status", status: 400 }, 1);
      const registration = await registerWebhook(sourceConfig(fake.origin), "http://127.0.0.1:8788/", fetch);
      expect(registration).toEqual({ webhookUrl: "http://127.0.0.1:8788/v1/cobalt/webhook/team", events: ["connected-created", "connection-deleted", "connection-expired"] });
      expect(fake.webhooks()[0]).toMatchObject({ webhook_events: ["connected-created", "connection-deleted", "connection-expired"] });
      await expect(registerWebhook(sourceConfig(fake.origin, { apiKey: "tk_revoked" }), "http://127.0.0.1:8788", fetch)).rejects.toMatchObject({ kind: "unauthorized" });
    } finally {
      await fake.close();
    }
  });
});
