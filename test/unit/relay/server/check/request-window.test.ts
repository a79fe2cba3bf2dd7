import { expect, it } from "vitest";
import { BudgetFullError, RequestWindow } from "../../../../../src/relay/server/check/request-window.ts";
import { FakeClock } from "../../../support/clock.ts";

it("keeps every minute at or under the budget", async () => {
  const clock = new FakeClock(0);
  const window = new RequestWindow(3, clock.now, clock.sleep);
  const started: number[] = [];
  const take = async () => {
    await window.acquire();
    started.push(clock.now());
  };
  await clock.run(Promise.all([take(), take(), take(), take(), take()]));
  expect(started).toEqual([0, 0, 0, 60_000, 60_000]);
  expect(window.total).toBe(5);
});

it("lets a member's link go ahead of the checks' waiting requests, never beyond the budget", async () => {
  const clock = new FakeClock(0);
  const window = new RequestWindow(2, clock.now, clock.sleep);
  const order: string[] = [];
  const take = (name: string, urgent: boolean) => (urgent ? window.acquireUrgent(120_000) : window.acquire()).then(() => order.push(`${name}@${clock.now()}`));
  const all = Promise.all([take("check-1", false), take("check-2", false), take("check-3", false), take("check-4", false), take("link-1", true), take("link-2", true)]);
  await clock.run(all);
  expect(order).toEqual(["check-1@0", "check-2@0", "link-1@60000", "link-2@60000", "check-3@120000", "check-4@120000"]);
});

it("refuses a link at once when its turn is further away than it may wait, saying when there is room", async () => {
  const clock = new FakeClock(0);
  const window = new RequestWindow(2, clock.now, clock.sleep);
  await clock.run(Promise.all([window.acquire(), window.acquire()]));
  clock.advance(1_000);
  expect(window.urgentWaitMs(1)).toBe(59_000);
  expect(window.urgentWaitMs(3)).toBe(120_000);
  await expect(window.acquireUrgent(10_000)).rejects.toEqual(new BudgetFullError(59_000));
  expect(window.total).toBe(2);
  clock.advance(50_000);
  expect(window.urgentWaitMs(1)).toBe(9_000);
  await clock.run(window.acquireUrgent(10_000));
  expect(clock.now()).toBe(60_000);
  expect(window.total).toBe(3);
});

it("lets every waiter go, with the error, when the runner stops", async () => {
  let stop: (error: Error) => void = () => {};
  const window = new RequestWindow(1, () => 0, () => new Promise<void>((_, reject) => (stop = reject)));
  await window.acquire();
  const waiting = [window.acquire(), window.acquireUrgent(120_000)];
  stop(new Error("stopped"));
  for (const promise of waiting) await expect(promise).rejects.toThrow("stopped");
});
