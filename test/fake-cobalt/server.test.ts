import { inflateSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { legacyApp, startFakeCobalt, startRecordingServer, v3App, type ApiFlavor, type FakeCobalt } from "./server.ts";

const API = "/api/v2/public";
const KEY = "tk_unit_key";
const PROD_KEY = "pk_unit_key";

let fake: FakeCobalt;

beforeAll(async () => {
  fake = await startFakeCobalt();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.flavor = "v3";
  fake.latencyMs = 0;
  fake.rateLimit = undefined;
  fake.clearFaults();
  fake.clearAccounts();
  fake.clearRequests();
  fake.addKey(KEY, "test");
  fake.addKey(PROD_KEY, "production");
  fake.setAccount({
    account_id: "acct-1",
    name: "Acme",
    apps: [
      v3App("hubspot", { connected: true }),
      v3App("netsuite", { authType: "keybased", connected: true }),
      v3App("slack"),
    ],
  });
});

afterEach(() => {
  fake.clearFaults();
});

interface CallOptions {
  method?: string;
  key?: string | null;
  account?: string;
  headers?: Record<string, string>;
  body?: unknown;
  base?: string;
  signal?: AbortSignal;
}

async function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key === undefined ? KEY : opts.key;
  if (key !== null) headers["x-api-key"] = key;
  if (opts.account !== undefined) headers.linked_account_id = opts.account;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const init: RequestInit = { method: opts.method ?? "GET", headers };
  if (body !== undefined) init.body = body;
  if (opts.signal !== undefined) init.signal = opts.signal;
  return fetch(`${opts.base ?? fake.origin}${path}`, init);
}

async function json(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  const parsed: unknown = await res.json();
  expect(typeof parsed).toBe("object");
  return parsed as Record<string, unknown>;
}

