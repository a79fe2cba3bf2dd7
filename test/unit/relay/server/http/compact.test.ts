import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { RelayHealthyAppsSchema, RelayHealthyCompactSchema, RelayStatusSchema } from "../../../../../src/relay/protocol/v1.ts";
import { sourceKey } from "../../../../../src/core/settings/fingerprint.ts";
import { STATUS_VERSION, type AccountStatus } from "../../../../../src/core/status/model.ts";
import { createRelayApp } from "../../../../../src/relay/server/http/app.ts";
import { createLogger } from "../../../../../src/relay/server/base/log.ts";
import { SourceRunner, type SourceState } from "../../../../../src/relay/server/check/runner.ts";
import { acceptsGzip } from "../../../../../src/relay/server/http/view.ts";
import { startFakeCobalt, v3App } from "../../../../fake-cobalt/server.ts";
import { DEMO_KEY, sourceConfig, startStack, type Stack } from "../support.ts";

// The compact answers (`?compact=1`): a status that lists what is broken and counts the rest,
// healthy apps as a catalog; and gzip for members who accept it, with ETags and 304 intact.

const TOKEN = "member-token";
const T = 1_790_000_000_000;

const healthy = (i: number): AccountStatus => ({ id: `ok-${i}`, name: `Healthy ${i}`, checkedAt: T, reauth: [], healthyCount: 2 });
const ACCOUNTS: AccountStatus[] = [
  healthy(0),
  { id: "broken", name: "Broken", checkedAt: T, reauth: [{ slug: "hubspot", name: "HubSpot" }], healthyCount: 1 },
  healthy(1),
  { id: "failed", checkedAt: T - 60_000, reauth: [], healthyCount: 3, error: { kind: "server", status: 502, at: T } },
  { id: "unread", checkedAt: T, reauth: [], healthyCount: 1, skipped: 2 },
  ...Array.from({ length: 40 }, (_, i) => healthy(i + 2)),
];
const SLACK = { slug: "slack", name: "Slack", icon: "https://logos.example/slack.png" };
const DRIVE = { slug: "drive", name: "Drive" };

