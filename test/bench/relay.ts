/**
 * `npm run bench:relay` (also run by `npm run bench`): the team relay against the fake Cobalt
 * server. Prints figures and their ratios to the goals; nothing here passes or fails.
 *
 *  1. Cobalt requests per check with 1, 10 and 100 members polling (the goal: the same for all).
 *  2. Relay latency (p50, p99) for 1,000 member polls a minute, with the data changing meanwhile,
 *     on Node and on Workers (workerd through Miniflare, on this machine: the same measure, not
 *     Cloudflare's network).
 *  3. Time from a Cobalt webhook to the relay's status changing (goal: under 5 s).
 *  4. At 10,000 and 100,000 linked accounts, per runtime (relay-runtimes.ts; the relay in a
 *     process of its own): a member's status and 304 in bytes, what the extension stores of it,
 *     the relay's memory, and its latency under 1,000 member polls a minute (relay-scale.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { RelayStatusSchema } from "../../src/relay/protocol/v1.ts";
import type { RelayConfig } from "../../src/relay/server/base/config.ts";
import { registerWebhook } from "../../src/relay/server/node/register-webhook.ts";
import { startRelay, type RunningRelay } from "../../src/relay/server/node/server.ts";
import { ADMIN_PATHS, AddedMemberSchema } from "../../src/relay/protocol/admin.ts";
import { startWorkersRelay } from "../../scripts/lib/workers-relay.ts";
import { startFakeCobalt, v3App, type FakeCobalt } from "../fake-cobalt/server.ts";
import { seedOrg } from "./org.ts";
import { RELAY_RUNTIMES } from "./relay-runtimes.ts";
import { benchEnv, GOALS, measure, templateState, type ScaleRow } from "./relay-scale.ts";

const KEY = "tk_bench_key";
const LATENCY_MS = 30;
const BUDGET = 1200;
const SECONDS = Number(process.env.BENCH_RELAY_SECONDS ?? 60);
/** Linked accounts of the scale rows (section 4); empty skips them. */
const SCALE = (process.env.BENCH_RELAY_SCALE ?? "10000,100000").split(",").filter((n) => n !== "").map(Number);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function stack(accounts: number): Promise<{ fake: FakeCobalt; relay: RunningRelay; close(): Promise<void> }> {
  const fake = await startFakeCobalt({ latencyMs: LATENCY_MS, flavor: "v3" });
  fake.addKey(KEY, "test");
  seedOrg(fake, accounts);
  const dataDir = mkdtempSync(join(tmpdir(), "bench-relay-"));
  const config: RelayConfig = {
    host: "127.0.0.1",
    port: 0,
    behindTlsProxy: false,
    trustedProxies: [],
    dataDir,
    // A long interval: the bench starts every check itself.
    sources: [{ id: "bench", label: "Bench", apiKey: KEY, baseUrl: fake.origin, linkedAccountIds: [], intervalMinutes: 60, requestsPerMinute: BUDGET, webhook: { verify: true, secret: KEY } }],
  };
  const relay = await startRelay(config, { write: () => {} });
  await waitFor(() => relay.runners[0]!.state.status.checkedAt !== undefined);
  return {
    fake,
    relay,
    close: async () => {
      await relay.close();
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await sleep(5);
}

/** A relay under measure, on either runtime: its URL, how a member is added and a check is run. */
interface Target {
  url: string;
  addMember(name: string): Promise<string>;
  checkNow(): Promise<void>;
  close(): Promise<void>;
}

async function nodeTarget(accounts: number): Promise<Target> {
  const s = await stack(accounts);
  return { url: s.relay.url, addMember: async (name) => (await s.relay.members.add(name)).token, checkNow: () => s.relay.runners[0]!.checkNow(), close: s.close };
}

const ADMIN = "bench-admin-token-0123456789abcdef0123";

async function workersTarget(accounts: number): Promise<Target> {
  const fake = await startFakeCobalt({ latencyMs: LATENCY_MS, flavor: "v3" });
  fake.addKey(KEY, "test");
  seedOrg(fake, accounts);
  const dataDir = mkdtempSync(join(tmpdir(), "bench-workers-"));
  const env = { COBALT_API_KEY: KEY, COBALT_BASE_URL: fake.origin, RELAY_SOURCE_ID: "bench", RELAY_INTERVAL_MINUTES: "60", RELAY_REQUESTS_PER_MINUTE: String(BUDGET), RELAY_ADMIN_TOKEN: ADMIN };
  const lines: string[] = [];
  const relay = await startWorkersRelay({ env, port: 0, persistDir: join(dataDir, "workers"), write: (line) => lines.push(line) });
  const checks = () => lines.filter((line) => line.includes('"event":"check"')).length;
  await waitFor(() => checks() > 0);
  const admin = (path: string, init: RequestInit = {}) => fetch(`${relay.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" } });
  return {
    url: relay.url,
    addMember: async (name) => AddedMemberSchema.parse(await (await admin(ADMIN_PATHS.members, { method: "POST", body: JSON.stringify({ name }) })).json()).token,
    async checkNow() {
      const before = checks();
      await admin(ADMIN_PATHS.check, { method: "POST" });
      await waitFor(() => checks() > before);
    },
    async close() {
      await relay.close();
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A member polling like the extension does: the compact status, If-None-Match with the last ETag it got, gzip accepted. */
function member(relay: { url: string }, token: string) {
  let etag: string | undefined;
  return async (): Promise<{ ms: number; status: number }> => {
    const started = performance.now();
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, "accept-encoding": "gzip" };
    if (etag) headers["if-none-match"] = etag;
    const response = await fetch(`${relay.url}/v1/status?compact=1`, { headers });
    await response.arrayBuffer();
    if (response.status === 200) etag = response.headers.get("etag") ?? undefined;
    return { ms: performance.now() - started, status: response.status };
  };
}

async function members(relay: RunningRelay, count: number) {
  const polls = [];
  for (let i = 0; i < count; i++) polls.push(member(relay, (await relay.members.add(`member-${i}`)).token));
  return polls;
}

const apiRequests = (fake: FakeCobalt) => fake.requests.filter((r) => r.path.startsWith("/api/")).length;

/** 1. Members poll as fast as they can while the relay runs three checks. */
async function requestsPerCheck(count: number): Promise<{ members: number; polls: number; perCheck: number[] }> {
  const s = await stack(1_000);
  try {
    const polls = await members(s.relay, count);
    let running = true;
    let served = 0;
    const loops = polls.map(async (poll) => {
      while (running) {
        await poll();
        served++;
      }
    });
    const perCheck: number[] = [];
    for (let check = 0; check < 3; check++) {
      s.fake.clearRequests();
      await s.relay.runners[0]!.checkNow();
      perCheck.push(apiRequests(s.fake));
    }
    s.fake.clearRequests();
    await sleep(1_000);
    if (apiRequests(s.fake) !== 0) throw new Error("members' polls reached Cobalt between checks");
    running = false;
    await Promise.all(loops);
    return { members: count, polls: served, perCheck };
  } finally {
    await s.close();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** 2. 100 members, each polling every 6 s (1,000 polls a minute), a check every 20 s. */
async function latency(s: Target): Promise<{ polls: number; fresh: number[]; notModified: number[]; bodyBytes: number }> {
  try {
    const polls: (() => Promise<{ ms: number; status: number }>)[] = [];
    for (let i = 0; i < 100; i++) polls.push(member(s, await s.addMember(`member-${i}`)));
    const fresh: number[] = [];
    const notModified: number[] = [];
    const end = Date.now() + SECONDS * 1000;
    const checks = (async () => {
      while (Date.now() < end - 20_000) {
        await sleep(20_000);
        await s.checkNow();
      }
    })();
    // Members start spread over the 6 s period, as real ones would be.
    await Promise.all(
      polls.map(async (poll, i) => {
        await sleep((i * 6_000) / polls.length);
        for (let next = Date.now(); next < end; next += 6_000) {
          const { ms, status } = await poll();
          (status === 200 ? fresh : notModified).push(ms);
          await sleep(Math.max(0, next + 6_000 - Date.now()));
        }
      }),
    );
    await checks;
    const body = await (await fetch(`${s.url}/v1/status?compact=1`, { headers: { authorization: `Bearer ${await s.addMember("probe")}` } })).text();
    return { polls: fresh.length + notModified.length, fresh, notModified, bodyBytes: Buffer.byteLength(body) };
  } finally {
    await s.close();
  }
}

/** 3. An app expires; Cobalt's signed webhook arrives; how long until a member's poll shows it. */
async function webhookToStatus(): Promise<number[]> {
  const s = await stack(100);
  try {
    const [poll] = await members(s.relay, 1);
    const token = (await s.relay.members.add("watcher")).token;
    await registerWebhook(s.relay.runners[0]!.config, s.relay.url, fetch);
    await poll!();
    const times: number[] = [];
    for (let run = 0; run < 10; run++) {
      const id = `acct-${String(run * 7 + 1).padStart(5, "0")}`;
      const account = s.fake.accounts().find((a) => a.account_id === id)!;
      s.fake.setAccount({ ...account, apps: [v3App("zendesk", { status: "expired", icon: s.fake.iconUrl("zendesk") }), ...account.apps] });
      const started = performance.now();
      const delivered = await s.fake.emitConnectionEvent({ event: "Connection Expired", linkedAccountId: id, slug: "zendesk" });
      if (delivered[0]?.status !== 200) throw new Error("the relay did not accept the webhook");
      for (;;) {
        const response = await fetch(`${s.relay.url}/v1/status`, { headers: { authorization: `Bearer ${token}` } });
        const body = RelayStatusSchema.parse(await response.json());
        if (body.sources[0]!.accounts.find((a) => a.id === id)?.reauth.some((app) => app.slug === "zendesk")) break;
        await sleep(5);
      }
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    await s.close();
  }
}

/** 4. Each runtime at each size, from one template check of the same org. */
async function scaleRows(): Promise<ScaleRow[]> {
  if (SCALE.length === 0) return [];
  const fake = await startFakeCobalt({ flavor: "v3" });
  fake.addKey(KEY, "test");
  const template = await templateState(fake, benchEnv(fake, KEY)).finally(() => fake.close());
  const measured: ScaleRow[] = [];
  for (const runtime of RELAY_RUNTIMES) for (const accounts of SCALE) measured.push(await measure(runtime, KEY, template, accounts, SECONDS));
  return measured;
}

const scale = await scaleRows();
const rows = [];
for (const count of [1, 10, 100]) rows.push(await requestsPerCheck(count));
const lat = await latency(await nodeTarget(1_000));
const workers = await latency(await workersTarget(1_000));
const webhook = await webhookToStatus();
const all = [...lat.fresh, ...lat.notModified];
const ms = (value: number) => `${value.toFixed(1)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toLocaleString("en-US", { maximumFractionDigits: bytes < 10_240 ? 1 : 0 })} KB`;
const ratio = (value: number, goal: number) => (value / goal).toFixed(2);
const n = (value: number) => value.toLocaleString("en-US");

function scaleTables(): string[] {
  if (scale.length === 0) return [];
  return [
    "",
    `At scale: 2 % of linked accounts broken; each relay in its own process, started from the state a check leaves; ${MEMBERS_NOTE}`,
    "",
    "| linked accounts | runtime | status a member polls: on the wire, gzip (JSON) | ratio (goal ≤ 300 KB) | 304 | extension's storage for the source | ratio (goal ≤ 1 MB) | healthy apps when opened: wire (JSON; session storage) | full status for an extension from before: wire (JSON) |",
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ...scale.map(
      (row) =>
        `| ${n(row.accounts)} | ${row.runtime} | ${kb(row.status.wire)} (${kb(row.status.json)}, ${n(row.status.listed)} accounts listed) | ${ratio(row.status.wire, GOALS.statusBytes)} (JSON ${ratio(row.status.json, GOALS.statusBytes)}) | ${n(row.notModified)} B | ${kb(row.storage.bytes)} (${n(row.storage.keys)} keys) | ${ratio(row.storage.bytes, GOALS.storageBytes)} | ${kb(row.healthy.wire)} (${kb(row.healthy.json)}; ${kb(row.healthy.session)}) | ${kb(row.fullStatus.wire)} (${kb(row.fullStatus.json)}) |`,
    ),
    "",
    "| linked accounts | runtime | relay memory: resident now (peak) | polls (of which 200) in the run, webhook changes | latency p50 / p99 | p99 ratio (goal ≤ 50 ms) | 304 p50 / p99 | 200 p50 / p99 |",
    "|---:|---|---:|---:|---:|---:|---:|---:|",
    ...scale.map((row) => {
      const { all: every, fresh, notModified } = row.latency;
      const memory = row.memory ? `${n(Math.round(row.memory.rss / 1024 / 1024))} MB (${n(Math.round(row.memory.peak / 1024 / 1024))} MB)` : "n/a";
      const p = (values: number[], q: number) => (values.length === 0 ? Number.NaN : percentile(values, q));
      return `| ${n(row.accounts)} | ${row.runtime} | ${memory} | ${n(row.latency.polls)} (${n(fresh.length)}), ${row.latency.changes} | ${ms(p(every, 50))} / ${ms(p(every, 99))} | ${ratio(p(every, 99), GOALS.p99Ms)} | ${ms(p(notModified, 50))} / ${ms(p(notModified, 99))} | ${ms(p(fresh, 50))} / ${ms(p(fresh, 99))} |`;
    }),
  ];
}
const MEMBERS_NOTE = `100 members each polling every 6 s with If-None-Match and gzip for ${SECONDS} s (1,000 polls a minute), a webhook changing one account every 20 s`;

console.log(
  [
    "",
    `Team relay, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, fake Cobalt with ${LATENCY_MS} ms latency, budget ${BUDGET} requests/min`,
    "",
    "| members polling (as fast as they can) | polls served during 3 checks | Cobalt requests per check (1,000 linked accounts) |",
    "|---:|---:|---|",
    ...rows.map((row) => `| ${row.members} | ${row.polls.toLocaleString("en-US")} | ${row.perCheck.join(", ")} |`),
    "",
    "| measure | value | target |",
    "|---|---:|---|",
    `| relay latency p50 / p99, ${lat.polls} polls in ${SECONDS} s (100 members, every 6 s; a check every 20 s) | ${ms(percentile(all, 50))} / ${ms(percentile(all, 99))} | |`,
    `| … of which 304 Not Modified (${lat.notModified.length}) | ${ms(percentile(lat.notModified, 50))} / ${ms(percentile(lat.notModified, 99))} | |`,
    `| … of which 200 with the compact status, ${(lat.bodyBytes / 1024).toFixed(0)} KB of JSON (${lat.fresh.length}) | ${ms(percentile(lat.fresh, 50))} / ${ms(percentile(lat.fresh, 99))} | |`,
    `| the same on Workers (workerd on this machine), ${workers.polls} polls | ${ms(percentile([...workers.fresh, ...workers.notModified], 50))} / ${ms(percentile([...workers.fresh, ...workers.notModified], 99))} | |`,
    `| … of which 304 Not Modified (${workers.notModified.length}) | ${ms(percentile(workers.notModified, 50))} / ${ms(percentile(workers.notModified, 99))} | |`,
    `| … of which 200 with the compact status, ${(workers.bodyBytes / 1024).toFixed(0)} KB (${workers.fresh.length}) | ${ms(percentile(workers.fresh, 50))} / ${ms(percentile(workers.fresh, 99))} | |`,
    `| webhook to status changed, median / max of ${webhook.length} | ${ms(percentile(webhook, 50))} / ${ms(Math.max(...webhook))} | < 5 s |`,
    ...scaleTables(),
  ].join("\n"),
);
