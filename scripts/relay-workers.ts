/**
 * `npm run relay:workers`: the relay as it runs on Cloudflare Workers, locally in workerd and
 * offline, on 127.0.0.1, with the same environment variables as `npm run relay` (or --config).
 * Its Durable Object's storage (members, audit log, last status) is kept in the data folder's
 * `workers/` so it survives a restart. Members: `npm run relay -- add-member <name> --relay <url>`
 * with RELAY_ADMIN_TOKEN set for both.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, resolveDataDir } from "../src/relay/server/base/config.ts";
import { buildWorker, OFFLINE_ENV, startWorkersRelay } from "./lib/workers-relay.ts";

const USAGE = `Usage: npm run relay:workers -- [--config file] [--port n]

Runs the relay in workerd (the Cloudflare Workers runtime) on 127.0.0.1, offline, with the same
environment variables as npm run relay (COBALT_API_KEY, COBALT_BASE_URL, COBALT_LINKED_ACCOUNT_IDS,
RELAY_SOURCE_ID, RELAY_SOURCE_LABEL, RELAY_PORT, RELAY_ADMIN_TOKEN…) or a config file.`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { config: { type: "string" }, port: { type: "string" }, help: { type: "boolean", short: "h" } } });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  Object.assign(process.env, OFFLINE_ENV);
  const env: Record<string, string | undefined> = { ...process.env, ...(values.port !== undefined && { RELAY_PORT: values.port }) };
  const configPath = values.config ?? env.RELAY_CONFIG;
  const dataDir = resolveDataDir({ env, ...(configPath !== undefined && { configPath }) });
  const script = await buildWorker(join(process.cwd(), "dist", "relay-workers"));
  const relay = await startWorkersRelay({ env, persistDir: join(dataDir, "workers"), script, ...(configPath !== undefined && { configPath }) });
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: "info", event: "listening", url: relay.url, runtime: "workerd", dataDir: join(dataDir, "workers") })}\n`);
  const stop = () => void relay.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return new Promise<number>(() => {});
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : `The relay could not start in workerd: ${error instanceof Error ? error.name : "error"}`}\n`);
    process.exit(1);
  },
);
