import { describe, expect, it } from "vitest";
import { MAX_SHARDS, chooseShardCount, decodeOrder, encodeOrder, hashId, shardOf } from "../../../../src/core/store/shards.ts";
import { canonicalJson, stableSlots } from "../../../../src/core/kit/slots.ts";

describe("shards", () => {
  it("hash an id the same way every time, spread evenly", () => {
    expect(hashId("acct-00001")).toBe(hashId("acct-00001"));
    expect(hashId("")).toBe(0x811c9dc5);
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < 6400; i++) counts[shardOf(`acct-${i}`, 64)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(140);
  });

  it.each([
    [0, 1],
    [3, 1],
    [32, 1],
    [33, 2],
    [1_000, 32],
    [10_000, 512],
    [1_000_000, MAX_SHARDS],
  ])("%i accounts start with %i shards", (accounts, shards) => {
    expect(chooseShardCount(accounts)).toBe(shards);
  });

  it("keep their number while the org stays within a factor of four of it", () => {
    expect(chooseShardCount(10_300, 512)).toBe(512);
    expect(chooseShardCount(4_100, 512)).toBe(512);
    expect(chooseShardCount(65_537, 512)).toBe(MAX_SHARDS);
    expect(chooseShardCount(4_000, 512)).toBe(128);
    expect(chooseShardCount(100, 1)).toBe(1);
    expect(chooseShardCount(200, 1)).toBe(8);
    expect(chooseShardCount(5, 3)).toBe(1);
  });

  it("write the order in one character per account up to 36 shards, two above", () => {
    expect(encodeOrder([0, 35, 7], 36)).toBe("0z7");
    expect(encodeOrder([0, 36, 511], 512)).toBe("0010e7");
    expect(decodeOrder("0010e7", 512)).toEqual([0, 36, 511]);
    expect(decodeOrder("", 4)).toEqual([]);
  });

  it.each([
    ["a shard beyond the count", "4", 4],
    ["a character outside base 36", "0-", 4],
    ["a length that is not a multiple of the width", "001", 64],
  ])("reject an order with %s", (_label, text, shards) => {
    expect(decodeOrder(text, shards)).toBeUndefined();
  });
});

describe("stableSlots", () => {
  const key = (value: string) => value;
  const want = (...values: string[]) => new Map(values.map((value) => [value, value]));

  it("keeps indices of entries still used, leaves holes, fills them first, trims the end", () => {
    expect(stableSlots([], key, want("a", "b", "c")).slots).toEqual(["a", "b", "c"]);
    expect(stableSlots(["a", "b", "c"], key, want("c", "a")).slots).toEqual(["a", null, "c"]);
    const next = stableSlots(["a", null, "c"], key, want("d", "c", "a", "e"));
    expect(next.slots).toEqual(["a", "d", "c", "e"]);
    expect(next.indexOf.get("e")).toBe(3);
    expect(stableSlots(["a", "b", "c"], key, want("a")).slots).toEqual(["a"]);
  });

  it("takes a later value for an existing key, and keeps one slot per key", () => {
    const slots = stableSlots([{ k: "a", v: 1 }, { k: "a", v: 2 }], (value) => value.k, new Map([["a", { k: "a", v: 3 }]]));
    expect(slots.slots).toEqual([{ k: "a", v: 3 }]);
  });

  it("canonical JSON does not depend on key order", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe(canonicalJson({ a: { c: [3, { e: 0, f: 1 }], d: 2 }, b: 1 }));
  });
});
