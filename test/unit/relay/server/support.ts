import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RelayConfig, SourceConfig } from "../../../../src/relay/server/base/config.ts";
import { ADMIN_PATHS, AddedMemberSchema, AuditAnswerSchema, adminMemberPath } from "../../../../src/relay/protocol/admin.ts";
import { RelayHealthSchema } from "../../../../src/relay/protocol/v1.ts";
import type { AuditLine } from "../../../../src/relay/server/store/audit.ts";
import { FileBackend } from "../../../../src/relay/server/store/file-backend.ts";
import { Members } from "../../../../src/relay/server/store/members.ts";
import { Records } from "../../../../src/relay/server/store/records.ts";
import { startRelay, type RunningRelay, type StartOptions } from "../../../../src/relay/server/node/server.ts";
import { buildWorker, startWorkersRelay, type WorkersRelay } from "../../../../scripts/lib/workers-relay.ts";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../../../fake-cobalt/server.ts";

export const DEMO_KEY = "tk_demo_key";
export const ADMIN_TOKEN = "admin-token-for-tests-0123456789abcdef";

/** The relay's two runtimes: Node with files, and Workers (workerd, through Miniflare) with a Durable Object. */
export type Runtime = "node" | "workers";
export const RUNTIMES: readonly Runtime[] = ["node", "workers"];

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "relay-test-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function sourceConfig(baseUrl: string, overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    id: "team",
    label: "Team (test)",
    apiKey: DEMO_KEY,
    baseUrl,
    linkedAccountIds: [],
    intervalMinutes: 60,
    // The highest budget, so a test's check takes a fraction of a second.
    requestsPerMinute: 1200,
    webhook: { verify: true, secret: overrides.apiKey ?? DEMO_KEY },
    ...overrides,
  };
}

/** The Worker's bundle, built once per test file (a second or two). */
let bundle: Promise<string> | undefined;
export const workerBundle = () => (bundle ??= buildWorker());

export interface Recorded {
  url: string;
  status: number;
  headers: string;
  body: string;
}

export interface Stack {
  runtime: Runtime;
  fake: FakeCobalt;
  url: string;
  dataDir: string;
  source: SourceConfig;
  /** The relay's log lines (on Workers, what the Worker printed). */
  logs: string[];
  /** Every response the tests received from the relay, for the key-leak scan. */
  responses: Recorded[];
  /** The Node relay, for what only it has (its runners); undefined on Workers. */
  node: RunningRelay | undefined;
  call(path: string, init?: RequestInit & { token?: string }): Promise<{ status: number; headers: Headers; body: string }>;
  /** What `npm run relay -- add-member` prints: on Node the data folder's command, on Workers the admin API. */
  addMember(name: string): Promise<string>;
  /** As `remove-member` run by another process (Node) or through the admin API (Workers). */
  removeMember(name: string): Promise<boolean>;
  auditEntries(): Promise<AuditLine[]>;
  /** Resolves once every source has finished a check (success or failure), as /v1/health says. */
  checked(): Promise<void>;
  /** A full check asked through the admin API, resolved when it has ended. */
  checkNow(): Promise<void>;
  /** Stops the relay and starts it again on the same data, with the source changed as given. */
  restart(changes?: { source?: Partial<SourceConfig> }): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  runtime?: Runtime;
  source?: Partial<SourceConfig>;
  /** What only the Node relay has (listening, proxies). */
  config?: Partial<RelayConfig>;
  fake?: FakeCobalt;
  start?: StartOptions;
  keepDir?: string;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const runtime = options.runtime ?? "node";
  const fake = options.fake ?? (await startFakeCobalt());
  if (!options.fake) seedDemoOrg(fake);
  const dir = options.keepDir ? { path: options.keepDir, remove: () => {} } : tempDir();
  const logs: string[] = [];
  const responses: Recorded[] = [];
  let source = sourceConfig(fake.origin, options.source);
  const relayFor = async (each: SourceConfig) => (runtime === "node" ? nodeRelay(each, dir.path, logs, options) : await workersRelay(each, logs, dir.path));
  let relay = await relayFor(source);
  let running = await relay.start();
  const admin = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${running.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" } });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const stack: Stack = {
    runtime,
    fake,
    get url() {
      return running.url;
    },
    get node() {
      return running.node;
    },
    dataDir: dir.path,
    get source() {
      return source;
    },
    logs,
    responses,
    async call(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.token !== undefined) headers.set("authorization", `Bearer ${init.token}`);
      const response = await fetch(`${running.url}${path}`, { ...init, headers });
      const body = await response.text();
      responses.push({ url: path, status: response.status, headers: JSON.stringify([...response.headers]), body });
      return { status: response.status, headers: response.headers, body };
    },
    async addMember(name) {
      if (running.node) return (await running.node.members.add(name)).token;
      return AddedMemberSchema.parse((await admin(ADMIN_PATHS.members, { method: "POST", body: JSON.stringify({ name }) })).body).token;
    },
    async removeMember(name) {
      if (running.node) return new Members(new Records(new FileBackend(dir.path))).remove(name);
      return (await admin(adminMemberPath(name), { method: "DELETE" })).status === 200;
    },
    async auditEntries() {
      if (running.node) return running.node.audit.read();
      return AuditAnswerSchema.parse((await admin(ADMIN_PATHS.audit)).body).entries as unknown as AuditLine[];
    },
    async checked() {
      await waitFor(async () => {
        const health = RelayHealthSchema.parse(JSON.parse(await (await fetch(`${running.url}/v1/health`)).text()));
        return health.sources.every((each) => each.checkedAt !== undefined || each.errorKind !== undefined);
      });
    },
    async checkNow() {
      const before = logs.filter(isCheckLine).length;
      expectStatus(await admin(ADMIN_PATHS.check, { method: "POST" }), 202);
      await waitFor(() => logs.filter(isCheckLine).length > before);
    },
    async restart(changes = {}) {
      await running.close();
      if (changes.source) {
        source = { ...source, ...changes.source };
        relay = await relayFor(source);
      }
      running = await relay.start();
    },
    async close() {
      await running.close();
      if (!options.fake) await fake.close();
      dir.remove();
    },
  };
  return stack;
}

