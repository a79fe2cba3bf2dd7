import { describe, expect, it } from "vitest";
import { AlarmSchedule } from "../../../../../src/relay/server/workers/alarm.ts";
import type { DurableObjectStorage, SqlValue } from "../../../../../src/relay/server/workers/types.ts";
import type { SourceRunner } from "../../../../../src/relay/server/check/runner.ts";
import { waitFor } from "../support.ts";

/* The one alarm of the Durable Object, shared by every source's schedule (the storage faked in memory; the real one runs in the integration tests on Workers). */

function storage() {
  const rows = new Map<string, number>();
  const alarms: (number | null)[] = [];
  const fake: DurableObjectStorage = {
    sql: {
      exec<Row>(query: string, ...bindings: SqlValue[]) {
        if (query.startsWith("INSERT")) rows.set(bindings[0] as string, bindings[1] as number);
        const result = query.startsWith("SELECT") ? [...rows].map(([source, last_full_at]) => ({ source, last_full_at })) : [];
        return { toArray: () => result as Row[] };
      },
    },
    transactionSync: (callback) => callback(),
    getAlarm: async () => alarms.at(-1) ?? null,
    setAlarm: async (at) => void alarms.push(at),
    deleteAlarm: async () => void alarms.push(null),
  };
  return { fake, alarms, rows };
}

/** A runner whose work ends when the test says so, and which asks to be woken as told. */
function runner(id: string, schedule: AlarmSchedule) {
  let finish: () => void = () => {};
  let busy = false;
  const ran: number[] = [];
  const self = {
    id,
    lastFullAt: 0,
    get busy() {
      return busy;
    },
    runDue() {
      ran.push(Date.now());
      busy = true;
      const work = new Promise<void>((resolve) => (finish = resolve)).then(() => {
        busy = false;
        self.lastFullAt = 42;
        schedule.set(self, undefined);
      });
      self.work = work;
      return work;
    },
    work: Promise.resolve(),
    idle: () => self.work,
  };
  return { runner: self as unknown as SourceRunner & { lastFullAt: number }, ran, finish: () => finish() };
}

describe("the alarm schedule", () => {
  it("sets the one alarm to the earliest source due, and none when nothing is", async () => {
    const { fake, alarms } = storage();
    const schedule = new AlarmSchedule(fake, () => 1_000);
    const a = runner("a", schedule);
    const b = runner("b", schedule);
    schedule.set(a.runner, 90_000);
    schedule.set(b.runner, 30_000);
    await Promise.resolve();
    expect(alarms.at(-1)).toBe(30_000);
    schedule.set(b.runner, undefined);
    await Promise.resolve();
    expect(alarms.at(-1)).toBe(90_000);
    schedule.set(a.runner, undefined);
    await Promise.resolve();
    expect(alarms.at(-1)).toBeNull();
  });

  it("runs what is due inside the alarm and stays until it has ended, then keeps when each began and sets the next alarm", async () => {
    const { fake, alarms, rows } = storage();
    const schedule = new AlarmSchedule(fake);
    const a = runner("a", schedule);
    const b = runner("b", schedule);
    schedule.set(a.runner, Date.now());
    schedule.set(b.runner, Date.now() + 3_600_000);
    let settled = false;
    const alarm = schedule.run([a.runner, b.runner], async () => void (settled = true));
    await waitFor(() => a.ran.length > 0);
    expect([a.ran.length, b.ran.length, settled]).toEqual([1, 0, false]);
    a.finish();
    await alarm;
    expect(settled).toBe(true);
    expect(alarms.at(-1)).toBeGreaterThan(Date.now() + 3_500_000);
    expect(rows.get("a")).toBe(42);
    expect(new AlarmSchedule(fake).lastFullAt()).toEqual({ a: 42, b: 0 });
  });

  it("starts a source that comes due while another's work runs (a webhook's re-check during a long check)", async () => {
    const { fake } = storage();
    const schedule = new AlarmSchedule(fake);
    const slow = runner("slow", schedule);
    const hinted = runner("hinted", schedule);
    schedule.set(slow.runner, Date.now());
    const alarm = schedule.run([slow.runner, hinted.runner], async () => {});
    await waitFor(() => slow.ran.length > 0);
    schedule.set(hinted.runner, Date.now());
    await waitFor(() => hinted.ran.length > 0);
    expect(slow.runner.busy).toBe(true);
    hinted.finish();
    slow.finish();
    await alarm;
  });
});
