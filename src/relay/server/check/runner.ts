import type { Fetch } from "../../../core/api/client.ts";
import { stopsWholeCheck, toApiError, type ApiError, type ErrorKind } from "../../../core/api/errors.ts";
import { runCheck } from "../../../core/check/run.ts";
import { reconnectLink, type ReconnectLink } from "../../../core/api/reconnect.ts";
import { keyEnvironment, type KeyEnvironment } from "../../../core/settings/source-ids.ts";
import { sourceKey } from "../../../core/settings/fingerprint.ts";
import { type CheckSettings } from "../../../core/settings/model.ts";
import { EMPTY_STATUS, type HealthyApps, type Status } from "../../../core/status/model.ts";
import { meteredClient, type FailureDetail, type MeteredClient } from "./cobalt.ts";
import type { SourceConfig } from "../base/config.ts";
import { errorName, type Logger } from "../base/log.ts";
import { mergeAccounts, mergeHealthy, trackSince, type Since } from "./merge.ts";
import { BudgetFullError, RequestWindow } from "./request-window.ts";
import { fullCheckDueIn, recheckDue } from "./schedule.ts";
import { SignatureVerifier } from "./webhook.ts";

const MAX_PENDING = 10_000;
/**
 * How long a member's reconnect link may wait for its turn in the request budget. The extension
 * gives up on the relay after 20 s, and Cobalt still has to answer after the wait.
 */
export const LINK_MAX_WAIT_MS = 10_000;

export interface SourceState {
  status: Status;
  healthy: HealthyApps;
  since: Since;
}

export interface RunnerOptions {
  fetch: Fetch;
  log: Logger;
  /** The state changed: serve it, persist it. */
  onChange(): void;
  now?(): number;
  random?(): number;
  /**
   * Asks for runDue() at `at` (ms since the epoch; undefined: nothing is due), replacing the last
   * request. Default: a timer in this process (Node). On Workers, the Durable Object's alarm.
   */
  schedule?(at: number | undefined): void;
  /** When the last full check started, kept by a runtime that is restarted on its own (Workers). */
  lastFullAt?: number;
}

export type LinkOutcome =
  | { ok: true; link: ReconnectLink }
  | { ok: false; refused: "unknown-account" | "app-not-reauth" }
  /** The request budget has no room soon enough: ask again after this long. */
  | { ok: false; busy: { retryAfterMs: number } }
  | { ok: false; failed: ApiError };

export type SourceHealth = {
  id: string;
  ok: boolean;
  checkedAt?: number;
  errorKind?: ErrorKind;
};

/**
 * One configured source: checks Cobalt on its interval with the core's runCheck (one full check
 * at a time, backoff and Retry-After honoured through the core's schedule), re-checks single
 * linked accounts when webhook events say they changed, and makes reconnect links. Everything it
 * asks Cobalt goes through one request window, the source's budget.
 *
 * Webhook re-checks have their own lane, so an event is acted on within seconds even while a
 * full check of a large org takes minutes; when that full check ends, accounts re-checked after
 * it started keep the newer data.
 */
export class SourceRunner {
  readonly config: SourceConfig;
  readonly settings: CheckSettings;
  readonly environment: KeyEnvironment;
  readonly verifier: SignatureVerifier;
  readonly #options: RunnerOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #window: RequestWindow;
  readonly #client: MeteredClient;
  readonly #abort = new AbortController();
  readonly #details = new Map<string, FailureDetail>();
  readonly #pending = new Map<string, number>();
  readonly #targetedAt = new Map<string, number>();
  readonly #targetedDone = new Map<string, number>();
  #state: SourceState;
  #version = 0;
  #lastFullAt: number;
  #full: Promise<void> | undefined;
  #targeted: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  /** An admin asked for a full check (`npm run relay -- check`). */
  #requested = false;
  readonly #schedule: (at: number | undefined) => void;

