import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RelayHealthyAppsSchema, RelayStatusSchema, type RelayStatus } from "../../../src/relay/protocol/v1.ts";
import { loadConfig, type SourceConfig } from "../../../src/relay/server/base/config.ts";
import { runMemberCommand } from "../../../src/relay/server/node/admin-commands.ts";
import { startRelay } from "../../../src/relay/server/node/server.ts";
import { buildWorker, startWorkersRelay } from "../../../scripts/lib/workers-relay.ts";
import type { FakeCobalt } from "../../fake-cobalt/server.ts";

/*
 * The real team relay for end-to-end tests, on either runtime: on Node, started in this process
 * the way `npm run relay` starts it; on Workers, the bundle `wrangler deploy` uploads, in workerd
 * through Miniflare (what `npm run relay:workers` runs). Both are configured by the same
 * environment variables (read by the relay's own loadConfig), against the fake Cobalt server.
 * Members are added and removed by the relay's own member commands: on Node on the data folder
 * (`npm run relay -- add-member`), on Workers through the admin API (`… --relay <url>`). The
 * browser reaches the relay through a small recording front: every request the browser sends to
 * the relay and every response it gets back (status, headers, body) is kept, so a test can show
 * what the browser saw.
 */

export type Runtime = "node" | "workers";
export const RUNTIMES: readonly Runtime[] = ["node", "workers"];

const ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef012345";

export interface Exchange {
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

export interface RelayStack {
  runtime: Runtime;
  /** The relay's one source, as it was configured. */
  source: SourceConfig;
  /** The URL the browser is given: the recording front of the relay. */
  url: string;
  /** The relay's own URL (webhooks are posted there, as Cobalt would). */
  directUrl: string;
  exchanges(): Exchange[];
  clearExchanges(): void;
  /** Holds the browser's requests whose path starts with `prefix` at the front until the returned function is called. */
  hold(prefix: string): () => void;
  addMember(name: string): Promise<string>;
  removeMember(name: string): Promise<boolean>;
  /** The audit log, one JSON object a line, as `npm run relay -- audit` prints it. */
  auditLog(): Promise<string>;
  logs: string[];
  /** What the relay serves of its one source, in full, asked directly (not through the front): its accounts and healthy apps. */
  served(): Promise<{ status: { accounts: { id: string; name?: string }[] }; healthy: Record<string, { name: string }[]> }>;
  /** Resolves once the relay serves a status that satisfies `done` (polled; a bound on a hang, not a timing claim). */
  waitForStatus(done: (status: RelayStatus) => boolean, limitMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRelayStack(fake: FakeCobalt, key: string, runtime: Runtime = "node"): Promise<RelayStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "relay-e2e-"));
  const env = {
    COBALT_API_KEY: key,
    COBALT_BASE_URL: fake.origin,
    RELAY_SOURCE_ID: "team",
    RELAY_SOURCE_LABEL: "Team",
    RELAY_DATA_DIR: dataDir,
    RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
    // The relay checks Cobalt once at start and then only on webhooks during a test.
    RELAY_INTERVAL_MINUTES: "60",
    RELAY_REQUESTS_PER_MINUTE: "1200",
  };
  const logs: string[] = [];
  const source = loadConfig({ env }).sources[0]!;
  const relay =
    runtime === "node"
      ? await startRelay(loadConfig({ env, port: 0 }), { write: (line) => logs.push(line) })
      : await startWorkersRelay({ env, port: 0, persistDir: join(dataDir, "workers"), script: await buildWorker(), write: (line) => logs.push(line) });
  const front = await startRecordingFront(relay.url);
  const printed: string[] = [];
  const out = { say: (text: string) => void printed.push(text), complain: (text: string) => void printed.push(text) };
  const target = runtime === "node" ? { dataDir } : { relay: relay.url, adminToken: ADMIN_TOKEN };
  const command = async (name: "add-member" | "remove-member" | "audit", member?: string) => {
    printed.length = 0;
    const code = await runMemberCommand(name, member, target, out);
    return { code, text: printed.join("\n") };
  };
  const tokenIn = (text: string) => {
    const token = /cirelay_\S+/.exec(text)?.[0];
    if (!token) throw new Error(`add-member printed no token: ${text}`);
    return token;
  };
  const probe = tokenIn((await command("add-member", "e2e-probe")).text);
  const waitForStatus = async (done: (status: RelayStatus) => boolean, limitMs = 20_000) => {
    const end = Date.now() + limitMs;
    for (;;) {
      const response = await fetch(`${relay.url}/v1/status`, { headers: { authorization: `Bearer ${probe}` } });
      if (response.ok && done(RelayStatusSchema.parse(await response.json()))) return;
      if (Date.now() > end) throw new Error("waitForStatus: the relay never served such a status");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitForStatus((status) => status.sources.every((each) => each.checkedAt !== undefined));
  return {
    runtime,
    source,
    url: front.url,
    directUrl: relay.url,
    exchanges: front.exchanges,
    clearExchanges: front.clear,
    hold: front.hold,
    addMember: async (name) => tokenIn((await command("add-member", name)).text),
    removeMember: async (name) => (await command("remove-member", name)).code === 0,
    auditLog: async () => (await command("audit")).text,
    logs,
    waitForStatus,
    async served() {
      const ask = async (path: string) => (await fetch(`${relay.url}${path}`, { headers: { authorization: `Bearer ${probe}` } })).json();
      const status = RelayStatusSchema.parse(await ask("/v1/status"));
      const healthy = RelayHealthyAppsSchema.parse(await ask("/v1/healthy-apps"));
      return { status: { accounts: status.sources[0]!.accounts }, healthy: healthy.sources[0]!.accounts };
    },
    async close() {
      await front.close();
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function flat(headers: Headers | http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [name, value] of entries) if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

/** A reverse proxy on 127.0.0.1 that forwards to `target` and records each exchange whole. */
async function startRecordingFront(target: string): Promise<{ url: string; exchanges(): Exchange[]; clear(): void; hold(prefix: string): () => void; close(): Promise<void> }> {
  let log: Exchange[] = [];
  const held = new Map<string, Promise<void>>();
  const hold = (prefix: string) => {
    let release = () => {};
    held.set(prefix, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      held.delete(prefix);
      release();
    };
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      for (const [prefix, gate] of held) if ((req.url ?? "").startsWith(prefix)) await gate;
      const requestBody = Buffer.concat(chunks).toString("utf8");
      const headers = flat(req.headers);
      delete headers.host;
      delete headers.connection;
      const method = req.method ?? "GET";
      void fetch(`${target}${req.url ?? "/"}`, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : requestBody, redirect: "manual" }).then(
        async (response) => {
          const responseBody = await response.text();
          const responseHeaders = flat(response.headers);
          log.push({ method, path: req.url ?? "/", requestHeaders: flat(req.headers), requestBody, status: response.status, responseHeaders, responseBody });
          delete responseHeaders["content-encoding"];
          delete responseHeaders["content-length"];
          delete responseHeaders["transfer-encoding"];
          res.writeHead(response.status, responseHeaders).end(responseBody);
        },
        () => res.socket?.resetAndDestroy(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges: () => [...log],
    clear: () => {
      log = [];
    },
    hold,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
