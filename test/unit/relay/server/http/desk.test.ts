import { gunzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DeskAnswerSchema, NOTE_MAX_CHARS } from "../../../../../src/relay/protocol/desk.ts";
import { RelayErrorSchema, RelayStatusSchema, type RelayStatus } from "../../../../../src/relay/protocol/v1.ts";
import { createLogger } from "../../../../../src/relay/server/base/log.ts";
import { openRelay, type Relay } from "../../../../../src/relay/server/http/relay.ts";
import type { StoreBackend } from "../../../../../src/relay/server/store/backend.ts";
import { FIXED_KEPT_MS } from "../../../../../src/relay/server/store/desk-rules.ts";
import { seedDemoOrg, startFakeCobalt, v3App, type FakeCobalt } from "../../../../fake-cobalt/server.ts";
import { BACKENDS, openBackends, type BackendName, type Backends } from "../backends.ts";
import { DEMO_KEY, sourceConfig } from "../support.ts";

/*
 * The desk's API (`POST /v1/desk`, and the desk in `GET /v1/status`) over the relay as openRelay
 * puts it together, against each of the store's implementations (files; a Durable Object's SQLite
 * in workerd) and the fake Cobalt server: claims, take-overs, releases, team mutes and notes, what
 * ends them, the limits, the audit log and a restart.
 */

let backends: Backends;
let fake: FakeCobalt;
beforeAll(async () => {
  backends = await openBackends();
  fake = await startFakeCobalt({ flavor: "v3" });
}, 120_000);
afterAll(async () => {
  await backends.close();
  await fake.close();
});

interface Desk {
  relay: Relay;
  backend: StoreBackend;
  tokens: Record<string, string>;
  /** The clock the relay runs on: the real one, moved on by `later`. */
  later(ms: number): void;
  post(member: string, body: unknown): Promise<Response>;
  status(member: string, headers?: Record<string, string>): Promise<{ response: Response; body: RelayStatus }>;
  audit(): Promise<Record<string, unknown>[]>;
  reopen(): Promise<void>;
}

let opened: Relay | undefined;
afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

