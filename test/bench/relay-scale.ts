import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { newRelaySource } from "../../src/core/settings/model.ts";
import { fingerprint, sourceKey } from "../../src/core/settings/fingerprint.ts";
import { EMPTY_STATUS } from "../../src/core/status/model.ts";
import { planResultsWrite } from "../../src/core/store/codec.ts";
import { nextRelayStatus } from "../../src/relay/client/check.ts";
import { healthyListFrom } from "../../src/relay/client/healthy.ts";
import { RelayHealthyCompactSchema, RelayStatusSchema } from "../../src/relay/protocol/v1.ts";
import { loadConfig } from "../../src/relay/server/base/config.ts";
import type { SourceState } from "../../src/relay/server/check/runner.ts";
import { registerWebhook } from "../../src/relay/server/node/register-webhook.ts";
import { startRelay } from "../../src/relay/server/node/server.ts";
import { startFakeCobalt, v3App, type FakeCobalt } from "../fake-cobalt/server.ts";
import { seedOrg } from "./org.ts";
import type { BenchRelay, BenchRelayOptions, RelayRuntime } from "./relay-runtimes.ts";

/*
 * The relay at 10,000 and 100,000 linked accounts (2 % broken), per runtime: what a member's poll
 * weighs (the compact status the extension asks for, gzipped as a browser accepts it, and a 304),
 * what the extension stores of it, what the relay holds in memory, and its latency under 1,000
 * member polls a minute while webhooks change the data. A check of 100,000 accounts takes the
 * relay some ten minutes at the highest budget, so each relay starts from the state a check leaves
 * (its state file): a real check of 1,000 accounts of the same org, repeated account by account.
 */

export const GOALS = { statusBytes: 300 * 1024, storageBytes: 1024 * 1024, p99Ms: 50 };
const TEMPLATE_ACCOUNTS = 1_000;
const MEMBERS = 100;
const POLL_EVERY_MS = 6_000;
const CHANGE_EVERY_MS = 20_000;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface ScaleRow {
  runtime: string;
  accounts: number;
  status: { wire: number; json: number; listed: number };
  /** What an extension from before gets: every account. */
  fullStatus: { wire: number; json: number };
  notModified: number;
  healthy: { wire: number; json: number; session: number };
  storage: { bytes: number; keys: number };
  memory?: { rss: number; peak: number };
  latency: { polls: number; changes: number; all: number[]; fresh: number[]; notModified: number[] };
}

const id = (i: number) => `acct-${String(i).padStart(5, "0")}`;

/** A real check of a 1,000-account org by the relay, in this process: the state it leaves. */
export async function templateState(fake: FakeCobalt, env: BenchRelayOptions["env"]): Promise<SourceState> {
  seedOrg(fake, TEMPLATE_ACCOUNTS);
  const dataDir = mkdtempSync(join(tmpdir(), "bench-relay-template-"));
  const relay = await startRelay(loadConfig({ env: { ...env, RELAY_DATA_DIR: dataDir }, port: 0 }), { write: () => {} });
  try {
    while (relay.runners[0]!.state.status.checkedAt === undefined) await sleep(20);
    return JSON.parse(JSON.stringify(relay.runners[0]!.state)) as SourceState;
  } finally {
    await relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The template, repeated to `accounts` accounts of the same org (seedOrg's: every 50th broken). */
export function scaledState(template: SourceState, accounts: number): SourceState {
  const byIndex = template.status.accounts;
  const state: SourceState = { status: { ...template.status, accountsTotal: accounts, accounts: [] }, healthy: {}, since: {} };
  for (let i = 0; i < accounts; i++) {
    const from = byIndex[i % TEMPLATE_ACCOUNTS]!;
    state.status.accounts.push({ ...from, id: id(i), name: `Customer ${i}` });
    state.healthy[id(i)] = template.healthy[from.id] ?? [];
    const since = template.since[from.id];
    if (since) state.since[id(i)] = since;
  }
  return state;
}

interface Raw {
  status: number;
  headerBytes: number;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/** One GET as a browser makes it (gzip accepted), with the bytes on the wire: status line and headers, then the body as sent. */
function get(url: string, token: string, etag?: string): Promise<Raw> {
  return new Promise((done, fail) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, "accept-encoding": "gzip, deflate, br" };
    if (etag) headers["if-none-match"] = etag;
    const req = request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        let headerBytes = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`.length + 2;
        for (let i = 0; i < res.rawHeaders.length; i += 2) headerBytes += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`.length;
        done({ status: res.statusCode ?? 0, headerBytes, body: Buffer.concat(chunks), headers: res.headers });
      });
    });
    req.on("error", fail);
    req.end();
  });
}

const decoded = (raw: Raw) => (raw.headers["content-encoding"] === "gzip" ? gunzipSync(raw.body) : raw.body).toString("utf8");

