import type { Context, Hono } from "hono";
import type { Fetch } from "../../../core/api/client.ts";
import type { AlertRules } from "../base/alerts-config.ts";
import type { SourceConfig } from "../base/config.ts";
import { errorName, type Logger, type LogThrottle } from "../base/log.ts";
import type { Channel } from "../alerts/channel.ts";
import { snapshotOf, type DeskProvider } from "../alerts/desk.ts";
import { AlertEngine } from "../alerts/engine.ts";
import { SourceRunner } from "../check/runner.ts";
import { Audit } from "../store/audit.ts";
import type { StoreBackend } from "../store/backend.ts";
import { Desk } from "../store/desk.ts";
import { Members } from "../store/members.ts";
import { Records } from "../store/records.ts";
import { loadStates, StateSaver } from "../store/state.ts";
import { createRelayApp, type RelayDeps } from "./app.ts";
import type { RelayEnv } from "./deps.ts";

/*
 * The relay put together from a store, the same on every runtime: its records (members, audit
 * log, last status) read before anything is served, one runner per source, and the HTTP API.
 * What differs by runtime comes in here: the backend (files or a Durable Object's SQLite), how the
 * runners are woken (a timer or an alarm), and where a request comes from. After each change of a
 * runner's state its last status is saved and its desk settled (what a fix ended goes).
 */

export interface RelayOptions {
  sources: readonly SourceConfig[];
  backend: StoreBackend;
  log: Logger;
  /** Throttles the lines anyone can cause; one over `log` unless given (the Node server flushes its own on close). */
  noise?: LogThrottle;
  fetch: Fetch;
  clientAddress(c: Context): string;
  /** The operator's admin token; without one the admin API is off. */
  adminToken?: string;
  limits?: Pick<RelayDeps, "authLimit" | "linkLimit" | "deskLimit">;
  /** Gzip for members who accept it: on Node; off on Workers, whose runtime compresses by itself. */
  compress?: boolean;
  now?(): number;
  /** Where each runner asks to be woken; default a timer in this process. */
  schedule?(sourceId: string, at: number | undefined): void;
  /** When each source's last full check started, for a runtime that keeps its schedule. */
  lastFullAt?: Readonly<Record<string, number>>;
  /** Where alerts go (channels made by the runtime) and by which rules; none without channels. */
  alerts?: { channels: readonly Channel[]; rules: AlertRules };
  /** Where the alerts ask to be woken; default a timer in this process. */
  scheduleAlerts?(at: number | undefined): void;
  /** More values never to write to storage (the alerts' URLs and secrets). */
  secrets?: readonly string[];
}

export interface Relay {
  app: Hono<RelayEnv>;
  runners: SourceRunner[];
  members: Members;
  audit: Audit;
  /** The team's desk: claims, team mutes, notes. */
  desk: Desk;
  records: Records;
  saver: StateSaver;
  /** The alerts, when any channel is configured. */
  alerts: AlertEngine | undefined;
  /** Starts every source's schedule. */
  start(): void;
  /** Stops the runners and writes what is pending. */
  close(): Promise<void>;
}

/**
 * Reads the members (refusing to start when their record is damaged, rather than answer every
 * member 401) and the last status, then builds the runners and the app. Nothing is served before
 * this resolves, so no token is checked against a list that is not loaded yet.
 */
export async function openRelay(options: RelayOptions): Promise<Relay> {
  const { log } = options;
  const secrets = [...options.sources.flatMap((source) => [source.apiKey, source.webhook.secret]), ...(options.secrets ?? [])];
  if (options.adminToken) secrets.push(options.adminToken);
  const records = new Records(options.backend, secrets);
  const members = new Members(records, (message) => log.error("members-unreadable", { message }));
  await members.load();
  const audit = new Audit(records);
  const saver = new StateSaver(records, log);
  const restored = await loadStates(records, log);
  const now = options.now ?? Date.now;
  const desk = await Desk.open(records, audit, log, options.sources.map((source) => source.id), now());
  const runners: SourceRunner[] = [];
  // The alerts read the desk's live part of each source when they decide.
  const alerts = await openAlerts(options, records, runners, () => snapshotOf(runners.map((runner) => ({ id: runner.id, desk: desk.live(runner, now()) }))));
  runners.push(
    ...makeRunners(options, restored, (runner) => {
      saver.scheduleSave(runners);
      const settled = desk.settle(runner, now()).catch((error: unknown) => log.error("desk-settle-failed", { source: runner.id, error: errorName(error) }));
      // The desk settles first, so the alerts read who was on a break when it ended.
      alerts?.checked(runner.id, settled);
    }),
  );
  const admin = options.adminToken ? { token: options.adminToken, members, audit } : undefined;
  const app = createRelayApp({
    runners,
    members,
    audit,
    log,
    clientAddress: options.clientAddress,
    ...options.limits,
    ...(options.noise && { noise: options.noise }),
    ...(options.compress !== undefined && { compress: options.compress }),
    ...(options.now && { now: options.now }),
    ...(admin && { admin }),
    ...(alerts && { alertsHealth: () => alerts.health() }),
    desk,
  });
  return {
    app,
    runners,
    members,
    audit,
    desk,
    records,
    saver,
    alerts,
    start: () => {
      runners.forEach((runner) => runner.start());
      alerts?.start();
    },
    async close() {
      await Promise.all(runners.map((runner) => runner.stop()));
      // What the last checks decided is written, and deliveries under way end, before the relay goes.
      await alerts?.stop();
      await desk.idle();
      await saver.flush();
    },
  };
}

/** One runner per source, from its restored state, each calling `changed` when its state changes. */
function makeRunners(options: RelayOptions, restored: Awaited<ReturnType<typeof loadStates>>, changed: (runner: SourceRunner) => void): SourceRunner[] {
  return options.sources.map((source) => {
    const schedule = options.schedule;
    const lastFullAt = options.lastFullAt?.[source.id];
    const runner: SourceRunner = new SourceRunner(
      source,
      {
        fetch: options.fetch,
        log: options.log,
        onChange: () => changed(runner),
        ...(options.now && { now: options.now }),
        ...(schedule && { schedule: (at: number | undefined) => schedule(source.id, at) }),
        ...(lastFullAt !== undefined && { lastFullAt }),
      },
      restored[source.id],
    );
    return runner;
  });
}

/** The alerts over the same records, reading the runners (filled in next); what was queued before is read now. */
async function openAlerts(options: RelayOptions, records: Records, runners: readonly SourceRunner[], desk: DeskProvider): Promise<AlertEngine | undefined> {
  if (!options.alerts || options.alerts.channels.length === 0) return undefined;
  const engine = new AlertEngine({
    records,
    channels: options.alerts.channels,
    rules: options.alerts.rules,
    sources: runners,
    log: options.log,
    desk,
    ...(options.now && { now: options.now }),
    ...(options.scheduleAlerts && { schedule: options.scheduleAlerts }),
  });
  await engine.load();
  return engine;
}
