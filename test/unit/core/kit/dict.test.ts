import { describe, expect, it } from "vitest";
import { dict, own } from "../../../../src/core/kit/dict.ts";

const HOSTILE = ["constructor", "__proto__", "toString", "hasOwnProperty"];

describe("maps keyed by IDs from outside", () => {
  it("hold every key as its own, __proto__ included, and read nothing inherited", () => {
    const map = dict(HOSTILE.map((key, index) => [key, index]));
    expect(Object.keys(map)).toEqual(HOSTILE);
    expect(HOSTILE.map((key) => own(map, key))).toEqual([0, 1, 2, 3]);
    expect(own(dict<number>(), "constructor")).toBeUndefined();
    expect(own(dict<number>(), "__proto__")).toBeUndefined();
    // However the object was made: JSON and spreads give ordinary objects, which still read nothing inherited.
    const parsed = JSON.parse('{"__proto__":[1]}') as Record<string, number[]>;
    expect(own(parsed, "__proto__")).toEqual([1]);
    expect(own({ ...parsed }, "toString")).toBeUndefined();
  });
});
