import { describe, expect, it } from "vitest";
import { PAGE_SIZE, ROTATION, planFullChecks, rotationSize } from "../../../../src/core/check/plan.ts";

const ids = (n: number) => Array.from({ length: n }, (_, i) => `acct-${i}`);

describe("rotationSize", () => {
  it.each<[number, number]>([
    [0, 0],
    [1, 1],
    [12, 1],
    [13, 2],
    [100, 9],
    [1200, 100],
  ])("%i accounts → %i per cycle", (total, size) => {
    expect(rotationSize(total)).toBe(size);
  });

  it("uses a 12-cycle rotation and 100-account pages", () => {
    expect(ROTATION).toBe(12);
    expect(PAGE_SIZE).toBe(100);
  });
});

describe("planFullChecks", () => {
  it("covers every one of 100 accounts within 12 cycles", () => {
    const all = ids(100);
    const seen = new Set<string>();
    let cursor = 0;
    for (let cycle = 0; cycle < ROTATION; cycle++) {
      const plan = planFullChecks({ ids: all, flagged: new Set(), cursor });
      expect(plan.full.size).toBe(9);
      expect(plan.rotationShare).toBe(9);
      for (const id of plan.full) seen.add(id);
      cursor = plan.nextCursor;
    }
    expect(seen.size).toBe(100);
    expect([...seen].sort()).toEqual([...all].sort());
  });

  it("covers every account within 12 cycles for awkward sizes too", () => {
    for (const n of [1, 5, 11, 13, 37, 250]) {
      const all = ids(n);
      const seen = new Set<string>();
      let cursor = 3;
      for (let cycle = 0; cycle < ROTATION; cycle++) {
        const plan = planFullChecks({ ids: all, flagged: new Set(), cursor });
        for (const id of plan.full) seen.add(id);
        cursor = plan.nextCursor;
      }
      expect(seen.size, `n=${n}`).toBe(n);
    }
  });

  it("takes the next slice from the cursor", () => {
    const plan = planFullChecks({ ids: ids(30), flagged: new Set(), cursor: 6 });
    expect([...plan.full]).toEqual(["acct-6", "acct-7", "acct-8"]);
    expect(plan.nextCursor).toBe(9);
  });

  it("always includes flagged accounts, on top of the rotation", () => {
    const plan = planFullChecks({ ids: ids(100), flagged: new Set(["acct-50", "acct-77"]), cursor: 0 });
    expect(plan.full.has("acct-50")).toBe(true);
    expect(plan.full.has("acct-77")).toBe(true);
    expect(plan.full.size).toBe(11);
    expect(plan.rotationShare).toBe(9);
    expect(plan.nextCursor).toBe(9);
  });

  it("does not count a flagged account in the rotation share", () => {
    const plan = planFullChecks({ ids: ids(100), flagged: new Set(["acct-0", "acct-1"]), cursor: 0 });
    expect(plan.full.size).toBe(9);
    expect(plan.rotationShare).toBe(7);
  });

  it("wraps the cursor around the end of the list", () => {
    const plan = planFullChecks({ ids: ids(30), flagged: new Set(), cursor: 28 });
    expect([...plan.full]).toEqual(["acct-28", "acct-29", "acct-0"]);
    expect(plan.nextCursor).toBe(1);
  });

  it("brings a cursor beyond a shrunken list back into range", () => {
    const plan = planFullChecks({ ids: ids(30), flagged: new Set(), cursor: 95 });
    expect([...plan.full]).toEqual(["acct-5", "acct-6", "acct-7"]);
    expect(plan.nextCursor).toBe(8);
  });

  it("handles an empty list", () => {
    const plan = planFullChecks({ ids: [], flagged: new Set(), cursor: 4 });
    expect(plan).toEqual({ full: new Set(), nextCursor: 0, rotationShare: 0 });
  });
});