function expectErrorShape(body: Record<string, unknown>, flavor: ApiFlavor, status: number, code: string): void {
  expect(body.status_code).toBe(status);
  if (flavor === "legacy") {
    expect(body.error_code).toBe(code);
    expect(body).not.toHaveProperty("error");
    expect(body.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  } else {
    expect(body.error).toBe(code);
    expect(body).not.toHaveProperty("error_code");
    expect(body).not.toHaveProperty("request_id");
  }
}

describe("server basics", () => {
  it("listens on 127.0.0.1 and exposes localhost as altOrigin on the same port", () => {
    expect(fake.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const port = new URL(fake.origin).port;
    expect(fake.altOrigin).toBe(`http://localhost:${port}`);
    expect(fake.iconUrl("google_drive")).toBe(`http://localhost:${port}/logos/google_drive.png`);
  });
});

describe("authentication", () => {
  for (const flavor of ["legacy", "v3"] as const) {
    describe(`flavor ${flavor}`, () => {
      beforeEach(() => {
        fake.flavor = flavor;
      });

      const cases: [string, string | null][] = [
        ["missing", null],
        ["unknown", "tk_nope"],
      ];
      for (const [label, key] of cases) {
        it(`401 for a ${label} key`, async () => {
          const res = await call(`${API}/application`, { key, account: "acct-1" });
          expect(res.status).toBe(401);
          const body = await json(res);
          expect(body.http_error_type).toBe("UNAUTHORIZED");
          expect(body.message).toBe("Invalid Credentials");
          expectErrorShape(body, flavor, 401, "SERVER_ERROR");
        });
      }

      it("401 for a revoked key, on every x-api-key endpoint", async () => {
        fake.addKey("tk_soon_revoked", "test");
        const ok = await call(`${API}/application`, { key: "tk_soon_revoked", account: "acct-1" });
        expect(ok.status).toBe(200);
        fake.revokeKey("tk_soon_revoked");
        const requests: [string, CallOptions][] = [
          [`${API}/application`, { account: "acct-1" }],
          [`${API}/linked-account`, {}],
          [`${API}/linked-account/integration/oauth-url/hubspot`, { account: "acct-1" }],
          [`${API}/session-token`, { method: "POST", body: { linked_account_id: "acct-1" } }],
        ];
        for (const [path, opts] of requests) {
          const res = await call(path, { ...opts, key: "tk_soon_revoked" });
          expect(res.status, path).toBe(401);
          const body = await json(res);
          expect(body.message).toBe("Invalid Credentials");
          expectErrorShape(body, flavor, 401, "SERVER_ERROR");
        }
      });
    });
  }
});

describe("GET /application", () => {
  it("returns the account's apps verbatim as a bare array (by header)", async () => {
    const custom = { slug: "weird", name: "Weird", extra: { nested: [1, 2, 3] }, reauth_required: true };
    fake.setAccount({ account_id: "acct-2", apps: [custom, legacyApp("docusign", { connected: true })] });
    const res = await call(`${API}/application`, { account: "acct-2" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const body: unknown = await res.json();
    expect(body).toEqual([custom, legacyApp("docusign", { connected: true })]);
  });

  it("accepts linked_account_id as a query parameter, header taking precedence", async () => {
    const byQuery = await call(`${API}/application?linked_account_id=acct-1`);
    expect(byQuery.status).toBe(200);
    const apps = (await byQuery.json()) as Record<string, unknown>[];
    expect(apps.map((a) => a.slug)).toEqual(["hubspot", "netsuite", "slack"]);

    fake.setAccount({ account_id: "acct-2", apps: [] });
    const both = await call(`${API}/application?linked_account_id=acct-1`, { account: "acct-2" });
    expect(await both.json()).toEqual([]);
  });

  it("400 when linked_account_id is missing", async () => {
    const res = await call(`${API}/application`);
    expect(res.status).toBe(400);
    expect(await json(res)).toEqual({
      status_code: 400,
      http_error_type: "BAD_REQUEST",
      error: "SERVER_ERROR",
      message: "linked_account_id is required",
    });
  });

  it("404 with the documented message for an unknown account, in both flavors", async () => {
    for (const flavor of ["legacy", "v3"] as const) {
      fake.flavor = flavor;
      const res = await call(`${API}/application`, { account: "ghost" });
      expect(res.status).toBe(404);
      const body = await json(res);
      expect(body.http_error_type).toBe("NOT_FOUND");
      expect(body.message).toBe(`Linked Account with account id ghost for org ${fake.orgId} in environment test not found`);
      expectErrorShape(body, flavor, 404, "SERVER_ERROR");
    }
  });

  it("404 for an account of the other environment than the key's", async () => {
    fake.setAccount({ account_id: "prod-acct", environment: "production", apps: [v3App("slack")] });
    const wrongEnv = await call(`${API}/application`, { account: "prod-acct" });
    expect(wrongEnv.status).toBe(404);
    expect((await json(wrongEnv)).message).toBe(
      `Linked Account with account id prod-acct for org ${fake.orgId} in environment test not found`,
    );
    const rightEnv = await call(`${API}/application`, { account: "prod-acct", key: PROD_KEY });
    expect(rightEnv.status).toBe(200);
    const other = await call(`${API}/application`, { account: "acct-1", key: PROD_KEY });
    expect((await json(other)).message).toContain("in environment production not found");
  });

  it("?slug= returns the single matching object, 404 if none", async () => {
    const res = await call(`${API}/application?slug=netsuite`, { account: "acct-1" });
    expect(res.status).toBe(200);
    const app = await json(res);
    expect(app.slug).toBe("netsuite");
    expect(app.auth_type).toBe("keybased");

    const missing = await call(`${API}/application?slug=nope`, { account: "acct-1" });
    expect(missing.status).toBe(404);
    const body = await json(missing);
    expect(body.message).toBe(`Application with app_type 'nope' not found for org ${fake.orgId}`);
    expectErrorShape(body, "v3", 404, "EXTERNAL_API_FAILURE");
  });

  it("copes with an account holding 10,000 apps", async () => {
    const apps = Array.from({ length: 10_000 }, (_, i) => ({ slug: `app_${i}`, name: `App ${i}`, reauth_required: i % 7 === 0 }));
    fake.setAccount({ account_id: "big", apps });
    const res = await call(`${API}/application`, { account: "big" });
    const body = (await res.json()) as unknown[];
    expect(body).toHaveLength(10_000);
    const one = await call(`${API}/application?slug=app_9999`, { account: "big" });
    expect((await one.json()) as unknown).toEqual(apps[9999]);
  });
});

describe("GET /linked-account", () => {
  function seed(n: number): void {
    fake.clearAccounts();
    for (let i = 1; i <= n; i++) {
      fake.setAccount({ account_id: `user_${i}`, name: `Customer ${i}`, apps: [] });
    }
  }

  it("paginates 25 accounts with limit 10 into 3 pages with the mongoose-paginate envelope", async () => {
    seed(25);
    fake.setAccount({ account_id: "prod-only", environment: "production", apps: [] });
    const pages: Record<string, unknown>[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await call(`${API}/linked-account?page=${page}&limit=10`);
      expect(res.status).toBe(200);
      pages.push(await json(res));
    }
    const [p1, p2, p3] = pages;
    expect(Object.keys(p1 ?? {})).toEqual([
      "docs",
      "totalDocs",
      "limit",
      "totalPages",
      "page",
      "pagingCounter",
      "hasPrevPage",
      "hasNextPage",
      "prevPage",
      "nextPage",
    ]);
    expect({ ...p1, docs: undefined }).toEqual({
      docs: undefined,
      totalDocs: 25,
      limit: 10,
      totalPages: 3,
      page: 1,
      pagingCounter: 1,
      hasPrevPage: false,
      hasNextPage: true,
      prevPage: null,
      nextPage: 2,
    });
    expect({ ...p2, docs: undefined }).toMatchObject({ page: 2, pagingCounter: 11, hasPrevPage: true, hasNextPage: true, prevPage: 1, nextPage: 3 });
    expect({ ...p3, docs: undefined }).toMatchObject({ page: 3, pagingCounter: 21, hasPrevPage: true, hasNextPage: false, prevPage: 2, nextPage: null });

    const ids = pages.flatMap((p) => (p.docs as Record<string, unknown>[]).map((d) => d.account_id));
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => `user_${i + 1}`));
    expect((p3?.docs as unknown[]).length).toBe(5);

    const doc = (p1?.docs as Record<string, unknown>[])[0];
    expect(doc).toMatchObject({
      associated_org: fake.orgId,
      account_id: "user_1",
      environment: "test",
      name: "Customer 1",
      udf: [],
      __v: 0,
    });
    expect(doc?._id).toMatch(/^[0-9a-f]{24}$/);
    expect(typeof doc?.createdAt).toBe("string");
    expect(typeof doc?.updatedAt).toBe("string");
  });

  it("defaults to page 1 / limit 10, caps limit at 1000, and lists only the key's environment", async () => {
    seed(3);
    fake.setAccount({ account_id: "p1", environment: "production", apps: [] });
    const def = await json(await call(`${API}/linked-account`));
    expect(def).toMatchObject({ totalDocs: 3, limit: 10, page: 1, totalPages: 1, hasNextPage: false, nextPage: null });
    const capped = await json(await call(`${API}/linked-account?limit=5000`));
    expect(capped.limit).toBe(1000);
    const prod = await json(await call(`${API}/linked-account`, { key: PROD_KEY }));
    expect((prod.docs as Record<string, unknown>[]).map((d) => d.account_id)).toEqual(["p1"]);
    expect((prod.docs as Record<string, unknown>[])[0]?.environment).toBe("production");
  });

  it("v3 integrations[] are derived from connected apps with reauth_required incl. status expired; legacy has none", async () => {
    fake.clearAccounts();
    fake.setAccount({
      account_id: "mix",
      apps: [
        v3App("healthy", { connected: true }),
        v3App("flagged", { connected: true, reauthRequired: true }),
        v3App("expired", { status: "expired" }), // reauth_required false, but status expired
        v3App("not_connected"),
        { slug: "bare", name: "Bare", connected_accounts: [{ identifier: "x", connectedAt: "2024-01-01T00:00:00.000Z" }] },
        legacyApp("legacy_flagged", { connected: true, reauthRequired: true }),
      ],
    });
    const body = await json(await call(`${API}/linked-account`));
    const doc = (body.docs as Record<string, unknown>[])[0];
    const integrations = doc?.integrations as Record<string, unknown>[];
    expect(integrations.map((i) => [i.type, i.reauth_required])).toEqual([
      ["healthy", false],
      ["flagged", true],
      ["expired", true],
      ["bare", false],
      ["legacy_flagged", true],
    ]);
    const first = integrations[0];
    expect(Object.keys(first ?? {})).toEqual(["type", "name", "icon", "app_id", "reauth_required", "createdAt", "updatedAt"]);
    expect(first?.app_id).toBe(v3App("healthy").app_id);
    expect(integrations[3]).toMatchObject({ name: "Bare", app_id: null, createdAt: "2024-01-01T00:00:00.000Z" });

    fake.flavor = "legacy";
    const legacy = await json(await call(`${API}/linked-account`));
    expect((legacy.docs as Record<string, unknown>[])[0]).not.toHaveProperty("integrations");
  });

  it("copes with 10,000 accounts (pages by slicing)", async () => {
    seed(10_000);
    const started = Date.now();
    const last = await json(await call(`${API}/linked-account?page=10&limit=1000`));
    expect(last).toMatchObject({ totalDocs: 10_000, totalPages: 10, page: 10, hasNextPage: false, pagingCounter: 9001 });
    const docs = last.docs as Record<string, unknown>[];
    expect(docs).toHaveLength(1000);
    expect(docs[999]?.account_id).toBe("user_10000");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("GET /linked-account/:id returns a single doc or the documented 404", async () => {
    const doc = await json(await call(`${API}/linked-account/acct-1`));
    expect(doc.account_id).toBe("acct-1");
    const res = await call(`${API}/linked-account/nobody`);
    expect(res.status).toBe(404);
    expect((await json(res)).message).toContain("Linked Account with account id nobody");
  });
});

describe("oauth-url", () => {
  it("returns an auth_url on altOrigin for an oauth2 app, and the consent page loads", async () => {
    fake.setAccount({ account_id: "a b&c", apps: [v3App("hubspot", { connected: true })] });
    const res = await call(`${API}/linked-account/integration/oauth-url/hubspot`, { account: "a b&c" });
    expect(res.status).toBe(200);
    const { auth_url: authUrl } = await json(res);
    expect(typeof authUrl).toBe("string");
    const url = new URL(authUrl as string);
    expect(url.origin).toBe(fake.altOrigin);
    expect(url.pathname).toBe("/oauth/authorize/hubspot");
    expect(url.searchParams.get("linked_account_id")).toBe("a b&c");
    expect(url.searchParams.get("state")).toMatch(/^[0-9a-f]{32}$/);

    const again = (await json(await call(`${API}/linked-account/integration/oauth-url/hubspot`, { account: "a b&c" }))).auth_url;
    expect(again).not.toBe(authUrl);

    const page = await fetch(authUrl as string);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("<title>Fake OAuth consent for hubspot</title>");
    expect(html).toContain("<h1>Fake OAuth consent for hubspot</h1>");
    expect(html).toContain("a b&amp;c");
  });

  it("400 for a keybased app, 404 for an unknown app, 400 without linked_account_id", async () => {
    const keybased = await call(`${API}/linked-account/integration/oauth-url/netsuite`, { account: "acct-1" });
    expect(keybased.status).toBe(400);
    const kb = await json(keybased);
    expect(kb.http_error_type).toBe("BAD_REQUEST");
    expect(kb.message).toMatch(/must be an OAuth2 app/);
    expectErrorShape(kb, "v3", 400, "SERVER_ERROR");

    const unknown = await call(`${API}/linked-account/integration/oauth-url/nope`, { account: "acct-1" });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).message).toBe(`Application with app_type 'nope' not found for org ${fake.orgId}`);

    const noAccount = await call(`${API}/linked-account/integration/oauth-url/hubspot`);
    expect(noAccount.status).toBe(400);
    expect((await json(noAccount)).message).toBe("linked_account_id is required");
  });
});

describe("session-token → connect-url → hosted portal", () => {
  it("v3: full flow; the hosted page loads and names the linked account", async () => {
    const tokRes = await call(`${API}/session-token`, { method: "POST", body: { linked_account_id: "acct-1" } });
    expect(tokRes.status).toBe(200);
    const tok = await json(tokRes);
    expect(Object.keys(tok).sort()).toEqual(["expires_in", "refresh_expires_in", "refresh_token", "token"]);
    expect(typeof tok.token).toBe("string");
    expect(tok.expires_in).toBeGreaterThan(0);
    expect(tok.refresh_expires_in).toBeGreaterThan(tok.expires_in as number);

    const connect = await call(`${API}/connect-url`, {
      method: "POST",
      key: null,
      headers: { authorization: `Bearer ${tok.token as string}` },
      body: {},
    });
    expect(connect.status).toBe(200);
    const { hosted_url: hostedUrl } = await json(connect);
    expect(hostedUrl).toBe(`${fake.altOrigin}/connect/${encodeURIComponent(tok.token as string)}`);
    expect(fake.requests.at(-1)?.linkedAccountId).toBe("acct-1");

    const page = await fetch(hostedUrl as string);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<title>Fake hosted portal for acct-1</title>");
    expect(html).toContain("<h1>Fake hosted portal for acct-1</h1>");
    expect(fake.requests.at(-1)).toMatchObject({ origin: fake.altOrigin, path: `/connect/${tok.token as string}` });
  });

  it("legacy flavor returns only { token }; connect-url still accepts (and records) an x-api-key", async () => {
    fake.flavor = "legacy";
    const tok = await json(await call(`${API}/session-token`, { method: "POST", body: { linked_account_id: "acct-1" } }));
    expect(Object.keys(tok)).toEqual(["token"]);
    const res = await call(`${API}/connect-url`, {
      method: "POST",
      key: "tk_whatever_even_invalid",
      headers: { authorization: `Bearer ${tok.token as string}` },
    });
    expect(res.status).toBe(200);
    expect((await json(res)).hosted_url).toMatch(new RegExp(`^${fake.altOrigin}/connect/`));
    expect(fake.requests.at(-1)?.headers["x-api-key"]).toBe("tk_whatever_even_invalid");
  });

  it("session-token errors: missing id, unknown id (documented messages)", async () => {
    const missing = await call(`${API}/session-token`, { method: "POST", body: {} });
    expect(missing.status).toBe(400);
    expect((await json(missing)).message).toBe("linked_account_id is required");

    const unknown = await call(`${API}/session-token`, { method: "POST", body: { linked_account_id: "user_99999" } });
    expect(unknown.status).toBe(400);
    const body = await json(unknown);
    expect(body.error).toBe("INVALID_LINKED_ACCOUNT_ID");
    expect(body.message).toBe("No linked account found for account id : user_99999 in environment test");
  });

  it("connect-url: 401 INVALID_TOKEN for missing or unknown bearer, and an unknown portal token is a 404 page", async () => {
    const variants: Record<string, string>[] = [{}, { authorization: "Bearer not-a-real-token" }];
    for (const headers of variants) {
      const res = await call(`${API}/connect-url`, { method: "POST", key: null, headers });
      expect(res.status).toBe(401);
      expect(await json(res)).toEqual({
        status_code: 401,
        http_error_type: "UNAUTHORIZED",
        error: "INVALID_TOKEN",
        message: "Authorization Token Missing",
      });
    }
    const page = await fetch(`${fake.altOrigin}/connect/not-a-real-token`);
    expect(page.status).toBe(404);
  });
});

describe("pages, CORS, unknown paths", () => {
  it("serves a valid PNG for icons", async () => {
    const res = await fetch(fake.iconUrl("slack"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(bytes.subarray(12, 16).toString("latin1")).toBe("IHDR");
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    expect([width, height]).toEqual([16, 16]);
    // Decompress IDAT and check the scanline size (filter byte + 3 bytes per RGB pixel).
    let offset = 8;
    const idat: Buffer[] = [];
    while (offset < bytes.length) {
      const len = bytes.readUInt32BE(offset);
      const type = bytes.subarray(offset + 4, offset + 8).toString("latin1");
      if (type === "IDAT") idat.push(bytes.subarray(offset + 8, offset + 8 + len));
      offset += 12 + len;
    }
    expect(offset).toBe(bytes.length);
    expect(inflateSync(Buffer.concat(idat)).length).toBe(height * (1 + width * 3));
  });

  it("escapes HTML in page titles", async () => {
    const html = await (await fetch(`${fake.altOrigin}/oauth/authorize/${encodeURIComponent("<script>x</script>")}`)).text();
    expect(html).not.toContain("<script>");
    expect(html).toContain("Fake OAuth consent for &lt;script&gt;x&lt;/script&gt;");
  });

  it("answers OPTIONS preflights permissively", async () => {
    const res = await fetch(`${fake.origin}${API}/application`, {
      method: "OPTIONS",
      headers: { origin: "https://example.com", "access-control-request-method": "GET", "access-control-request-headers": "x-api-key, linked_account_id" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const allowed = (res.headers.get("access-control-allow-headers") ?? "").split(/,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(["x-api-key", "linked_account_id", "content-type", "authorization"]));
  });

  it("404 JSON for unknown paths", async () => {
    for (const path of ["/nope", `${API}/nope`]) {
      const res = await call(path);
      expect(res.status).toBe(404);
      expect((await json(res)).http_error_type).toBe("NOT_FOUND");
    }
  });
});

describe("faults", () => {
  it("status fault with a raw HTML body (and custom headers) replaces even the 401 check", async () => {
    const html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    fake.fault({ path: `${API}/application` }, { kind: "status", status: 502, body: html, headers: { "retry-after": "7" } });
    const res = await call(`${API}/application`, { key: "tk_invalid", account: "acct-1" });
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.text()).toBe(html);
  });

  it("status fault without a body answers a documented-shape error in the current flavor", async () => {
    fake.flavor = "legacy";
    fake.fault({ method: "GET" }, { kind: "status", status: 429 }, 1);
    const res = await call(`${API}/linked-account`);
    expect(res.status).toBe(429);
    expectErrorShape(await json(res), "legacy", 429, "SERVER_ERROR");
  });

  it("body fault returns 200 with a raw (invalid JSON) body", async () => {
    fake.fault({ path: /\/linked-account$/ }, { kind: "body", body: "{not json" });
    const res = await call(`${API}/linked-account`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("{not json");
  });

  it.each([301, 302, 303, 307, 308] as const)("redirect fault %i: Location on another origin, keeping the path and query when given a bare origin", async (status) => {
    fake.fault({ path: `${API}/linked-account` }, { kind: "redirect", status, location: "http://127.0.0.1:9" });
    const res = await fetch(`${fake.origin}${API}/linked-account?page=2&limit=5`, { headers: { "x-api-key": KEY }, redirect: "manual" });
    expect(res.status).toBe(status);
    expect(res.headers.get("location")).toBe(`http://127.0.0.1:9${API}/linked-account?page=2&limit=5`);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(fake.requests.at(-1)).toMatchObject({ path: `${API}/linked-account`, query: { page: "2", limit: "5" } });
  });

  it("redirect fault with a full URL sends it as it is", async () => {
    fake.fault({ method: "POST" }, { kind: "redirect", status: 307, location: "http://127.0.0.1:9/elsewhere?x=1" }, 1);
    const res = await fetch(`${fake.origin}${API}/session-token`, { method: "POST", headers: { "x-api-key": KEY }, body: "{}", redirect: "manual" });
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("http://127.0.0.1:9/elsewhere?x=1");
  });

  it("hang: the request never answers (aborted after 200 ms)", async () => {
    fake.fault({ path: `${API}/application` }, { kind: "hang" });
    const started = Date.now();
    const outcome = await call(`${API}/application`, { account: "acct-1", signal: AbortSignal.timeout(200) }).then(
      () => "answered",
      (err: unknown) => (err instanceof Error ? err.name : "error"),
    );
    expect(outcome).toBe("TimeoutError");
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("hang with an explicit AbortController", async () => {
    fake.fault({ linkedAccountId: "acct-1" }, { kind: "hang" });
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 200);
    await expect(call(`${API}/application`, { account: "acct-1", signal: ac.signal })).rejects.toThrow(/abort/i);
    clearTimeout(timer);
    // Other accounts are unaffected.
    fake.setAccount({ account_id: "acct-2", apps: [] });
    expect((await call(`${API}/application`, { account: "acct-2" })).status).toBe(200);
  });

  it("reset: fetch rejects with a network error", async () => {
    fake.fault({ method: "POST", path: `${API}/session-token` }, { kind: "reset" });
    await expect(call(`${API}/session-token`, { method: "POST", body: { linked_account_id: "acct-1" } })).rejects.toThrow(
      TypeError,
    );
    expect(fake.requests.at(-1)?.linkedAccountId).toBe("acct-1");
  });

  it("times is consumed per matching request; the remover and clearFaults work; first match wins", async () => {
    fake.fault({ path: `${API}/application`, linkedAccountId: "acct-1" }, { kind: "status", status: 500 }, 2);
    fake.fault({ path: `${API}/application` }, { kind: "status", status: 503 }, 1);
    fake.setAccount({ account_id: "acct-2", apps: [] });
    // Non-matching request (other account) hits the second fault only.
    expect((await call(`${API}/application`, { account: "acct-2" })).status).toBe(503);
    expect((await call(`${API}/application`, { account: "acct-1" })).status).toBe(500);
    expect((await call(`${API}/application`, { account: "acct-1" })).status).toBe(500);
    expect((await call(`${API}/application`, { account: "acct-1" })).status).toBe(200);
    expect((await call(`${API}/application`, { account: "acct-2" })).status).toBe(200);

    const remove = fake.fault({}, { kind: "status", status: 500 });
    expect((await call(`${API}/linked-account`)).status).toBe(500);
    remove();
    expect((await call(`${API}/linked-account`)).status).toBe(200);
    fake.fault({}, { kind: "status", status: 500 });
    fake.clearFaults();
    expect((await call(`${API}/linked-account`)).status).toBe(200);
  });

  it("a fault may match query parameters: one page of the listing", async () => {
    fake.fault({ path: `${API}/linked-account`, query: { page: "2" } }, { kind: "status", status: 503 });
    expect((await call(`${API}/linked-account?page=1&limit=10`)).status).toBe(200);
    expect((await call(`${API}/linked-account?page=2&limit=10`)).status).toBe(503);
    expect((await call(`${API}/linked-account?limit=10`)).status).toBe(200);
  });

  it("a rate limit answers 429 with Retry-After past its requests per window, and counts those", async () => {
    fake.rateLimit = { requests: 3, windowMs: 60_000 };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(`${API}/linked-account`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await call(`${API}/application`, { account: "acct-1" });
    expect(limited.status).toBe(429);
    const wait = Number(limited.headers.get("retry-after"));
    expect(wait).toBeGreaterThanOrEqual(59);
    expect(wait).toBeLessThanOrEqual(60);
    expect(fake.throttled.map((r) => r.path)).toEqual([`${API}/linked-account`, `${API}/linked-account`, `${API}/application`]);
    // Not API requests: never limited.
    expect((await fetch(fake.iconUrl("x"))).status).toBe(200);
    fake.rateLimit = undefined;
    expect((await call(`${API}/linked-account`)).status).toBe(200);
  });

  it("delay fault and latencyMs slow down answers (latency for API paths only)", async () => {
    fake.fault({ path: `${API}/linked-account` }, { kind: "delay", ms: 300 }, 1);
    let t = Date.now();
    const delayed = await call(`${API}/linked-account`);
    expect(delayed.status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    t = Date.now();
    await call(`${API}/linked-account`);
    expect(Date.now() - t).toBeLessThan(250);

    fake.latencyMs = 250;
    t = Date.now();
    await call(`${API}/linked-account`);
    expect(Date.now() - t).toBeGreaterThanOrEqual(240);
    t = Date.now();
    await fetch(fake.iconUrl("x"));
    expect(Date.now() - t).toBeLessThan(200);
  });
});

describe("request recording", () => {
  it("records every request with method, path, query, lower-cased headers, body, account and origin", async () => {
    await call(`${API}/application?linked_account_id=acct-1&x=1`, { headers: { "X-Custom-Header": "Yes" } });
    await call(`${API}/session-token`, { method: "POST", body: { linked_account_id: "acct-1" } });
    await fetch(fake.iconUrl("hubspot"));
    await fetch(`${fake.altOrigin}${API}/linked-account`, { headers: { "x-api-key": KEY } });

    expect(fake.requests).toHaveLength(4);
    const [list, token, icon, alt] = fake.requests;
    expect(list).toMatchObject({
      method: "GET",
      path: `${API}/application`,
      query: { linked_account_id: "acct-1", x: "1" },
      linkedAccountId: "acct-1",
      origin: fake.origin,
      body: "",
    });
    expect(list?.headers["x-api-key"]).toBe(KEY);
    expect(list?.headers["x-custom-header"]).toBe("Yes");
    expect(Object.keys(list?.headers ?? {}).every((h) => h === h.toLowerCase())).toBe(true);
    expect(token).toMatchObject({ method: "POST", body: '{"linked_account_id":"acct-1"}', linkedAccountId: "acct-1" });
    expect(icon).toMatchObject({ method: "GET", path: "/logos/hubspot.png", origin: fake.altOrigin });
    expect(icon?.headers).not.toHaveProperty("x-api-key");
    expect(alt).toMatchObject({ path: `${API}/linked-account`, origin: fake.altOrigin });
    expect(list!.at).toBeLessThanOrEqual(alt!.at);

    fake.clearRequests();
    expect(fake.requests).toHaveLength(0);
  });

  it("records requests that get 401 or a fault", async () => {
    fake.fault({ path: "/logos/broken.png" }, { kind: "reset" });
    await call(`${API}/linked-account`, { key: "tk_bad" });
    await fetch(fake.iconUrl("broken")).catch(() => undefined);
    expect(fake.requests.map((r) => r.path)).toEqual([`${API}/linked-account`, "/logos/broken.png"]);
  });
});

describe("startRecordingServer (another origin to redirect to)", () => {
  it("records every request on its own origin and answers as a permissive API would", async () => {
    const other = await startRecordingServer();
    try {
      expect(other.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(other.origin).not.toBe(fake.origin);
      const preflight = await fetch(`${other.origin}${API}/application`, {
        method: "OPTIONS",
        headers: { "access-control-request-method": "GET", "access-control-request-headers": "x-api-key, linked_account_id" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-headers")).toMatch(/x-api-key/);
      const res = await fetch(`${other.origin}${API}/session-token?x=1`, { method: "POST", headers: { "x-api-key": KEY }, body: '{"a":1}' });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(other.requests.map((r) => r.method)).toEqual(["OPTIONS", "POST"]);
      expect(other.requests[1]).toMatchObject({ path: `${API}/session-token`, query: { x: "1" }, body: '{"a":1}', origin: other.origin });
      expect(other.requests[1]!.headers["x-api-key"]).toBe(KEY);
      other.clearRequests();
      expect(other.requests).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("catches the key when a client follows the fake's redirect: what the extension must never do", async () => {
    const other = await startRecordingServer();
    try {
      fake.fault({ path: `${API}/linked-account` }, { kind: "redirect", status: 307, location: other.origin });
      const res = await fetch(`${fake.origin}${API}/linked-account`, { headers: { "x-api-key": KEY }, redirect: "follow" });
      expect(res.status).toBe(200);
      expect(other.requests).toHaveLength(1);
      expect(other.requests[0]).toMatchObject({ method: "GET", path: `${API}/linked-account` });
      expect(other.requests[0]!.headers["x-api-key"]).toBe(KEY);
      await expect(fetch(`${fake.origin}${API}/linked-account`, { headers: { "x-api-key": KEY }, redirect: "error" })).rejects.toThrow();
      expect(other.requests).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});

describe("accounts API", () => {
  it("setAccount replaces in place (order kept, __v bumped); removeAccount removes", async () => {
    fake.setAccount({ account_id: "acct-2", apps: [] });
    fake.setAccount({ account_id: "acct-1", name: "Acme renamed", apps: [] });
    expect(fake.accounts().map((a) => a.account_id)).toEqual(["acct-1", "acct-2"]);
    const docs = (await json(await call(`${API}/linked-account`))).docs as Record<string, unknown>[];
    expect(docs[0]).toMatchObject({ account_id: "acct-1", name: "Acme renamed", __v: 1 });
    fake.removeAccount("acct-1");
    expect((await call(`${API}/application`, { account: "acct-1" })).status).toBe(404);
  });
});

describe("close()", () => {
  it("ends hanging requests", async () => {
    const other = await startFakeCobalt({ flavor: "legacy" });
    other.fault({}, { kind: "hang" });
    const pending = fetch(`${other.origin}/anything`).then(
      () => "answered",
      () => "failed",
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(other.requests).toHaveLength(1);
    await other.close();
    expect(await pending).toBe("failed");
    await expect(fetch(`${other.origin}/anything`)).rejects.toThrow();
  });
});
