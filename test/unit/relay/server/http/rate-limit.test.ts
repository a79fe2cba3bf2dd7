import { expect, it } from "vitest";
import { TokenBuckets } from "../../../../../src/relay/server/http/rate-limit.ts";

it("lets `capacity` attempts through at once, then one per refill period, per key", () => {
  let now = 0;
  const buckets = new TokenBuckets(3, 6, () => now); // one token every 10 s
  expect([buckets.take("a"), buckets.take("a"), buckets.take("a"), buckets.take("a")]).toEqual([true, true, true, false]);
  expect(buckets.waitSeconds("a")).toBe(10);
  expect(buckets.take("b")).toBe(true);
  now += 5_000;
  expect(buckets.waitSeconds("a")).toBe(5);
  expect(buckets.take("a")).toBe(false);
  now += 5_000;
  expect(buckets.waitSeconds("a")).toBe(0);
  expect(buckets.take("a")).toBe(true);
  expect(buckets.take("a")).toBe(false);
});

it("forgets keys whose bucket is full again, and never holds more than maxKeys", () => {
  let now = 0;
  const buckets = new TokenBuckets(1, 60, () => now, 100);
  for (let i = 0; i < 1_000; i++) buckets.take(`10.0.${i >> 8}.${i & 255}`);
  expect(buckets.size).toBeLessThanOrEqual(100);
  now += 60_000;
  expect(buckets.waitSeconds("10.0.3.231")).toBe(0);
  expect(buckets.size).toBeLessThan(100);
});

it("keeps a limited key limited while a flood of other keys fills the map", () => {
  const now = 0;
  const buckets = new TokenBuckets(10, 10, () => now, 100);
  for (let i = 0; i < 10; i++) buckets.take("attacker");
  expect(buckets.waitSeconds("attacker")).toBe(6);
  // Each new address fails once: none of them is limited, so they are what a full map forgets.
  for (let i = 0; i < 1_000; i++) buckets.take(`10.0.${i >> 8}.${i & 255}`);
  expect(buckets.size).toBeLessThanOrEqual(100);
  expect(buckets.waitSeconds("attacker")).toBe(6);
});

it("when only limited keys are left to forget, forgets those whose wait ends soonest", () => {
  let now = 0;
  const buckets = new TokenBuckets(1, 1, () => now, 10);
  for (let i = 0; i < 10; i++) {
    buckets.take(`early-${i}`);
    now += 1_000;
  }
  for (let i = 0; i < 5; i++) buckets.take(`late-${i}`);
  expect(buckets.size).toBeLessThanOrEqual(10);
  for (let i = 0; i < 5; i++) expect(buckets.waitSeconds(`late-${i}`)).toBeGreaterThan(0);
  expect(buckets.waitSeconds("early-0")).toBe(0);
});