const isCheckLine = (line: string) => /"event":"check(-crashed)?"/.test(line);

function expectStatus(answer: { status: number; body: unknown }, status: number): void {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(answer.body)}`);
}

interface Started {
  url: string;
  node: RunningRelay | undefined;
  close(): Promise<void>;
}

function nodeRelay(source: SourceConfig, dataDir: string, logs: string[], options: StackOptions): { start(): Promise<Started> } {
  const config: RelayConfig = { host: "127.0.0.1", port: 0, behindTlsProxy: false, trustedProxies: ["127.0.0.1"], dataDir, sources: [source], adminToken: ADMIN_TOKEN, ...options.config };
  return {
    async start() {
      const relay = await startRelay(config, { write: (line) => logs.push(line), ...options.start });
      return { url: relay.url, node: relay, close: () => relay.close() };
    },
  };
}

/** The same source as a config file's content, with the key inline (the Worker gets it as RELAY_CONFIG_JSON). */
async function workersRelay(source: SourceConfig, logs: string[], dataDir: string): Promise<{ start(): Promise<Started> }> {
  // Kept apart from the data folder, whose every byte a test scans for the key.
  const configPath = join(mkdtempSync(join(tmpdir(), "relay-config-")), "relay.json");
  writeFileSync(
    configPath,
    JSON.stringify({
      sources: [
        {
          id: source.id,
          label: source.label,
          apiKey: source.apiKey,
          baseUrl: source.baseUrl,
          linkedAccountIds: source.linkedAccountIds.length === 0 ? "all" : source.linkedAccountIds,
          intervalMinutes: source.intervalMinutes,
          requestsPerMinute: source.requestsPerMinute,
          webhookSignature: source.webhook.verify ? "required" : "off",
        },
      ],
    }),
  );
  const script = await workerBundle();
  return {
    async start() {
      const relay: WorkersRelay = await startWorkersRelay({ env: { RELAY_ADMIN_TOKEN: ADMIN_TOKEN }, configPath, port: 0, persistDir: join(dataDir, "workers"), script, write: (line) => logs.push(line) });
      return { url: relay.url, node: undefined, close: () => relay.close() };
    },
  };
}

/** Polls `condition` until it holds; fails after `limitMs` (a bound on a hang, not a timing claim). */
export async function waitFor(condition: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error("waitFor: the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