  constructor(config: SourceConfig, options: RunnerOptions, restored?: SourceState) {
    this.config = config;
    this.settings = {
      apiKey: config.apiKey,
      baseUrl: config.baseUrl,
      linkedAccountIds: config.linkedAccountIds,
      intervalMinutes: config.intervalMinutes,
      requestsPerMinute: config.requestsPerMinute,
    };
    this.environment = keyEnvironment(config.apiKey);
    this.verifier = new SignatureVerifier(config.webhook.secret);
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#window = new RequestWindow(config.requestsPerMinute, this.#now, this.#sleep);
    const fetch: Fetch = (url, init) => {
      if (this.#abort.signal.aborted) return Promise.reject(new DOMException("The relay is stopping.", "AbortError"));
      return options.fetch(url, { ...init, signal: anySignal(init.signal, this.#abort.signal) });
    };
    this.#client = meteredClient({ baseUrl: config.baseUrl, apiKey: config.apiKey, fetch, now: this.#now }, this.#window, (id, detail) => {
      if (detail) this.#details.set(id, detail);
      else this.#details.delete(id);
    });
    // Data persisted for other settings (another key, other accounts) is not this source's.
    const own = restored && restored.status.source === sourceKey(this.settings) ? restored : undefined;
    this.#state = own ?? { status: EMPTY_STATUS, healthy: {}, since: {} };
    // A restart is an admin's act: a source that was failing is tried again at once (except
    // while Cobalt's Retry-After runs); a healthy one waits out its interval from the last check.
    // A runtime that restarts by itself (a Durable Object woken by an alarm) says when it last began.
    this.#lastFullAt = options.lastFullAt ?? (own?.status.error ? 0 : (own?.status.checkedAt ?? 0));
    this.#schedule = options.schedule ?? this.#timerAt;
  }

  get id(): string {
    return this.config.id;
  }

  /** Changes whenever the state does; the status view caches on it. */
  get version(): number {
    return this.#version;
  }

  get state(): SourceState {
    return this.#state;
  }

  /** Cobalt requests made since start (checks, re-checks and links). */
  get requests(): number {
    return this.#window.total;
  }

  /** When the last full check started (0: none since start), for a runtime that keeps its schedule. */
  get lastFullAt(): number {
    return this.#lastFullAt;
  }

  /** Whether a check or re-check is under way. */
  get busy(): boolean {
    return this.#full !== undefined || this.#targeted !== undefined;
  }

  /** Status code and Retry-After of the latest failure for an account ("" for the listing). */
  detail(accountId: string): FailureDetail | undefined {
    return this.#details.get(accountId);
  }

  lastFailure(): FailureDetail | undefined {
    const kind = this.#state.status.error?.kind;
    if (!kind) return undefined;
    for (const detail of this.#details.values()) if (detail.kind === kind) return detail;
    return undefined;
  }

  start(): void {
    this.#started = true;
    this.#plan();
  }

  /** Stops scheduling, cancels waits and requests in flight, and waits for running checks to end. */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#schedule(undefined);
    this.#abort.abort();
    await Promise.allSettled([this.#full, this.#targeted]);
  }

  /** Runs a full check now (after the one under way, if any). For tests, the bench and the CLI. */
  async checkNow(): Promise<void> {
    if (this.#full) await this.#full;
    this.#lastFullAt = 0;
    this.#full = this.#runFull().finally(() => {
      this.#full = undefined;
      this.#plan();
    });
    await this.#full;
  }

  /** A full check as soon as the schedule runs (an admin asked): unlike checkNow, it runs where scheduled work runs. */
  requestCheck(): void {
    this.#requested = true;
    this.#plan();
  }

  /**
   * A webhook event says this linked account changed. Known accounts are queued for a re-check;
   * an unknown one only when the event was signed and the source watches every account (a new
   * customer). Returns whether it was queued.
   */
  hint(accountId: string, signed: boolean): boolean {
    if (this.#abort.signal.aborted) return false;
    const explicit = this.settings.linkedAccountIds.length > 0;
    const known = explicit ? this.settings.linkedAccountIds.includes(accountId) : this.#state.status.accounts.some((a) => a.id === accountId);
    if (!known && (explicit || !signed)) return false;
    if (!this.#pending.has(accountId)) {
      if (this.#pending.size >= MAX_PENDING) return false;
      this.#pending.set(accountId, this.#now());
    }
    this.#plan();
    return true;
  }

  /**
   * A reconnect link for an app the relay currently lists as needing re-authentication, made
   * within the request budget like every request: refused at once when the budget has no room
   * for it (one request for an OAuth app, two for the portal) within LINK_MAX_WAIT_MS.
   */
  async link(accountId: string, slug: string): Promise<LinkOutcome> {
    const account = this.#state.status.accounts.find((a) => a.id === accountId);
    if (!account) return { ok: false, refused: "unknown-account" };
    const app = account.reauth.find((a) => a.slug === slug);
    if (!app) return { ok: false, refused: "app-not-reauth" };
    const waitMs = this.#window.urgentWaitMs(app.authType === "oauth2" ? 1 : 2);
    if (waitMs > LINK_MAX_WAIT_MS) return { ok: false, busy: { retryAfterMs: waitMs } };
    try {
      return { ok: true, link: await reconnectLink(this.#client.forLink(this.#now() + LINK_MAX_WAIT_MS), app, accountId) };
    } catch (error) {
      if (error instanceof BudgetFullError) return { ok: false, busy: { retryAfterMs: error.waitMs } };
      return { ok: false, failed: toApiError(error) };
    }
  }

  health(): SourceHealth {
    const { status } = this.#state;
    const health: SourceHealth = { id: this.id, ok: status.checkedAt !== undefined && !status.error };
    if (status.checkedAt !== undefined) health.checkedAt = status.checkedAt;
    if (status.error) health.errorKind = status.error.kind;
    return health;
  }

  /**
   * Starts what is due now (a webhook re-check, a full check) and asks to be called again when
   * the rest is due. Resolves when the work it started has ended, so a runtime that must stay
   * awake for it (a Durable Object's alarm) can wait.
   */
  runDue(): Promise<void> {
    if (!this.#started) return Promise.resolve();
    const now = this.#now();
    if (!this.#targeted && this.#pending.size > 0) {
      const due = recheckDue(this.settings, this.#state.status, this.#pending, this.#targetedAt, now);
      if (due.ids.length > 0) {
        this.#targeted = this.#runTargeted(due.ids).finally(() => {
          this.#targeted = undefined;
          this.#plan();
        });
      }
    }
    if (!this.#full && fullCheckDueIn(this.settings, this.#state.status, this.#lastFullAt, now, this.#requested) <= 0) {
      this.#full = this.#runFull().finally(() => {
        this.#full = undefined;
        this.#plan();
      });
    }
    this.#plan();
    return this.idle();
  }

  /** Resolves when no check or re-check is under way (those running now have ended). */
  async idle(): Promise<void> {
    await Promise.allSettled([this.#full, this.#targeted]);
  }

  /** When runDue should run next: now, later, or never (nothing is due and nothing waits). */
  #plan(): void {
    if (!this.#started) return;
    const now = this.#now();
    let wait = Infinity;
    if (!this.#targeted && this.#pending.size > 0) {
      const due = recheckDue(this.settings, this.#state.status, this.#pending, this.#targetedAt, now);
      wait = due.ids.length > 0 ? 0 : due.waitMs;
    }
    if (!this.#full) wait = Math.min(wait, Math.max(0, fullCheckDueIn(this.settings, this.#state.status, this.#lastFullAt, now, this.#requested)));
    this.#schedule(wait === Infinity ? undefined : now + wait);
  }

  /** The schedule on Node: a timer in this process. */
  readonly #timerAt = (at: number | undefined): void => {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (at === undefined || !this.#started) return;
    const wait = Math.max(0, Math.min(at - this.#now(), 2 ** 31 - 1));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.runDue();
    }, wait);
  };

  async #runFull(): Promise<void> {
    const started = this.#now();
    this.#lastFullAt = started;
    this.#requested = false;
    const before = this.#state;
    try {
      const result = await runCheck({
        client: this.#client,
        settings: this.settings,
        previous: before.status,
        previousHealthy: before.healthy,
        manual: false,
        now: this.#now,
        sleep: this.#sleep,
        random: this.#random,
      });
      if (this.#abort.signal.aborted) return;
      // Accounts re-checked for a webhook while this ran hold newer data than this check saw.
      const fresher = this.#state.status.accounts.filter((a) => (this.#targetedDone.get(a.id) ?? 0) > started);
      const status = mergeAccounts(result.status, fresher, false);
      const healthy = mergeHealthy(result.healthy, this.#state.healthy, fresher.map((a) => a.id));
      this.#commit(status, healthy);
      this.#options.log[levelOf(status.error?.kind)]("check", {
        source: this.id,
        ok: !status.error,
        errorKind: status.error?.kind,
        accounts: status.accounts.length,
        requests: result.requests,
        ms: this.#now() - started,
      });
    } catch (error) {
      if (!this.#abort.signal.aborted) this.#options.log.error("check-crashed", { source: this.id, error: errorName(error) });
    }
  }

  async #runTargeted(ids: string[]): Promise<void> {
    const started = this.#now();
    for (const id of ids) {
      this.#pending.delete(id);
      this.#targetedAt.set(id, started);
    }
    const settings: CheckSettings = { ...this.settings, linkedAccountIds: ids };
    const wanted = new Set(ids);
    const previous: Status = {
      schemaVersion: this.#state.status.schemaVersion,
      source: sourceKey(settings),
      accounts: this.#state.status.accounts.filter((a) => wanted.has(a.id)),
    };
    try {
      const result = await runCheck({
        client: this.#client,
        settings,
        previous,
        previousHealthy: this.#state.healthy,
        manual: true,
        now: this.#now,
        sleep: this.#sleep,
        random: this.#random,
      });
      if (this.#abort.signal.aborted) return;
      const done = this.#now();
      for (const id of ids) this.#targetedDone.set(id, done);
      const known = new Set(this.#state.status.accounts.map((a) => a.id));
      const updates = result.status.accounts.filter((a) => known.has(a.id) || !a.error);
      const status = mergeAccounts(this.#state.status, updates, true);
      const error = result.status.error;
      // A rejected key or Cobalt's rate limit concern the whole source, not just these accounts.
      if (error && (error.kind === "rate-limited" || stopsWholeCheck(error.kind))) {
        status.error = error;
        if (result.status.backoff) status.backoff = result.status.backoff;
        else delete status.backoff;
      }
      this.#commit(status, mergeHealthy(this.#state.healthy, result.healthy, updates.map((a) => a.id)));
      this.#options.log[levelOf(error?.kind)]("recheck", { source: this.id, accounts: ids.length, ok: !error, errorKind: error?.kind, requests: result.requests, ms: done - started });
    } catch (error) {
      if (!this.#abort.signal.aborted) this.#options.log.error("recheck-crashed", { source: this.id, error: errorName(error) });
    }
  }

  #commit(status: Status, healthy: HealthyApps): void {
    this.#state = { status, healthy, since: trackSince(this.#state.since, status.accounts, this.#now()) };
    this.#version++;
    this.#options.onChange();
  }

  /** Waits that end early (rejecting) when the runner stops, so no check outlives it. */
  readonly #sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const signal = this.#abort.signal;
      if (signal.aborted) return reject(new Error("stopped"));
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Error("stopped"));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
}

/**
 * How loud a finished check is logged: a failure is an error (a rejected key waits for an admin,
 * and an operator's log alerts are keyed on the level); Cobalt's rate limit is a warning, since
 * the relay waits it out by itself.
 */
function levelOf(kind: ErrorKind | undefined): "info" | "warn" | "error" {
  if (kind === undefined) return "info";
  return kind === "rate-limited" ? "warn" : "error";
}

function anySignal(a: AbortSignal | null | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}
