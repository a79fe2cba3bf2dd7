import { serve, type ServerType } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Fetch } from "../../../core/api/client.ts";
import { createRelayApp, type RelayDeps } from "../http/app.ts";
import { FileAuditLog } from "../store/audit.ts";
import { ConfigError, type RelayConfig } from "../base/config.ts";
import { listenProblem } from "./listen-guard.ts";
import { createLogger, type Logger } from "../base/log.ts";
import { MemberStore } from "../store/members.ts";
import { SourceRunner } from "../check/runner.ts";
import { StateFile } from "../store/state-file.ts";

/** Files kept in the data folder (beside the config file unless configured otherwise). */
export function dataFiles(dataDir: string): { members: string; audit: string; state: string } {
  return { members: join(dataDir, "members.json"), audit: join(dataDir, "audit.log"), state: join(dataDir, "state.json") };
}

export interface StartOptions {
  /** Where log lines go (default stdout); they are scrubbed of every configured key. */
  write?(line: string): void;
  fetch?: Fetch;
  /** Rate limit overrides (tests). */
  limits?: Pick<RelayDeps, "authLimit" | "linkLimit">;
}

export interface RunningRelay {
  /** http://host:port of the listening socket. */
  url: string;
  runners: SourceRunner[];
  members: MemberStore;
  audit: FileAuditLog;
  log: Logger;
  close(): Promise<void>;
}

/** Starts the relay on Node: checks every source on its schedule and serves the API. */
export async function startRelay(config: RelayConfig, options: StartOptions = {}): Promise<RunningRelay> {
  const problem = listenProblem(config.host, config.behindTlsProxy);
  if (problem) throw new ConfigError(problem);
  const secrets = config.sources.flatMap((source) => [source.apiKey, source.webhook.secret]);
  const log = createLogger({ secrets, ...(options.write ? { write: options.write } : {}) });
  const files = dataFiles(config.dataDir);
  const stateFile = new StateFile(files.state, log);
  const restored = stateFile.load();
  const runners: SourceRunner[] = [];
  for (const source of config.sources) {
    const runner = new SourceRunner(source, { fetch: options.fetch ?? fetch, log, onChange: () => stateFile.scheduleSave(runners) }, restored[source.id]);
    runners.push(runner);
  }
  const members = new MemberStore(files.members, (message) => log.warn("members-unreadable", { message }));
  const audit = new FileAuditLog(files.audit);
  const app = createRelayApp({ runners, members, audit, log, clientAddress: clientAddressFor(config.trustedProxies), compress: true, ...options.limits });

  const { server, port } = await listen(app.fetch, config.host, config.port);
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  for (const runner of runners) runner.start();
  log.info("listening", { url, sources: runners.length, behindTlsProxy: config.behindTlsProxy, dataDir: config.dataDir });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await Promise.all(runners.map((runner) => runner.stop()));
      await stateFile.flush();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
    })());
  return { url, runners, members, audit, log, close };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, hostname: string, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port }, (info: AddressInfo) => resolve({ server, port: info.port }));
    server.once("error", reject);
  });
}

/**
 * The address a request's rate limit is kept under. Behind a proxy every request comes from the
 * proxy, so its X-Forwarded-For (the last entry: the one the proxy itself added) is believed, but
 * only from the configured proxies: anyone else could write that header to dodge the limit.
 */
export function clientAddressFor(trustedProxies: readonly string[]): (c: Context) => string {
  const trusted = new Set(trustedProxies.map(normalizeAddress));
  return (c) => {
    let peer: string;
    try {
      peer = normalizeAddress(getConnInfo(c).remote.address ?? "unknown");
    } catch {
      peer = "unknown";
    }
    if (!trusted.has(peer)) return peer;
    const forwarded = c.req.header("x-forwarded-for")?.split(",").map((part) => part.trim()).filter((part) => part !== "");
    return forwarded && forwarded.length > 0 ? normalizeAddress(forwarded[forwarded.length - 1]!) : peer;
  };
}

function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith("::ffff:") && lower.includes(".") ? lower.slice(7) : lower;
}
