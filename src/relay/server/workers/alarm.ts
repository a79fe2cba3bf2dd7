import type { SourceRunner } from "../check/runner.ts";
import type { DurableObjectStorage } from "./types.ts";

/*
 * Every source's schedule on one Durable Object alarm. An object has one alarm at a time, so a
 * table of when each source is due is kept and the alarm is set to the earliest. A cron trigger
 * fires at most once a minute; an alarm fires to the millisecond, so a webhook's re-check starts
 * within its quarter of a second as on Node.
 *
 * Work runs inside the alarm handler, which keeps the object awake until it returns: the handler
 * starts what is due, then waits for it, or for the next source to come due, or for a new request
 * (a webhook, an admin's check) to change the table, and returns only when nothing runs and
 * nothing is due soon, or after ALARM_MAX_MS (an alarm may run for 15 minutes), setting the next
 * alarm; a check still running then carries on under the next alarm. When each source's last
 * full check began is kept in `schedule`, so an object woken afresh does not check again early.
 */

/** Stay in the handler when the next source is due this soon, rather than return and be woken. */
const STAY_MS = 5_000;
/** Return before the runtime's limit on one alarm; the next alarm takes over at once. */
const ALARM_MAX_MS = 10 * 60_000;

export class AlarmSchedule {
  readonly #due = new Map<string, number>();
  #inAlarm = false;
  #changed: (() => void) | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly now: () => number = Date.now,
  ) {
    storage.sql.exec("CREATE TABLE IF NOT EXISTS schedule (source TEXT PRIMARY KEY, last_full_at INTEGER NOT NULL)");
  }

  /** When each source's last full check began, as kept. */
  lastFullAt(): Record<string, number> {
    const rows = this.storage.sql.exec<{ source: string; last_full_at: number }>("SELECT source, last_full_at FROM schedule").toArray();
    return Object.fromEntries(rows.map((row) => [row.source, row.last_full_at]));
  }

  /** A runner asks to be woken at `at` (undefined: nothing due). */
  set(runner: Pick<SourceRunner, "id" | "lastFullAt">, at: number | undefined): void {
    if (at === undefined) this.#due.delete(runner.id);
    else this.#due.set(runner.id, at);
    this.storage.sql.exec("INSERT OR REPLACE INTO schedule (source, last_full_at) VALUES (?, ?)", runner.id, runner.lastFullAt);
    if (this.#inAlarm) this.#changed?.();
    else void this.#arm(false);
  }

  /** The alarm handler: runs what is due until nothing is, then sets the next alarm. */
  async run(runners: readonly SourceRunner[], settle: () => Promise<void>): Promise<void> {
    this.#inAlarm = true;
    const deadline = this.now() + ALARM_MAX_MS;
    let busy = false;
    try {
      for (;;) {
        const now = this.now();
        for (const runner of runners) {
          if ((this.#due.get(runner.id) ?? Infinity) > now) continue;
          this.#due.delete(runner.id);
          void runner.runDue();
        }
        busy = runners.some((runner) => runner.busy);
        const wait = this.#next() - now;
        if ((!busy && wait > STAY_MS) || now >= deadline) break;
        await this.#until(runners.filter((runner) => runner.busy), Math.min(wait, deadline - now));
      }
    } finally {
      this.#inAlarm = false;
      await settle();
      await this.#arm(busy);
    }
  }

  #next(): number {
    return Math.min(Infinity, ...this.#due.values());
  }

  /** Until a busy runner finishes, `ms` pass, or the table changes. */
  async #until(busy: readonly SourceRunner[], ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changed = new Promise<void>((resolve) => (this.#changed = resolve));
    const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, Math.min(ms, 2 ** 31 - 1)))));
    try {
      await Promise.race([changed, elapsed, ...busy.map((runner) => runner.idle())]);
    } finally {
      clearTimeout(timer);
      this.#changed = undefined;
    }
  }

  /** The alarm at the earliest due time; soon, if work is still running; none when nothing is due. */
  async #arm(busy: boolean): Promise<void> {
    const next = busy ? Math.min(this.#next(), this.now() + 1_000) : this.#next();
    if (next === Infinity) await this.storage.deleteAlarm();
    else await this.storage.setAlarm(Math.max(next, this.now()));
  }
}
