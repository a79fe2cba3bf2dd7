import { expect, it } from "vitest";
import { accountKey, appKey } from "../../../../src/core/kit/ids.ts";

it("keys accounts and apps by source too, and no ID can forge another's key", () => {
  expect(accountKey("main", "acct-1")).not.toBe(accountKey("s12345678", "acct-1"));
  expect(appKey("main", "a", "b,c")).not.toBe(appKey("main", "a,b", "c"));
  expect(appKey("main", 'a"', "b")).not.toBe(appKey("main", "a", '"b'));
  expect(JSON.parse(appKey("main", "acct-1", "slack"))).toEqual(["main", "acct-1", "slack"]);
});
