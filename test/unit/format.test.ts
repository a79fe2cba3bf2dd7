import { describe, expect, it } from "vitest";
import { ago, clockMoment, clockTime, duration, plural } from "../../src/core/format.ts";

describe("plural", () => {
  it.each<[number, string]>([
    [0, "0 apps"],
    [1, "1 app"],
    [2, "2 apps"],
    [1200, "1,200 apps"],
  ])("%i → %s", (count, text) => {
    expect(plural(count, "app")).toBe(text);
  });

  it("takes an irregular plural", () => {
    expect(plural(2, "entry", "entries")).toBe("2 entries");
    expect(plural(1, "entry", "entries")).toBe("1 entry");
  });
});

describe("ago", () => {
  const now = 10_000_000_000;
  it.each<[number, string]>([
    [0, "just now"],
    [44_000, "just now"],
    [-5_000, "just now"],
    [60_000, "1 minute ago"],
    [10 * 60_000, "10 minutes ago"],
    [59 * 60_000, "59 minutes ago"],
    [60 * 60_000, "1 hour ago"],
    [5 * 3_600_000, "5 hours ago"],
    [47 * 3_600_000, "47 hours ago"],
    [72 * 3_600_000, "3 days ago"],
  ])("%i ms before → %s", (before, text) => {
    expect(ago(now - before, now)).toBe(text);
  });
});

describe("duration", () => {
  it.each<[number, string]>([
    [0, "1 second"],
    [1_000, "1 second"],
    [30_000, "30 seconds"],
    [89_000, "89 seconds"],
    [120_000, "2 minutes"],
    [89 * 60_000, "89 minutes"],
    [3 * 3_600_000, "3.0 hours"],
  ])("%i ms → %s", (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});

describe("clockMoment", () => {
  // Local times, so the calendar day is the same in any time zone the tests run in.
  const now = new Date(2026, 6, 1, 12, 0).getTime();

  it("is the clock time for a moment earlier today", () => {
    const at = new Date(2026, 6, 1, 0, 5).getTime();
    expect(clockMoment(at, now)).toBe(`at ${clockTime(at)}`);
    expect(clockTime(at)).toMatch(/05/);
  });

  it("adds the date for another day", () => {
    const at = new Date(2026, 5, 30, 23, 55).getTime();
    const date = new Date(at).toLocaleDateString([], { month: "short", day: "numeric" });
    expect(clockMoment(at, now)).toBe(`on ${date} at ${clockTime(at)}`);
    expect(date).toMatch(/30/);
  });
});
