/**
 * The relay on Workers, run on this machine in workerd (the Workers runtime, from npm): the
 * bundle `wrangler deploy` would upload (built with `--dry-run`), started through Miniflare's
 * Node API on 127.0.0.1 with the same environment variables as `npm run relay`. Offline: no
 * metrics, no `cf` data fetched, nothing asked of Cloudflare. Used by `npm run relay:workers` and
 * by the tests that run the relay on both runtimes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { loadConfig, type ConfigInput } from "../../src/relay/server/base/config.ts";

const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
export const WRANGLER_CONFIG = join(ROOT, "wrangler.jsonc");

/** Keeps wrangler and Miniflare quiet and offline wherever they are started. */
export const OFFLINE_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true" } as const;

/** The environment variables `npm run relay` reads that are the Worker's configuration too. */
const RELAY_VARIABLES = [
  "COBALT_API_KEY",
  "COBALT_BASE_URL",
  "COBALT_LINKED_ACCOUNT_IDS",
  "RELAY_SOURCE_ID",
  "RELAY_SOURCE_LABEL",
  "RELAY_INTERVAL_MINUTES",
  "RELAY_REQUESTS_PER_MINUTE",
  "RELAY_WEBHOOK_SIGNATURE",
  "RELAY_WEBHOOK_SECRET",
  "RELAY_ADMIN_TOKEN",
];

interface WranglerConfig {
  compatibility_date: string;
  compatibility_flags?: string[];
  durable_objects: { bindings: { name: string; class_name: string }[] };
}

/** wrangler.jsonc, whose comments are whole lines. */
export function wranglerConfig(): WranglerConfig {
  return JSON.parse(readJsonc(WRANGLER_CONFIG)) as WranglerConfig;
}

function readJsonc(path: string): string {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
}

/** Bundles the Worker as `wrangler deploy` would, into `outDir` (a new temporary folder by default); returns the script's path. */
export async function buildWorker(outDir = mkdtempSync(join(tmpdir(), "relay-workers-")), config = WRANGLER_CONFIG): Promise<string> {
  const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
  await promisify(execFile)(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outDir, "--config", config], {
    cwd: ROOT,
    env: { ...process.env, ...OFFLINE_ENV },
    maxBuffer: 16 * 1024 * 1024,
  });
  return join(outDir, `${basename(JSON.parse(readJsonc(config)).main as string, ".ts")}.js`);
}

export interface WorkersRelayOptions {
  /** The environment as `npm run relay` sees it (COBALT_API_KEY…, or RELAY_CONFIG). */
  env: Record<string, string | undefined>;
  configPath?: string;
  port?: number;
  /** Where the Durable Object's storage is kept across restarts. */
  persistDir: string;
  /** The bundle; built when not given. */
  script?: string;
  /** Each line the Worker logs (default: this process's stdout). */
  write?(line: string): void;
  /** Wake the relay once started (default), as the deployed Worker's cron trigger would. */
  wake?: boolean;
}

export interface WorkersRelay {
  url: string;
  miniflare: Miniflare;
  close(): Promise<void>;
}

/**
 * Starts the relay in workerd. The configuration is checked here first, by the relay's own
 * loadConfig, so a mistake is said before anything starts, in the same words as `npm run relay`.
 */
export async function startWorkersRelay(options: WorkersRelayOptions): Promise<WorkersRelay> {
  const input: ConfigInput = { env: options.env, ...(options.configPath !== undefined && { configPath: options.configPath }) };
  const config = loadConfig(input);
  const script = options.script ?? (await buildWorker());
  const wrangler = wranglerConfig();
  const write = options.write ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const miniflare = new Miniflare({
    host: "127.0.0.1",
    port: options.port ?? config.port,
    modules: true,
    scriptPath: script,
    // Module names are relative to this; the bundle may sit outside the working folder (a test's).
    modulesRoot: dirname(script),
    compatibilityDate: wrangler.compatibility_date,
    compatibilityFlags: wrangler.compatibility_flags ?? [],
    bindings: bindingsFor(options.env, options.configPath ?? options.env.RELAY_CONFIG),
    durableObjects: Object.fromEntries(wrangler.durable_objects.bindings.map((binding) => [binding.name, { className: binding.class_name, useSQLite: true }])),
    durableObjectsPersist: options.persistDir,
    cf: false,
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      for (const stream of [stdout, stderr]) createInterface({ input: stream }).on("line", write);
    },
  });
  const url = (await miniflare.ready).origin;
  // A Durable Object starts on its first request: wake the relay now, so it checks Cobalt at once
  // as `npm run relay` does (deployed, the cron trigger does this).
  if (options.wake !== false) await (await miniflare.dispatchFetch(`${url}/v1/health`)).arrayBuffer();
  return { url, miniflare, close: () => miniflare.dispose() };
}

/** The Worker's vars: the relay's variables that are set, the config file's content, and the variables it names. */
function bindingsFor(env: Record<string, string | undefined>, configPath: string | undefined): Record<string, string> {
  const names = new Set(RELAY_VARIABLES);
  const bindings: Record<string, string> = {};
  if (configPath) {
    const text = readFileSync(configPath, "utf8");
    bindings.RELAY_CONFIG_JSON = text;
    for (const match of text.matchAll(/"(?:apiKeyEnv|webhookSecretEnv)"\s*:\s*"([A-Za-z_][A-Za-z0-9_]*)"/g)) names.add(match[1]!);
  }
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") bindings[name] = value;
  }
  return bindings;
}
