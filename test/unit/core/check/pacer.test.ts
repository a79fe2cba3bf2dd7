import { describe, expect, it } from "vitest";
import { MAX_INLINE_WAIT_MS, Pacer } from "../../../../src/core/check/pacer.ts";
import { FakeClock } from "../../support/clock.ts";

async function slots(clock: FakeClock, pacer: Pacer, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    await clock.run(pacer.slot());
    times.push(clock.now());
  }
  return times;
}

describe("Pacer", () => {
  it.each<[number, number]>([
    [60, 1000],
    [120, 500],
    [10, 6000],
    [1200, 50],
  ])("spaces requests 60/%i seconds apart (%i ms)", async (rpm, spacing) => {
    const clock = new FakeClock(1_000);
    const pacer = new Pacer(rpm, clock.now, clock.sleep);
    expect(pacer.intervalMs).toBe(spacing);
    expect(await slots(clock, pacer, 4)).toEqual([1_000, 1_000 + spacing, 1_000 + 2 * spacing, 1_000 + 3 * spacing]);
  });

  it("does not sleep for the first request", async () => {
    const clock = new FakeClock(0);
    const pacer = new Pacer(60, clock.now, clock.sleep);
    await clock.run(pacer.slot());
    expect(clock.sleeps).toEqual([]);
  });

  it("gives concurrent callers consecutive slots", async () => {
    const clock = new FakeClock(0);
    const pacer = new Pacer(120, clock.now, clock.sleep);
    const woke: number[] = [];
    const all = Promise.all([0, 1, 2, 3].map(async () => {
      await pacer.slot();
      woke.push(clock.now());
    }));
    await clock.run(all);
    expect(woke).toEqual([0, 500, 1000, 1500]);
  });

  it("does not wait when the slot has already passed", async () => {
    const clock = new FakeClock(0);
    const pacer = new Pacer(60, clock.now, clock.sleep);
    await clock.run(pacer.slot());
    clock.advance(5_000);
    await clock.run(pacer.slot());
    expect(clock.now()).toBe(5_000);
    expect(clock.sleeps).toEqual([]);
    await clock.run(pacer.slot());
    expect(clock.now()).toBe(6_000);
  });

  it("slowDown doubles the spacing and pauses", async () => {
    const clock = new FakeClock(0);
    const pacer = new Pacer(60, clock.now, clock.sleep);
    expect(await slots(clock, pacer, 3)).toEqual([0, 1_000, 2_000]);
    pacer.slowDown(5_000);
    expect(pacer.intervalMs).toBe(2_000);
    expect(await slots(clock, pacer, 3)).toEqual([7_000, 9_000, 11_000]);
    pacer.slowDown(0);
    expect(pacer.intervalMs).toBe(4_000);
    expect(await slots(clock, pacer, 2)).toEqual([13_000, 17_000]);
  });

  it("a short pause never brings the next slot forward", async () => {
    const clock = new FakeClock(0);
    const pacer = new Pacer(6, clock.now, clock.sleep); // 10 s apart
    await clock.run(pacer.slot());
    pacer.slowDown(1_000);
    await clock.run(pacer.slot());
    expect(clock.now()).toBe(10_000);
    await clock.run(pacer.slot());
    expect(clock.now()).toBe(20_000);
  });

  // Doubling after every throttling answer made waits between requests long
  // enough for the browser to stop the background in the middle of a check.
  it("slows down to at most one request every 5 s, never slower than the budget itself asks", () => {
    const clock = new FakeClock(0);
    const twenty = new Pacer(20, clock.now, clock.sleep); // 3 s apart
    twenty.slowDown(0);
    expect(twenty.intervalMs).toBe(MAX_INLINE_WAIT_MS);
    twenty.slowDown(0);
    expect(twenty.intervalMs).toBe(MAX_INLINE_WAIT_MS);
    const ten = new Pacer(10, clock.now, clock.sleep); // 6 s apart: the budget's own pace is kept
    ten.slowDown(0);
    expect(ten.intervalMs).toBe(6_000);
  });
});

describe("Pacer and requests already waiting when throttled", () => {
  it("sends none of them into the pause", async () => {
    let now = 0;
    const sleepers: { until: number; wake: () => void }[] = [];
    const pacer = new Pacer(120, () => now, (ms) => new Promise<void>((wake) => sleepers.push({ until: now + ms, wake })));
    const fired: number[] = [];
    const request = () => pacer.slot().then(() => fired.push(now));
    const runUntilIdle = async () => {
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        sleepers.sort((a, b) => a.until - b.until);
        const next = sleepers.shift();
        if (!next) return;
        now = Math.max(now, next.until);
        next.wake();
      }
    };
    const all = Promise.all([request(), request(), request()]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fired).toEqual([0]);
    pacer.slowDown(5_000); // the answer to the first request said: wait 5 s
    await runUntilIdle();
    await all;
    expect(fired).toEqual([0, 5_000, 6_000]);
  });
});
