import { serve, type ServerType } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Fetch } from "../../../core/api/client.ts";
import type { RelayDeps } from "../http/app.ts";
import { openRelay, type Relay } from "../http/relay.ts";
import { FileBackend } from "../store/file-backend.ts";
import { DESK } from "../store/desk.ts";
import { STATE } from "../store/state.ts";
import { ConfigError, type RelayConfig } from "../base/config.ts";
import { alertSecrets } from "../base/alerts-config.ts";
import { makeChannels } from "../alerts/channels.ts";
import { ALERTS } from "../alerts/record.ts";
import { smtpTransport } from "./smtp.ts";
import { listenProblem } from "./listen-guard.ts";
import { clientOf, formatIp, parseIp, TrustedProxies } from "../base/addresses.ts";
import { createLogger, LogThrottle, type Logger } from "../base/log.ts";

/** Files kept in the data folder (beside the config file unless configured otherwise). */
export function dataFiles(dataDir: string): { members: string; audit: string; state: string } {
  return { members: join(dataDir, "members.json"), audit: join(dataDir, "audit.log"), state: join(dataDir, "state.json") };
}

/**
 * How long a client may take. Node's defaults let a slow client hold a connection for minutes
 * (headers 60 s, a whole request 300 s, checked every 30 s): a few hundred slow sockets would
 * then hold the relay. A member's request and Cobalt's webhooks are small and sent at once.
 */
export interface ServerTimeouts {
  /** To send the request line and headers. */
  headersMs: number;
  /** To send the whole request, headers and body: the deadline for reading a body. */
  requestMs: number;
  /** Between two requests on a kept-alive connection. */
  keepAliveMs: number;
  /** With nothing sent either way, at any point (a client that stops reading its answer). */
  idleMs: number;
}

export const SERVER_TIMEOUTS: ServerTimeouts = { headersMs: 10_000, requestMs: 20_000, keepAliveMs: 5_000, idleMs: 120_000 };

export interface StartOptions {
  /** Where log lines go (default stdout); they are scrubbed of every configured key. */
  write?(line: string): void;
  fetch?: Fetch;
  /** Rate limit overrides (tests). */
  limits?: Pick<RelayDeps, "authLimit" | "linkLimit" | "deskLimit">;
  /** Shorter timeouts (tests). */
  timeouts?: Partial<ServerTimeouts>;
}

export interface RunningRelay extends Pick<Relay, "runners" | "members" | "audit" | "desk"> {
  /** http://host:port of the listening socket. */
  url: string;
  log: Logger;
  close(): Promise<void>;
}

/**
 * Starts the relay on Node: its records are files in the data folder (leftover temporary files
 * of a crash removed first), read before the port opens; then it checks every source on its
 * schedule and serves the API.
 */
export async function startRelay(config: RelayConfig, options: StartOptions = {}): Promise<RunningRelay> {
  const problem = listenProblem(config.host, config.behindTlsProxy);
  if (problem) throw new ConfigError(problem);
  const secrets = config.sources.flatMap((source) => [source.apiKey, source.webhook.secret]);
  if (config.adminToken) secrets.push(config.adminToken);
  const alertsSecrets = alertSecrets(config.alerts);
  const log = createLogger({ secrets: [...secrets, ...alertsSecrets], ...(options.write ? { write: options.write } : {}) });
  const backend = new FileBackend(config.dataDir);
  const removed = await backend.removeLeftovers([STATE.name, DESK.name, ALERTS.name]);
  if (removed.length > 0) log.info("leftovers-removed", { files: removed.length });
  const noise = new LogThrottle(log);
  const relay = await openRelay({
    sources: config.sources,
    backend,
    log,
    noise,
    fetch: options.fetch ?? fetch,
    clientAddress: clientAddressFor(config.trustedProxies),
    ...(config.adminToken && { adminToken: config.adminToken }),
    ...(options.limits && { limits: options.limits }),
    compress: true,
    ...(config.alerts && { alerts: { channels: makeChannels(config.alerts, fetch, smtpTransport), rules: config.alerts.rules }, secrets: alertsSecrets }),
  });

  const { server, port } = await listen(relay.app.fetch, config.host, config.port, { ...SERVER_TIMEOUTS, ...options.timeouts });
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  relay.start();
  log.info("listening", { url, sources: relay.runners.length, behindTlsProxy: config.behindTlsProxy, dataDir: config.dataDir, admin: config.adminToken !== undefined, alertChannels: relay.alerts ? config.alerts!.channels.length : 0 });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await relay.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
      // What was held back is said before the relay goes.
      noise.flush();
    })());
  return { url, runners: relay.runners, members: relay.members, audit: relay.audit, desk: relay.desk, log, close };
}

type Fetcher = (request: Request) => Response | Promise<Response>;

function listen(fetch: Fetcher, hostname: string, port: number, timeouts: ServerTimeouts): Promise<{ server: ServerType; port: number }> {
  const serverOptions = {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // How often the header and request deadlines are checked (Node's default, 30 s, would let a deadline run over by as much).
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, timeouts.headersMs / 4)),
  };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port, serverOptions }, (info: AddressInfo) => resolve({ server, port: info.port }));
    server.setTimeout(timeouts.idleMs);
    server.once("error", (error: NodeJS.ErrnoException) => reject(listenError(error, hostname, port)));
  });
}

/** A port or address that cannot be had is the operator's to change: said plainly, with the option that changes it. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const elsewhere = "(or RELAY_PORT, or listen.port in the config file)";
  if (error.code === "EADDRINUSE") return new ConfigError(`Port ${port} on ${host} is already in use (by another relay, or another program). Start the relay on another port with --port <n> ${elsewhere}.`);
  if (error.code === "EACCES") return new ConfigError(`This user may not listen on port ${port} (ports below 1024 need privileges). Choose another with --port <n> ${elsewhere}.`);
  if (error.code === "EADDRNOTAVAIL") return new ConfigError(`${host} is not an address of this machine. Listen on one of its addresses with --host <address> (or RELAY_HOST, or listen.host in the config file).`);
  return error;
}

/**
 * The address a request's rate limit is kept under. Behind proxies every request comes from the
 * nearest proxy, so X-Forwarded-For is believed, but only from the configured proxies (addresses
 * or CIDR ranges) and only as far as they vouch for it: it is read from the right, past every
 * trusted proxy (base/addresses.ts). Anyone else could write that header to dodge the limit.
 */
export function clientAddressFor(trustedProxies: readonly string[]): (c: Context) => string {
  const trusted = TrustedProxies.from(trustedProxies);
  return (c) => {
    let peer: string;
    try {
      const remote = getConnInfo(c).remote.address ?? "unknown";
      const ip = parseIp(remote);
      peer = ip ? formatIp(ip) : remote;
    } catch {
      peer = "unknown";
    }
    return clientOf(peer, c.req.header("x-forwarded-for"), trusted);
  };
}
