import type { Context } from "hono";
import type { AuditLine, AuditLog } from "../store/audit.ts";
import type { Desk } from "../store/desk.ts";
import type { Members } from "../store/members.ts";
import type { Logger, LogThrottle } from "../base/log.ts";
import type { SourceRunner } from "../check/runner.ts";
import type { AlertsHealth } from "../alerts/engine.ts";

/** What the HTTP handler is given: everything tied to a runtime (files, sockets, the clock) comes in here. */
export interface RelayDeps {
  runners: readonly SourceRunner[];
  members: { verify(token: string): Promise<string | undefined> };
  audit: AuditLog;
  /** The address rate limits are kept by: the peer, or what a trusted proxy says it is. */
  clientAddress(c: Context): string;
  log: Logger;
  /** Lines anyone can cause without a token or a signature, throttled; one over `log` unless given (the Node server flushes its own on close). */
  noise?: LogThrottle;
  now?(): number;
  /** Rejected tokens per address: `capacity` at once, refilled at `perMinute`. */
  authLimit?: { capacity: number; perMinute: number };
  /** Reconnect links per member (each costs Cobalt requests). */
  linkLimit?: { capacity: number; perMinute: number };
  /**
   * Gzip the status and healthy apps for members who accept it. On for Node. Off where the
   * runtime compresses by itself (Cloudflare Workers: the edge, and Miniflare locally, gzip
   * by Accept-Encoding): compressing here too would send gzip of gzip.
   */
  compress?: boolean;
  /** The admin API, when the operator set an admin token; absent, it answers admin-off. */
  admin?: AdminDeps;
  /** How the alert channels are doing, for /v1/health; absent without channels. */
  alertsHealth?(): AlertsHealth;
  /** The team's desk (claims, team mutes, notes); without it the status names no member and /v1/desk is not found. */
  desk?: Desk;
  /** Changes on the desk per member (each is written and audited). */
  deskLimit?: { capacity: number; perMinute: number };
}

export interface AdminDeps {
  token: string;
  members: Pick<Members, "list" | "add" | "remove">;
  audit: { read(): Promise<AuditLine[]> };
}

/** What a request carries between handlers: the member its token names, once the token is verified. */
export type RelayEnv = { Variables: { member: string } };

/** The deps as the routes use them, with what createRelayApp fills in. */
export type AppDeps = RelayDeps & { noise: LogThrottle };
