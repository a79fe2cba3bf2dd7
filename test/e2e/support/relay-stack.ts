import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../../src/relay/server/base/config.ts";
import { MemberStore } from "../../../src/relay/server/store/members.ts";
import { dataFiles, startRelay, type RunningRelay } from "../../../src/relay/server/node/server.ts";
import type { FakeCobalt } from "../../fake-cobalt/server.ts";

/*
 * The real team relay for end-to-end tests: configured the way `npm run relay` is (environment
 * variables read by its own loadConfig; a temporary data folder; a loopback port), started in this
 * process against the fake Cobalt server, with members added and removed by its own member code
 * (what `npm run relay -- add-member` / `remove-member` run). The browser reaches it through a
 * small recording front: every request the browser sends to the relay and every response it gets
 * back (status, headers, body) is kept, so a test can show what the browser saw.
 */

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
  relay: RunningRelay;
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
  auditLog(): string;
  logs: string[];
  /** Resolves once the relay's source satisfies `done` (polled; a bound on a hang, not a timing claim). */
  waitForRelay(done: (relay: RunningRelay) => boolean, limitMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startRelayStack(fake: FakeCobalt, key: string): Promise<RelayStack> {
  const dataDir = mkdtempSync(join(tmpdir(), "relay-e2e-"));
  const env = {
    COBALT_API_KEY: key,
    COBALT_BASE_URL: fake.origin,
    RELAY_SOURCE_ID: "team",
    RELAY_SOURCE_LABEL: "Team",
    RELAY_DATA_DIR: dataDir,
    // The relay checks Cobalt once at start and then only on webhooks during a test.
    RELAY_INTERVAL_MINUTES: "60",
    RELAY_REQUESTS_PER_MINUTE: "1200",
  };
  const logs: string[] = [];
  const relay = await startRelay(loadConfig({ env, port: 0 }), { write: (line) => logs.push(line) });
  const front = await startRecordingFront(relay.url);
  const members = () => new MemberStore(dataFiles(dataDir).members);
  const waitForRelay = async (done: (r: RunningRelay) => boolean, limitMs = 20_000) => {
    const end = Date.now() + limitMs;
    while (!done(relay)) {
      if (Date.now() > end) throw new Error("waitForRelay: the relay never reached the state");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitForRelay((r) => r.runners.every((runner) => runner.state.status.checkedAt !== undefined));
  return {
    relay,
    url: front.url,
    directUrl: relay.url,
    exchanges: front.exchanges,
    clearExchanges: front.clear,
    hold: front.hold,
    addMember: (name) => members().add(name),
    removeMember: (name) => members().remove(name),
    auditLog: () => readFileSync(dataFiles(dataDir).audit, "utf8"),
    logs,
    waitForRelay,
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