async function setup(backendName: BackendName, limits: { capacity: number; perMinute: number } = { capacity: 1000, perMinute: 1000 }): Promise<Desk> {
  fake.clearAccounts();
  seedDemoOrg(fake);
  const backend = await backends.make(backendName);
  let offset = 0;
  const now = () => Date.now() + offset;
  const open = async () => {
    const relay = await openRelay({
      sources: [sourceConfig(fake.origin)],
      backend,
      log: createLogger({ secrets: [DEMO_KEY], write: () => {} }),
      fetch: (url, init) => fetch(url, init),
      clientAddress: () => "203.0.113.7",
      now,
      limits: { deskLimit: limits },
      compress: true,
    });
    await relay.runners[0]!.checkNow();
    await relay.desk.idle();
    return relay;
  };
  let relay = await open();
  opened = relay;
  const tokens: Record<string, string> = {};
  for (const name of ["alice", "bob"]) tokens[name] = (await relay.members.add(name)).token;
  const auth = (member: string) => ({ authorization: `Bearer ${tokens[member]}` });
  return {
    get relay() {
      return relay;
    },
    backend,
    tokens,
    later: (ms) => void (offset += ms),
    post: async (member, body) => relay.app.request("/v1/desk", { method: "POST", headers: { ...auth(member), "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) }),
    async status(member, headers = {}) {
      const response = await relay.app.request("/v1/status?compact=1", { headers: { ...auth(member), ...headers } });
      return { response, body: response.status === 200 ? RelayStatusSchema.parse(await response.clone().json()) : (undefined as unknown as RelayStatus) };
    },
    async audit() {
      return (await relay.audit.read()).filter((line) => "action" in line && "member" in line) as unknown as Record<string, unknown>[];
    },
    async reopen() {
      await relay.close();
      relay = await open();
      opened = relay;
    },
  };
}

const hubspot = { sourceId: "team", linkedAccountId: "acme-corp", slug: "hubspot" };
const deskOf = (body: RelayStatus) => body.sources[0]!.desk;
const refusal = async (response: Response) => RelayErrorSchema.parse(await response.json()).error.code;
const done = async (response: Response) => {
  expect(response.status).toBe(200);
  return DeskAnswerSchema.parse(await response.json()).outcome;
};
/** Audit lines without their times (checked apart). */
const actions = (lines: Record<string, unknown>[]) => lines.map(({ time: _time, ...rest }) => rest);

/** The fake org with hubspot of acme-corp fixed. */
function fixHubspot(): void {
  const acme = fake.accounts().find((account) => account.account_id === "acme-corp")!;
  fake.setAccount({ ...acme, apps: acme.apps.map((app) => (app.slug === "hubspot" ? v3App("hubspot", { status: "active" }) : app)) });
}

describe.each(BACKENDS)("the desk's API with its records on %s", { timeout: 60_000 }, (backend) => {
  it("claims a break: every member's status shows who and since when, names the member who asks, and its ETag changes", async () => {
    const s = await setup(backend);
    const before = await s.status("alice");
    expect(before.body.member).toBe("alice");
    expect(deskOf(before.body)).toBeUndefined();
    expect(await done(await s.post("alice", { action: "claim", ...hubspot }))).toBe("done");
    const alice = await s.status("alice");
    const bob = await s.status("bob");
    expect(alice.body.member).toBe("alice");
    expect(bob.body.member).toBe("bob");
    expect(deskOf(bob.body)).toEqual({ claims: [{ account: "acme-corp", app: "hubspot", member: "alice", since: expect.any(Number) }] });
    expect(alice.response.headers.get("etag")).not.toBe(before.response.headers.get("etag"));
    expect(alice.response.headers.get("etag")).not.toBe(bob.response.headers.get("etag"));
    // The tag still answers its member with a 304 while nothing changes.
    expect((await s.status("bob", { "if-none-match": bob.response.headers.get("etag")! })).response.status).toBe(304);
    // Claimed again by the same member: nothing changes.
    expect(await done(await s.post("alice", { action: "claim", ...hubspot }))).toBe("unchanged");
    expect(actions(await s.audit())).toEqual([{ member: "alice", action: "claim", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "done" }]);
  });

  it("gzips each member's status, which reads back as exactly that member's body", async () => {
    const s = await setup(backend);
    for (let i = 0; i < 40; i++) fake.setAccount({ account_id: `customer-${i}`, name: `Customer ${i}`, apps: [v3App("hubspot", { status: "expired" })] });
    await s.relay.runners[0]!.checkNow();
    await s.post("alice", { action: "claim", ...hubspot });
    for (const member of ["alice", "bob"]) {
      const plain = await (await s.status(member)).response.text();
      const gzipped = await s.relay.app.request("/v1/status?compact=1", { headers: { authorization: `Bearer ${s.tokens[member]}`, "accept-encoding": "gzip" } });
      expect(gzipped.headers.get("content-encoding")).toBe("gzip");
      expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).toString("utf8")).toBe(plain);
      expect(JSON.parse(plain).member).toBe(member);
    }
  });

  it("refuses a claim on someone else's break; a take-over is audited and names whom it was taken from; only the claimer releases", async () => {
    const s = await setup(backend);
    await s.post("alice", { action: "claim", ...hubspot });
    const refused = await s.post("bob", { action: "claim", ...hubspot });
    expect([refused.status, await refusal(refused)]).toEqual([409, "claimed"]);
    expect(await done(await s.post("bob", { action: "take-over", ...hubspot }))).toBe("done");
    expect(deskOf((await s.status("alice")).body)?.claims).toEqual([{ account: "acme-corp", app: "hubspot", member: "bob", since: expect.any(Number), from: "alice" }]);
    const notYours = await s.post("alice", { action: "release", ...hubspot });
    expect([notYours.status, await refusal(notYours)]).toEqual([409, "not-yours"]);
    expect(await done(await s.post("bob", { action: "release", ...hubspot }))).toBe("done");
    expect(deskOf((await s.status("alice")).body)).toBeUndefined();
    expect(await done(await s.post("bob", { action: "release", ...hubspot }))).toBe("unchanged");
    expect(actions(await s.audit())).toEqual([
      { member: "alice", action: "claim", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "done" },
      { member: "bob", action: "claim", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "refused", reason: "claimed" },
      { member: "bob", action: "take-over", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "done", previous: "alice" },
      { member: "alice", action: "release", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "refused", reason: "not-yours" },
      { member: "bob", action: "release", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "done" },
    ]);
  });

  it("ends a claim, a note and a mute when the app is fixed, keeps who was on it for an hour, and audits each end", async () => {
    const s = await setup(backend);
    await s.post("alice", { action: "claim", ...hubspot });
    await s.post("bob", { action: "note", ...hubspot, text: "customer on holiday" });
    await s.post("bob", { action: "mute", ...hubspot, length: "day" });
    await s.post("bob", { action: "claim", sourceId: "team", linkedAccountId: "globex" });
    const claimed = await s.status("bob");
    fixHubspot();
    await s.relay.runners[0]!.checkNow();
    await s.relay.desk.idle();
    const fixed = await s.status("bob");
    expect(fixed.response.headers.get("etag")).not.toBe(claimed.response.headers.get("etag"));
    expect(deskOf(fixed.body)).toEqual({
      claims: [{ account: "globex", member: "bob", since: expect.any(Number) }],
      fixed: [{ account: "acme-corp", app: "hubspot", member: "alice", since: expect.any(Number), at: expect.any(Number), name: "Hubspot", accountName: "Acme Inc." }],
    });
    expect(s.relay.desk.whoWasOn({ source: "team", account: "acme-corp", app: "hubspot" })).toEqual({ member: "alice", since: expect.any(Number) });
    expect(actions(await s.audit()).filter((line) => String(line.action).endsWith("-ended"))).toEqual([
      { member: "alice", action: "claim-ended", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "done", reason: "fixed" },
      { member: "bob", action: "mute-ended", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "done", reason: "fixed" },
      { member: "bob", action: "note-ended", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "done", reason: "fixed" },
    ]);
    s.later(FIXED_KEPT_MS);
    expect(deskOf((await s.status("bob")).body)).toEqual({ claims: [{ account: "globex", member: "bob", since: expect.any(Number) }] });
  });

  it("mutes for the team with the same choices as a personal mute: anyone unmutes, a timed one ends at its time (audited), until fixed covers the breaks there are", async () => {
    const s = await setup(backend);
    expect(await done(await s.post("alice", { action: "mute", ...hubspot, length: "hour" }))).toBe("done");
    const muted = deskOf((await s.status("bob")).body)?.mutes?.[0];
    expect(muted).toEqual({ account: "acme-corp", app: "hubspot", member: "alice", at: expect.any(Number), until: muted!.at + 3_600_000 });
    expect(await done(await s.post("bob", { action: "unmute", ...hubspot }))).toBe("done");
    expect(deskOf((await s.status("bob")).body)).toBeUndefined();
    await s.post("alice", { action: "mute", ...hubspot, length: "hour" });
    const before = await s.status("bob");
    s.later(3_600_000);
    const after = await s.status("bob");
    expect(deskOf(after.body)).toBeUndefined();
    expect(after.response.headers.get("etag")).not.toBe(before.response.headers.get("etag"));
    expect(actions(await s.audit()).at(-1)).toEqual({ member: "alice", action: "mute-ended", source: "team", linkedAccount: "acme-corp", app: "hubspot", outcome: "done", reason: "expired" });
    await s.post("bob", { action: "mute", sourceId: "team", linkedAccountId: "acme-corp", length: "fixed" });
    const whole = deskOf((await s.status("bob")).body)?.mutes?.[0];
    expect(whole?.breaks?.map((each) => each.slug).sort()).toEqual(["copper", "hubspot"]);
    expect(whole?.breaks?.every((each) => typeof each.since === "number")).toBe(true);
    expect(actions(await s.audit()).filter((line) => line.action === "mute").map((line) => line.length)).toEqual(["hour", "hour", "fixed"]);
  });

  it("keeps notes as text only and at most 280 characters, shown with who wrote them and when; an empty note removes it", async () => {
    const s = await setup(backend);
    expect(await done(await s.post("alice", { action: "note", ...hubspot, text: "  customer on\n holiday\u202E until <b>Monday</b>  " }))).toBe("done");
    expect(deskOf((await s.status("bob")).body)?.notes).toEqual([{ account: "acme-corp", app: "hubspot", member: "alice", at: expect.any(Number), text: "customer on holiday until <b>Monday</b>" }]);
    const long = await s.post("bob", { action: "note", ...hubspot, text: "x".repeat(NOTE_MAX_CHARS + 1) });
    expect([long.status, await refusal(long)]).toEqual([400, "note-too-long"]);
    expect(await done(await s.post("bob", { action: "note", ...hubspot, text: "🙂".repeat(NOTE_MAX_CHARS) }))).toBe("done");
    expect(deskOf((await s.status("alice")).body)?.notes?.[0]?.member).toBe("bob");
    expect(await done(await s.post("alice", { action: "note", ...hubspot, text: " " }))).toBe("done");
    expect(deskOf((await s.status("alice")).body)).toBeUndefined();
    // The note's text is not in the audit log.
    expect(JSON.stringify(await s.audit())).not.toContain("holiday");
    expect(actions(await s.audit()).map((line) => [line.member, line.action, line.outcome])).toEqual([
      ["alice", "note", "done"],
      ["bob", "note", "refused"],
      ["bob", "note", "done"],
      ["alice", "note-removed", "done"],
    ]);
  });

  it("refuses unknown sources, accounts and apps that need no re-authentication, as links do, and audits it", async () => {
    const s = await setup(backend);
    const unknownSource = await s.post("alice", { action: "claim", sourceId: "elsewhere", linkedAccountId: "secret-customer", slug: "x" });
    expect([unknownSource.status, await refusal(unknownSource)]).toEqual([404, "unknown-source"]);
    const unknownAccount = await s.post("alice", { action: "note", sourceId: "team", linkedAccountId: "nobody", text: "hi" });
    expect([unknownAccount.status, await refusal(unknownAccount)]).toEqual([404, "unknown-account"]);
    const healthy = await s.post("alice", { action: "mute", sourceId: "team", linkedAccountId: "initech", slug: "jira", length: "hour" });
    expect([healthy.status, await refusal(healthy)]).toEqual([404, "app-not-reauth"]);
    const healthyAccount = await s.post("alice", { action: "claim", sourceId: "team", linkedAccountId: "initech" });
    expect([healthyAccount.status, await refusal(healthyAccount)]).toEqual([404, "app-not-reauth"]);
    expect(actions(await s.audit())).toEqual([
      { member: "alice", action: "claim", source: "", linkedAccount: "", app: "", outcome: "refused", reason: "unknown-source" },
      { member: "alice", action: "note", source: "team", linkedAccount: "nobody", app: "", outcome: "refused", reason: "unknown-account" },
      { member: "alice", action: "mute", source: "team", linkedAccount: "initech", app: "jira", outcome: "refused", reason: "app-not-reauth", length: "hour" },
      { member: "alice", action: "claim", source: "team", linkedAccount: "initech", app: "", outcome: "refused", reason: "app-not-reauth" },
    ]);
    expect(deskOf((await s.status("alice")).body)).toBeUndefined();
  });

  it("refuses what is not a desk request, and more changes a minute than a member may make", async () => {
    const s = await setup(backend, { capacity: 4, perMinute: 4 });
    for (const body of ["not json", { action: "steal", ...hubspot }, { action: "mute", ...hubspot, length: "forever" }, { action: "claim", sourceId: "team" }]) {
      const response = await s.post("alice", body);
      expect([response.status, await refusal(response)]).toEqual([400, "bad-request"]);
    }
    const limited = await s.post("alice", { action: "claim", ...hubspot });
    expect([limited.status, await refusal(limited), Number(limited.headers.get("retry-after")) > 0]).toEqual([429, "too-many-requests", true]);
    // Another member has a limit of their own.
    expect(await done(await s.post("bob", { action: "claim", ...hubspot }))).toBe("done");
    const anonymous = await s.relay.app.request("/v1/desk", { method: "POST", body: JSON.stringify({ action: "claim", ...hubspot }) });
    expect(anonymous.status).toBe(401);
  });

  it("keeps claims, mutes and notes through a restart", async () => {
    const s = await setup(backend);
    await s.post("alice", { action: "claim", ...hubspot });
    await s.post("bob", { action: "note", ...hubspot, text: "on hold" });
    await s.post("bob", { action: "mute", sourceId: "team", linkedAccountId: "globex", length: "week" });
    const before = deskOf((await s.status("bob")).body);
    await s.reopen();
    expect(deskOf((await s.status("bob")).body)).toEqual(before);
    expect(before?.claims).toHaveLength(1);
    expect(before?.notes).toHaveLength(1);
    expect(before?.mutes).toHaveLength(1);
  });
});