/** The sizes a member and the extension see: the compact status, the full one, a 304, the healthy apps, what is stored. */
async function sizes(relay: BenchRelay): Promise<Pick<ScaleRow, "status" | "fullStatus" | "notModified" | "healthy" | "storage">> {
  const token = relay.tokens[0]!;
  const compact = await get(`${relay.url}/v1/status?compact=1`, token);
  const text = decoded(compact);
  const body = RelayStatusSchema.parse(JSON.parse(text));
  const etag = compact.headers.etag as string;
  const again = await get(`${relay.url}/v1/status?compact=1`, token, etag);
  if (again.status !== 304) throw new Error(`bench: If-None-Match got ${again.status}, not 304`);
  const full = await get(`${relay.url}/v1/status`, token);
  const healthy = await get(`${relay.url}/v1/healthy-apps?compact=1`, token);
  const healthyText = decoded(healthy);
  // What the extension keeps: the stored status (the same codec, counted as Chrome counts its quota), and the healthy list in storage.session.
  const source = newRelaySource("main", { relayUrl: relay.url, token });
  const status = nextRelayStatus(source, EMPTY_STATUS, { kind: "ok", etag, body }, Date.now(), Math.random);
  const written = Object.entries(planResultsWrite({}, status, {}, source.id).set);
  const list = healthyListFrom(RelayHealthyCompactSchema.parse(JSON.parse(healthyText)), fingerprint(source), healthy.headers.etag as string);
  return {
    status: { wire: compact.headerBytes + compact.body.length, json: Buffer.byteLength(text), listed: body.sources[0]!.accounts.length },
    fullStatus: { wire: full.headerBytes + full.body.length, json: Buffer.byteLength(decoded(full)) },
    notModified: again.headerBytes + again.body.length,
    healthy: { wire: healthy.headerBytes + healthy.body.length, json: Buffer.byteLength(healthyText), session: "relayHealthy.main".length + JSON.stringify(list).length },
    storage: { bytes: written.reduce((sum, [key, value]) => sum + key.length + JSON.stringify(value).length, 0), keys: written.length },
  };
}

/** `MEMBERS` members, each polling every 6 s with If-None-Match (1,000 polls a minute), while a webhook changes one account every 20 s. */
async function underLoad(relay: BenchRelay, fake: FakeCobalt, accounts: number, seconds: number): Promise<ScaleRow["latency"]> {
  const latency: ScaleRow["latency"] = { polls: 0, changes: 0, all: [], fresh: [], notModified: [] };
  const end = Date.now() + seconds * 1000;
  const changes = (async () => {
    for (let n = 1; Date.now() + CHANGE_EVERY_MS < end; n++) {
      await sleep(CHANGE_EVERY_MS);
      // A healthy account's Jira-like app expires: Cobalt's webhook has the relay re-check that account.
      const target = id((n * 7919) % accounts);
      fake.setAccount({ account_id: target, name: `Customer ${target}`, apps: [v3App("zendesk", { status: "expired", icon: fake.iconUrl("zendesk") }), v3App("hubspot", { status: "active", icon: fake.iconUrl("hubspot") })] });
      await fake.emitConnectionEvent({ event: "Connection Expired", linkedAccountId: target, slug: "zendesk" });
      latency.changes++;
    }
  })();
  await Promise.all(
    relay.tokens.slice(0, MEMBERS).map(async (token, i) => {
      let etag: string | undefined;
      await sleep((i * POLL_EVERY_MS) / MEMBERS);
      for (let next = Date.now(); next < end; next += POLL_EVERY_MS) {
        const started = performance.now();
        const answer = await get(`${relay.url}/v1/status?compact=1`, token, etag);
        const ms = performance.now() - started;
        if (answer.status === 200) etag = answer.headers.etag as string;
        (answer.status === 200 ? latency.fresh : latency.notModified).push(ms);
        latency.all.push(ms);
        await sleep(Math.max(0, next + POLL_EVERY_MS - Date.now()));
      }
    }),
  );
  await changes;
  latency.polls = latency.all.length;
  return latency;
}

/** The environment `npm run relay` would be given for the bench's source against `fake`. */
export function benchEnv(fake: FakeCobalt, key: string): BenchRelayOptions["env"] {
  return { COBALT_API_KEY: key, COBALT_BASE_URL: fake.origin, RELAY_SOURCE_ID: "bench", RELAY_INTERVAL_MINUTES: "60", RELAY_REQUESTS_PER_MINUTE: "1200" };
}

/**
 * One runtime at one size, against a fake Cobalt of its own (whose webhooks reach this relay
 * alone): started from the scaled state, measured, stopped.
 */
export async function measure(runtime: RelayRuntime, key: string, template: SourceState, accounts: number, seconds: number): Promise<ScaleRow> {
  const fake = await startFakeCobalt({ flavor: "v3" });
  fake.addKey(key, "test");
  seedOrg(fake, accounts);
  const env = benchEnv(fake, key);
  const config = loadConfig({ env }).sources[0]!;
  const state = scaledState(template, accounts);
  // The state is this source's: the same key and accounts, at this fake server's address.
  state.status.source = sourceKey(config);
  const relay = await runtime.start({ env, state: { [env.RELAY_SOURCE_ID]: state }, members: MEMBERS }).catch(async (error: unknown) => {
    await fake.close();
    throw error;
  });
  try {
    // Once more on a failure: a connection the template's relay left in fetch's pool may have been closed by the fake server meanwhile.
    await registerWebhook(config, relay.url, fetch).catch(() => registerWebhook(config, relay.url, fetch));
    const measured = await sizes(relay);
    const latency = await underLoad(relay, fake, accounts, seconds);
    const memory = relay.memory();
    return { runtime: runtime.name, accounts, ...measured, ...(memory && { memory }), latency };
  } finally {
    await relay.close();
    await fake.close();
  }
}
