import { dict, own } from "../../../core/kit/dict.ts";
import type { KeyEnvironment } from "../../../core/settings/source-ids.ts";
import type { Status } from "../../../core/status/model.ts";
import type { AlertRules } from "../base/alerts-config.ts";
import { errorName, type Logger } from "../base/log.ts";
import type { Since } from "../check/merge.ts";
import type { Records } from "../store/records.ts";
import { afterCheck } from "./breaks.ts";
import type { Channel, DeliveryResult } from "./channel.ts";
import { EMPTY_DESK, type DeskProvider, type DeskSnapshot } from "./desk.ts";
import type { AlertMessage, SourceRef } from "./messages.ts";
import { afterFailure, backlogOf, enqueue, forChannels, headOf, nextDeliveryAt, withoutEntry, type OutboxEntry } from "./outbox.ts";
import { ALERTS, EMPTY_RECORD, type AlertsRecord } from "./record.ts";
import { nextTimedAt, timed } from "./timed.ts";

/*
 * The alerts at work: after each check of a source (the runner's change) the rules decide what to
 * tell the team, and the decision and its messages are written to the relay's storage together,
 * before anything is sent; time-driven messages (reminders, the digest, trouble that lasted) are
 * decided the same way when due. Each channel then sends its outbox in order, on its own, so a
 * failing channel delays neither the checks nor the other channels; a failed delivery waits
 * (backoff) and is tried again, for up to a day. When anything is next due is asked of `schedule`:
 * a timer on Node, the Durable Object's alarm on Workers.
 */

/** What the alerts read of a source: its runner, as http/relay.ts builds it. */
export interface AlertSource {
  readonly id: string;
  readonly config: { readonly label: string };
  readonly environment: KeyEnvironment;
  readonly state: { readonly status: Status; readonly since: Since };
}

export interface AlertEngineOptions {
  records: Records;
  channels: readonly Channel[];
  rules: AlertRules;
  sources: readonly AlertSource[];
  desk?: DeskProvider;
  log: Logger;
  now?(): number;
  random?(): number;
  /** A new message id; default random (a receiver may keep ids it saw: they must not repeat after a reinstall). */
  newId?(): string;
  /** Asks for runDue() at `at` (undefined: nothing is due). Default: a timer in this process. */
  schedule?(at: number | undefined): void;
}

/** Types, not interfaces: the protocol's health schema (src/relay/protocol/v1.ts) takes them as they are. */
export type ChannelHealth = {
  id: string;
  kind: Channel["kind"];
  ok: boolean;
  undelivered: number;
  oldestUndeliveredSeconds?: number;
  failingSince?: number;
  lastFailure?: { status?: number; error?: string };
};

export type AlertsHealth = {
  ok: boolean;
  channels: ChannelHealth[];
  oldestUndeliveredSeconds?: number;
};

const WRITE_RETRY_MS = 5_000;

export class AlertEngine {
  readonly id = "alerts";
  readonly #options: AlertEngineOptions;
  readonly #now: () => number;
  readonly #schedule: (at: number | undefined) => void;
  #record: AlertsRecord = EMPTY_RECORD;
  /** Decisions and outbox changes, one at a time, in order. */
  #writes: Promise<void> = Promise.resolve();
  /** Decisions and writes under way (a runtime that must stay awake for them waits: idle()). */
  readonly #tasks = new Set<Promise<void>>();
  readonly #dirty = new Set<string>();
  #deciding = false;
  readonly #sending = new Map<string, Promise<void>>();
  /** After a failed write, decisions wait this long before they are tried again (no tight loop on a broken disk). */
  #holdUntil = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #started = false;

  constructor(options: AlertEngineOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#schedule = options.schedule ?? this.#timerAt;
  }

