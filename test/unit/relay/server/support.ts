import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RelayConfig, SourceConfig } from "../../../../src/relay/server/base/config.ts";
import { startRelay, type RunningRelay, type StartOptions } from "../../../../src/relay/server/node/server.ts";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../../../fake-cobalt/server.ts";

export const DEMO_KEY = "tk_demo_key";

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

export interface Recorded {
  url: string;
  status: number;
  headers: string;
  body: string;
}

export interface Stack {
  fake: FakeCobalt;
  relay: RunningRelay;
  dataDir: string;
  logs: string[];
  /** Every response the tests received from the relay, for the key-leak scan. */
  responses: Recorded[];
  call(path: string, init?: RequestInit & { token?: string }): Promise<{ status: number; headers: Headers; body: string }>;
  /** Resolves once every source has finished a check (success or failure). */
  checked(): Promise<void>;
  restart(changes?: Partial<RelayConfig>): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(
  options: { source?: Partial<SourceConfig>; config?: Partial<RelayConfig>; fake?: FakeCobalt; start?: StartOptions; keepDir?: string } = {},
): Promise<Stack> {
  const fake = options.fake ?? (await startFakeCobalt());
  if (!options.fake) seedDemoOrg(fake);
  const dir = options.keepDir ? { path: options.keepDir, remove: () => {} } : tempDir();
  const logs: string[] = [];
  const responses: Recorded[] = [];
  let config: RelayConfig = {
    host: "127.0.0.1",
    port: 0,
    behindTlsProxy: false,
    trustedProxies: ["127.0.0.1"],
    dataDir: dir.path,
    sources: [sourceConfig(fake.origin, options.source)],
    ...options.config,
  };
  const start = () => startRelay(config, { write: (line) => logs.push(line), ...options.start });
  let relay = await start();
  const stack: Stack = {
    fake,
    get relay() {
      return relay;
    },
    dataDir: dir.path,
    logs,
    responses,
    async call(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.token !== undefined) headers.set("authorization", `Bearer ${init.token}`);
      const response = await fetch(`${relay.url}${path}`, { ...init, headers });
      const body = await response.text();
      responses.push({ url: path, status: response.status, headers: JSON.stringify([...response.headers]), body });
      return { status: response.status, headers: response.headers, body };
    },
    async checked() {
      await waitFor(() => relay.runners.every((runner) => runner.state.status.checkedAt !== undefined || runner.state.status.error !== undefined));
    },
    async restart(changes = {}) {
      await relay.close();
      config = { ...config, ...changes };
      relay = await start();
    },
    async close() {
      await relay.close();
      if (!options.fake) await fake.close();
      dir.remove();
    },
  };
  return stack;
}

/** Polls `condition` until it holds; fails after `limitMs` (a bound on a hang, not a timing claim). */
export async function waitFor(condition: () => boolean | Promise<boolean>, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error("waitFor: the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
