import { describe, expect, it } from "vitest";
import { dictOf, z } from "../../../../src/core/kit/zod.ts";
import { RelayHealthyAppsSchema } from "../../../../src/relay/protocol/v1.ts";

describe("maps from IDs from outside, read with zod", () => {
  it("keep every own key, __proto__ included, and read nothing inherited", () => {
    const parsed = dictOf(z.number()).parse(JSON.parse('{"__proto__": 1, "constructor": 2, "toString": 3, "hasOwnProperty": 4}'));
    expect(Object.entries(parsed)).toEqual([["__proto__", 1], ["constructor", 2], ["toString", 3], ["hasOwnProperty", 4]]);
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(dictOf(z.number()).parse({}).constructor).toBeUndefined();
  });

  it("refuse what is not a map of such values", () => {
    for (const bad of [null, [], "x", { a: "1" }]) expect(dictOf(z.number()).safeParse(bad).success).toBe(false);
  });

  it("the relay's healthy apps of an account called __proto__ arrive", () => {
    const body = '{"protocol":1,"sources":[{"id":"main","accounts":{"__proto__":[{"slug":"slack","name":"Slack"}],"constructor":[]}}]}';
    const accounts = RelayHealthyAppsSchema.parse(JSON.parse(body)).sources[0]!.accounts;
    expect(Object.keys(accounts)).toEqual(["__proto__", "constructor"]);
    expect(accounts["__proto__"]).toEqual([{ slug: "slack", name: "Slack" }]);
  });
});
