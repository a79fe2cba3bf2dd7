import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, resolveDataDir, type ConfigInput, type RelayConfig } from "../base/config.ts";
import { scrub } from "../base/log.ts";
import { FileLockedError } from "../base/files.ts";
import { MembersFileError } from "../store/members.ts";
import { StoreFormatError } from "../store/records.ts";
import { AdminCommandError, runMemberCommand, type MemberCommand } from "./admin-commands.ts";
import { registerWebhook } from "./register-webhook.ts";
import { startRelay } from "./server.ts";

/*
 * `npm run relay -- <command>` from source, `node relay.mjs <command>` as bundled:
 *   (none) | serve [--config file] [--host h] [--port n] [--behind-tls-proxy]
 *   add-member <name> | remove-member <name> | list-members | audit  [--relay url]
 *   check [--source id] --relay url
 *   register-webhook <public URL> [--source id]
 *   --help | --version
 */

/** Set by `npm run relay:build` (vite.relay.config.ts) in the bundle; absent when run from source. */
declare const __RELAY_BUNDLE__: { version: string; command: string } | undefined;
const BUNDLE = typeof __RELAY_BUNDLE__ === "undefined" ? undefined : __RELAY_BUNDLE__;

/** How this relay is run, for the usage and the hints: the bundle (as in the container) has no npm script. */
const RELAY = BUNDLE?.command ?? "npm run relay --";

function version(): string {
  if (BUNDLE) return BUNDLE.version;
  const manifest = JSON.parse(readFileSync(new URL("../../../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "unknown";
}

const USAGE = `Usage: ${RELAY} [command] [options]

Commands:
  serve (default)                Check Cobalt and serve the team API
  add-member <name>              Add a member; prints their token once
  remove-member <name>           Revoke a member's token at once
  list-members                   List members (names and when added)
  audit                          Print the audit log, one JSON object a line
  check                          Ask a running relay to check Cobalt now (needs --relay)
  register-webhook <public URL>  Register the relay's webhook with Cobalt, per source

Options:
  --config <file>      JSON config file (or RELAY_CONFIG); without one, COBALT_API_KEY etc.
  --host <address>     Listen address (default 127.0.0.1, or RELAY_HOST)
  --port <n>           Listen port (default 8788, or RELAY_PORT)
  --behind-tls-proxy   A reverse proxy terminates HTTPS in front of the relay (RELAY_BEHIND_TLS_PROXY=1)
  --source <id>        register-webhook, check: only this source
  --relay <url>        Member commands, audit and check on a running relay (Node or Workers) through
                       its admin API, with the token in RELAY_ADMIN_TOKEN; without it, this machine's data folder
  --help, -h           This help
  --version            The relay's version`;

const OPTIONS = {
  config: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  "behind-tls-proxy": { type: "boolean" },
  source: { type: "string" },
  relay: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

function parseOptions(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
}

/** The CLI's output: plain text for a person at a terminal (the relay itself logs JSON lines). */
const say = (text: string) => void process.stdout.write(`${text}\n`);
const complain = (text: string) => void process.stderr.write(`${text}\n`);

/** Keys of the loaded configuration: scrubbed from any message this process prints. */
const secrets: string[] = [];

function load(input: ConfigInput): RelayConfig {
  const config = loadConfig(input);
  for (const source of config.sources) secrets.push(source.apiKey, source.webhook.secret);
  return config;
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    // An unknown option, or one without its value: a usage error, like an unknown command.
    if (!(error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) throw error;
    complain(`${error.message.split(". ")[0]!.replace(/\.?$/, ".")}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    say(USAGE);
    return 0;
  }
  if (values.version) {
    say(version());
    return 0;
  }
  const [command = "serve", ...args] = positionals;
  const input: ConfigInput = { env: process.env };
  if (values.config !== undefined) input.configPath = values.config;
  if (values.host !== undefined) input.host = values.host;
  if (values.port !== undefined) input.port = portArg(values.port);
  if (values["behind-tls-proxy"]) input.behindTlsProxy = true;

  switch (command) {
    case "serve":
      return serveCommand(input);
    case "add-member":
    case "remove-member":
    case "list-members":
    case "audit":
    case "check": {
      const target = values.relay !== undefined ? { relay: values.relay, adminToken: process.env.RELAY_ADMIN_TOKEN } : { dataDir: resolveDataDir(input) };
      return runMemberCommand(command as MemberCommand, args[0], target, { say, complain, command: RELAY }, values.source);
    }
    case "register-webhook":
      return registerCommand(args[0], values.source, input);
    default:
      // Named back only when it reads as a command: a pasted key would be printed otherwise.
      complain(`${/^[a-z][a-z-]{0,30}$/i.test(command) ? `Unknown command "${command}".` : "Unknown command."}\n\n${USAGE}`);
      return 2;
  }
}

async function serveCommand(input: ConfigInput): Promise<number> {
  const config = load(input);
  const relay = await startRelay(config);
  const stop = () => {
    relay.log.info("stopping", {});
    void relay.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return new Promise<number>(() => {});
}

async function registerCommand(publicUrl: string | undefined, only: string | undefined, input: ConfigInput): Promise<number> {
  if (!publicUrl) {
    complain(`Give the relay's public HTTPS address: ${RELAY} register-webhook https://relay.example.com`);
    return 2;
  }
  const config = load(input);
  const sources = only === undefined ? config.sources : config.sources.filter((source) => source.id === only);
  if (sources.length === 0) {
    complain(`No source "${only}" in the configuration.`);
    return 2;
  }
  let failures = 0;
  for (const source of sources) {
    try {
      const registration = await registerWebhook(source, publicUrl, fetch);
      say(`${source.id}: registered ${registration.webhookUrl} for ${registration.events.join(", ")}.`);
    } catch (error) {
      failures++;
      complain(`${source.id}: ${scrub(error instanceof Error ? error.message : String(error), secrets)}`);
    }
  }
  return failures === 0 ? 0 : 1;
}

function portArg(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError("--port must be a port number (0 to 65535).");
  return port;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ConfigError || error instanceof MembersFileError || error instanceof FileLockedError || error instanceof StoreFormatError || error instanceof AdminCommandError) complain(message);
    else complain(`The relay stopped: ${scrub(message, secrets)}`);
    process.exit(1);
  },
);
