import { expect, it } from "vitest";
import { RequestWindow } from "../../../../../src/relay/server/check/request-window.ts";
import { FakeClock } from "../../../support/clock.ts";

it("keeps every minute at or under the budget, counting links that did not wait", async () => {
  const clock = new FakeClock(0);
  const window = new RequestWindow(3, clock.now, clock.sleep);
  const started: number[] = [];
  const take = async () => {
    await window.acquire();
    started.push(clock.now());
  };
  window.record(); // a member's link at t=0
  await clock.run(Promise.all([take(), take(), take(), take()]));
  expect(started).toEqual([0, 0, 60_000, 60_000]);
  expect(window.total).toBe(5);
  clock.advance(1_000);
  window.record(); // links never wait, even over the budget
  expect(window.total).toBe(6);
});