  /** Reads what was decided and queued before (a restart); the outbox of channels no longer configured goes, with a log line each. */
  async load(): Promise<void> {
    const channels = new Set(this.#options.channels.map((channel) => channel.id));
    await this.#change((record) => {
      const kept = forChannels(record.outbox, channels);
      for (const entry of kept.dropped) this.#logDropped(entry, "channel-removed");
      return { ...record, outbox: kept.outbox };
    });
  }

  /** Starts sending what waits and deciding what time brings. */
  start(): void {
    this.#started = true;
    void this.runDue();
  }

  /** Stops the schedule and waits for the decisions and deliveries under way (each delivery is bounded by its timeout). */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#schedule(undefined);
    await this.idle();
  }

  /**
   * A source's state changed (a check or re-check ended): decide what it means, once `after` has
   * (the desk settling that check, so a fix reads who was on it); the wait counts as busy, so a
   * Worker's alarm stays for it, and a decision it holds back is still made (and recorded) at stop.
   * Checks that end together are one decision.
   */
  checked(sourceId: string, after?: Promise<unknown>): void {
    if (!this.#started) return;
    if (after) {
      this.#track(after.then(() => this.#markChecked(sourceId)));
      return;
    }
    this.#markChecked(sourceId);
  }

  #markChecked(sourceId: string): void {
    this.#dirty.add(sourceId);
    if (this.#deciding) return;
    this.#deciding = true;
    this.#track(
      Promise.resolve().then(() => {
        this.#deciding = false;
        return this.#decide();
      }),
    );
  }

  /** Whether a decision, a write or a delivery is under way. */
  get busy(): boolean {
    return this.#tasks.size > 0 || this.#sending.size > 0;
  }

  /** Resolves when nothing is under way (what starts meanwhile is waited for too). */
  async idle(): Promise<void> {
    while (this.busy) await Promise.allSettled([...this.#tasks, ...this.#sending.values()]);
  }

  #track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => this.#options.log.error("alerts-crashed", { error: errorName(error) })).finally(() => this.#tasks.delete(tracked));
    this.#tasks.add(tracked);
  }

  /** Decides what time brings, starts the deliveries due, and asks to be called when the next is due. Resolves when what it started has ended. */
  runDue(): Promise<void> {
    if (!this.#started) return Promise.resolve();
    const now = this.#now();
    const timedAt = nextTimedAt(this.#record, this.#refs(), now, this.#options.rules);
    if (timedAt !== undefined && timedAt <= now && now >= this.#holdUntil) this.#track(this.#decideTimed());
    this.#kick();
    this.#plan();
    return this.idle();
  }

  health(): AlertsHealth {
    const now = this.#now();
    const channels = this.#options.channels.map((channel): ChannelHealth => {
      const backlog = backlogOf(this.#record.outbox, channel.id);
      const health: ChannelHealth = { id: channel.id, kind: channel.kind, ok: backlog.failingSince === undefined, undelivered: backlog.undelivered };
      if (backlog.oldestAt !== undefined) health.oldestUndeliveredSeconds = Math.max(0, Math.round((now - backlog.oldestAt) / 1000));
      if (backlog.failingSince !== undefined) health.failingSince = backlog.failingSince;
      if (backlog.lastFailure) health.lastFailure = { ...backlog.lastFailure };
      return health;
    });
    const ages = channels.flatMap((channel) => (channel.oldestUndeliveredSeconds === undefined ? [] : [channel.oldestUndeliveredSeconds]));
    const health: AlertsHealth = { ok: channels.every((channel) => channel.ok), channels };
    if (ages.length > 0) health.oldestUndeliveredSeconds = Math.max(...ages);
    return health;
  }

  #refs(): Map<string, SourceRef> {
    return new Map(this.#options.sources.map((source) => [source.id, { id: source.id, label: source.config.label, environment: source.environment }]));
  }

  async #desk(): Promise<DeskSnapshot> {
    try {
      return await (this.#options.desk ?? (() => EMPTY_DESK))();
    } catch (error) {
      this.#options.log.error("alerts-desk-unreadable", { error: errorName(error) });
      return EMPTY_DESK;
    }
  }

  /** What the checks that ended mean: decided, recorded with the messages it queues, then sent. */
  async #decide(): Promise<void> {
    const ids = new Set(this.#dirty);
    this.#dirty.clear();
    const desk = await this.#desk();
    const refs = this.#refs();
    let baselines: { source: string; open: number }[] = [];
    const written = await this.#decideWith((record, now) => {
      baselines = [];
      const messages: AlertMessage[] = [];
      const sources = dict(Object.entries(record.sources));
      for (const source of this.#options.sources) {
        if (!ids.has(source.id)) continue;
        const decided = afterCheck(own(record.sources, source.id), { ref: refs.get(source.id)!, status: source.state.status, since: source.state.since }, desk, now, this.#options.rules);
        sources[source.id] = decided.source;
        messages.push(...decided.messages);
        if (decided.baseline) baselines.push({ source: source.id, open: decided.source.open.length });
      }
      for (const id of Object.keys(sources)) if (!refs.has(id)) delete sources[id];
      return { record: { ...record, sources }, messages };
    });
    if (written) for (const baseline of baselines) this.#options.log.info("alerts-baseline", baseline);
  }

  async #decideTimed(): Promise<void> {
    const desk = await this.#desk();
    const refs = this.#refs();
    await this.#decideWith((record, now) => timed(record, refs, desk, now, this.#options.rules));
  }

  /** Decides on the record as stored, and writes the decision with the messages it queues; false when the write failed. */
  async #decideWith(decide: (record: AlertsRecord, now: number) => { record: AlertsRecord; messages: AlertMessage[] }): Promise<boolean> {
    const channels = this.#options.channels.map((channel) => channel.id);
    let queued: { id: string; message: AlertMessage }[] = [];
    const written = await this.#change((record) => {
      const now = this.#now();
      const decided = decide(record, now);
      queued = decided.messages.map((message) => ({ id: this.#newId(), message }));
      const { outbox, dropped } = enqueue(decided.record.outbox, queued, channels, now);
      for (const entry of dropped) this.#logDropped(entry, "outbox-full");
      return { ...decided.record, outbox };
    });
    if (!written) return false;
    for (const { id, message } of queued) this.#options.log.info("alert-queued", { id, message: message.type, source: "source" in message ? message.source.id : undefined, channels: channels.length });
    this.#kick();
    this.#plan();
    return true;
  }

  /** Changes the record in storage, one change at a time; identical values are not written. A failed write changes nothing, and says so. */
  #change(change: (record: AlertsRecord) => AlertsRecord): Promise<boolean> {
    const write = this.#writes.then(async () => {
      this.#record = await this.#options.records.change(ALERTS, (record) => {
        const next = change(record);
        return ALERTS.encode(next) === ALERTS.encode(record) ? { result: record } : { value: next, result: next };
      });
      return true;
    });
    const done = write.catch((error: unknown) => {
      this.#holdUntil = this.#now() + WRITE_RETRY_MS;
      this.#options.log.error("alerts-write-failed", { error: errorName(error) });
      return false;
    });
    this.#writes = done.then(() => {});
    this.#track(this.#writes);
    return done;
  }

  /** Starts every channel whose next message is due and that is not sending already. */
  #kick(): void {
    if (!this.#started) return;
    const now = this.#now();
    for (const channel of this.#options.channels) {
      if (this.#sending.has(channel.id)) continue;
      const head = headOf(this.#record.outbox, channel.id);
      if (!head || head.nextAt > now) continue;
      const sending = this.#drain(channel).finally(() => {
        this.#sending.delete(channel.id);
        this.#plan();
      });
      this.#sending.set(channel.id, sending);
    }
  }

  /** Sends a channel's messages in order until none is due or one fails. */
  async #drain(channel: Channel): Promise<void> {
    for (;;) {
      const entry = headOf(this.#record.outbox, channel.id);
      const now = this.#now();
      if (!this.#started || !entry || entry.nextAt > now || now < this.#holdUntil) return;
      const attempt = entry.attempts + 1;
      let result: DeliveryResult;
      try {
        result = await channel.send(entry.message, { id: entry.id, attempt, now });
      } catch (error) {
        result = { ok: false, permanent: false, error: errorName(error) };
      }
      const fields = { channel: channel.id, id: entry.id, message: entry.message.type, attempt, ms: this.#now() - now };
      if (result.ok) {
        this.#options.log.info("alert-sent", fields);
        // Not recorded (a failed write): stop here rather than send it again at once.
        if (!(await this.#change((record) => ({ ...record, outbox: withoutEntry(record.outbox, entry) })))) return;
        continue;
      }
      const failure = { ...(result.status !== undefined && { status: result.status }), ...(result.error !== undefined && { error: result.error }) };
      if (result.permanent) {
        this.#options.log.error("alert-dropped", { ...fields, ...failure, reason: "rejected" });
        if (!(await this.#change((record) => ({ ...record, outbox: withoutEntry(record.outbox, entry) })))) return;
        continue;
      }
      if (!(await this.#failed(entry, { ...failure, ...(result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }) }, fields))) return;
    }
  }

  /** Records a failed attempt; true when the message was given up (the channel goes on to the next), false when it waits (or the record could not be written). */
  async #failed(entry: OutboxEntry, failure: { status?: number; error?: string; retryAfterMs?: number }, fields: Record<string, string | number>): Promise<boolean> {
    let outcome: { dropped: boolean; retryAt?: number } = { dropped: false };
    const written = await this.#change((record) => {
      const after = afterFailure(record.outbox, entry, failure, this.#now(), this.#options.rules.retry, this.#options.random ?? Math.random);
      outcome = after;
      return { ...record, outbox: after.outbox };
    });
    if (!written) return false;
    const said = { ...fields, ...(failure.status !== undefined && { status: failure.status }), ...(failure.error !== undefined && { error: failure.error }) };
    if (outcome.dropped) this.#options.log.error("alert-dropped", { ...said, reason: "expired" });
    else this.#options.log.warn("alert-failed", { ...said, retryInMs: Math.max(0, (outcome.retryAt ?? this.#now()) - this.#now()) });
    return outcome.dropped;
  }

  #logDropped(entry: OutboxEntry, reason: string): void {
    this.#options.log.error("alert-dropped", { channel: entry.channel, id: entry.id, message: entry.message.type, reason });
  }

  #newId(): string {
    if (this.#options.newId) return this.#options.newId();
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    return `msg_${[...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
  }

  /** When runDue should run next: the next delivery due of a channel not sending, or the next timed decision. */
  #plan(): void {
    if (!this.#started) return;
    const now = this.#now();
    const delivery = nextDeliveryAt(this.#record.outbox, new Set(this.#sending.keys()));
    const timedAt = nextTimedAt(this.#record, this.#refs(), now, this.#options.rules);
    const next = Math.min(delivery ?? Infinity, timedAt ?? Infinity);
    this.#schedule(next === Infinity ? undefined : Math.max(next, now, this.#holdUntil));
  }

  readonly #timerAt = (at: number | undefined): void => {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (at === undefined || !this.#started) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.runDue();
      },
      Math.max(0, Math.min(at - this.#now(), 2 ** 31 - 1)),
    );
  };
}