function setup(compress: boolean) {
  const config = sourceConfig("https://cobalt.invalid", { id: "prod", label: "Production", apiKey: "pk_live_0123456789abcdef" });
  const log = createLogger({ secrets: [], write: () => {} });
  const probe = new SourceRunner(config, { fetch: () => Promise.reject(new Error("no network")), log, onChange: () => {} });
  const healthyApps = Object.fromEntries(ACCOUNTS.map((account) => [account.id, account.id === "broken" ? [DRIVE] : account.id.startsWith("ok-") ? [SLACK, DRIVE] : []]));
  const restored: SourceState = { status: { schemaVersion: STATUS_VERSION, source: sourceKey(probe.settings), checkedAt: T, accountsTotal: ACCOUNTS.length, accounts: ACCOUNTS }, healthy: healthyApps, since: {} };
  const runner = new SourceRunner(config, { fetch: () => Promise.reject(new Error("no network")), log, onChange: () => {} }, restored);
  const app = createRelayApp({ runners: [runner], members: { verify: async (token) => (token === TOKEN ? "alice" : undefined) }, audit: { append: async () => {} }, clientAddress: () => "203.0.113.7", log, now: () => T, compress });
  return (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
}

describe("the compact status (?compact=1)", () => {
  it("lists the accounts with something to show (apps to re-authenticate, a failure, items not read) and counts the rest", async () => {
    const body = RelayStatusSchema.parse(await (await setup(false)("/v1/status?compact=1")).json());
    const source = body.sources[0]!;
    expect(source.accounts.map((account) => account.id)).toEqual(["broken", "failed", "unread"]);
    expect(source.unlisted).toEqual({ accounts: 42, healthyApps: 84 });
    expect(source.accountsTotal).toBe(45);
  });

  it("leaves the full status as extensions from before read it: every account, no counts", async () => {
    const body = RelayStatusSchema.parse(await (await setup(false)("/v1/status")).json());
    expect(body.sources[0]!.accounts).toHaveLength(45);
    expect(body.sources[0]!.unlisted).toBeUndefined();
  });

  it("has its own ETag, and answers it with 304", async () => {
    const get = setup(false);
    const compact = (await get("/v1/status?compact=1")).headers.get("etag")!;
    const full = (await get("/v1/status")).headers.get("etag")!;
    expect(compact).not.toBe(full);
    expect((await get("/v1/status?compact=1", { "if-none-match": compact })).status).toBe(304);
    expect((await get("/v1/status?compact=1", { "if-none-match": full })).status).toBe(200);
  });
});

describe("the compact healthy apps (?compact=1)", () => {
  it("names each app once and each account with healthy apps, with indices into the catalog", async () => {
    const body = RelayHealthyCompactSchema.parse(await (await setup(false)("/v1/healthy-apps?compact=1")).json());
    const source = body.sources[0]!;
    expect(source.apps).toEqual([SLACK, DRIVE]);
    expect(source.accounts.slice(0, 3)).toEqual([
      { id: "ok-0", name: "Healthy 0", apps: [0, 1] },
      { id: "broken", name: "Broken", apps: [1] },
      { id: "ok-1", name: "Healthy 1", apps: [0, 1] },
    ]);
    expect(source.accounts).toHaveLength(43);
  });

  it("leaves the full answer as it was", async () => {
    const body = RelayHealthyAppsSchema.parse(await (await setup(false)("/v1/healthy-apps")).json());
    expect(body.sources[0]!.accounts["ok-0"]).toEqual([SLACK, DRIVE]);
  });

  it("refuses a catalog index out of range, at the receiving end", () => {
    const parsed = RelayHealthyCompactSchema.safeParse({ protocol: 1, sources: [{ id: "prod", apps: [DRIVE], accounts: [{ id: "a", apps: [1] }] }] });
    expect(parsed.success).toBe(false);
  });
});

describe("gzip", () => {
  it("gzips for a member who accepts it, with a weak ETag of the same body that still gets the 304", async () => {
    const get = setup(true);
    const plain = await get("/v1/status");
    const text = await plain.text();
    expect(Buffer.byteLength(text)).toBeGreaterThan(1024);
    const zipped = await get("/v1/status", { "accept-encoding": "gzip, deflate, br" });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(zipped.headers.get("vary")).toBe("Authorization, Accept-Encoding");
    const bytes = Buffer.from(await zipped.arrayBuffer());
    expect(gunzipSync(bytes).toString("utf8")).toBe(text);
    expect(bytes.length).toBeLessThan(Buffer.byteLength(text));
    expect(zipped.headers.get("etag")).toBe(`W/${plain.headers.get("etag")}`);
    for (const tag of [zipped.headers.get("etag")!, plain.headers.get("etag")!]) {
      const again = await get("/v1/status", { "accept-encoding": "gzip", "if-none-match": tag });
      expect(again.status).toBe(304);
      expect(again.headers.get("content-encoding")).toBeNull();
    }
  });

  it("sends the body as it is to a member who does not accept gzip, or where the runtime compresses by itself", async () => {
    expect((await setup(true)("/v1/healthy-apps?compact=1", { "accept-encoding": "gzip;q=0, deflate" })).headers.get("content-encoding")).toBeNull();
    expect((await setup(true)("/v1/healthy-apps?compact=1")).headers.get("content-encoding")).toBeNull();
    const workers = await setup(false)("/v1/healthy-apps?compact=1", { "accept-encoding": "gzip" });
    expect(workers.headers.get("content-encoding")).toBeNull();
    expect(workers.headers.get("vary")).toBe("Authorization");
  });

  it("reads Accept-Encoding's weights", () => {
    expect(acceptsGzip("gzip")).toBe(true);
    expect(acceptsGzip("deflate, GZIP;q=0.5")).toBe(true);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("*;q=0")).toBe(false);
    expect(acceptsGzip("gzip;q=0, *")).toBe(false);
    expect(acceptsGzip("br, deflate")).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});

describe("the Node relay", () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  /** The bytes on the wire, undecoded: fetch would gunzip them out of sight. */
  function raw(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("gzips on the wire for a member who accepts it", async () => {
    const fake = await startFakeCobalt({ flavor: "v3" });
    fake.addKey(DEMO_KEY, "test");
    for (let i = 0; i < 30; i++) fake.setAccount({ account_id: `customer-${i}`, name: `Customer ${i}`, apps: [v3App("slack", { status: "active" }), v3App("jira", { status: "active" })] });
    stack = await startStack({ fake });
    const token = await stack.addMember("alice");
    await stack.checked();
    const answer = await raw(`${stack.url}/v1/healthy-apps?compact=1`, { authorization: `Bearer ${token}`, "accept-encoding": "gzip" });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-encoding"]).toBe("gzip");
    expect(RelayHealthyCompactSchema.parse(JSON.parse(gunzipSync(answer.body).toString("utf8"))).sources[0]!.accounts).toHaveLength(30);
    await fake.close();
  });
});
