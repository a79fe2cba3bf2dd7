import { expect, it } from "vitest";
import { mergeAccounts, mergeHealthy, trackSince } from "../../../../../src/relay/server/check/merge.ts";
import { account } from "../../../support/fixtures.ts";
import { STATUS_VERSION, type Status } from "../../../../../src/core/status/model.ts";

const HUBSPOT = { slug: "hubspot", name: "HubSpot" };
const SLACK = { slug: "slack", name: "Slack" };

it("keeps when an app was first seen broken, stamps new ones, and forgets fixed ones", () => {
  const first = trackSince({}, [account("a", { reauth: [HUBSPOT] }), account("b")], 100);
  expect(first).toEqual({ a: { hubspot: 100 } });
  const second = trackSince(first, [account("a", { reauth: [HUBSPOT, SLACK] })], 200);
  expect(second).toEqual({ a: { hubspot: 100, slack: 200 } });
  const fixed = trackSince(second, [account("a", { reauth: [SLACK] })], 300);
  expect(fixed).toEqual({ a: { slack: 200 } });
  expect(trackSince(fixed, [account("a", { reauth: [HUBSPOT, SLACK] })], 400)).toEqual({ a: { hubspot: 400, slack: 200 } });
});

it("replaces re-checked accounts in place, and adds new ones only when asked", () => {
  const status: Status = { schemaVersion: STATUS_VERSION, source: "s", checkedAt: 1, accounts: [account("a"), account("b")] };
  const updated = mergeAccounts(status, [account("b", { reauth: [SLACK] }), account("c")], false);
  expect(updated.accounts.map((a) => [a.id, a.reauth.length])).toEqual([["a", 0], ["b", 1]]);
  expect(updated.checkedAt).toBe(1);
  expect(mergeAccounts(status, [account("c")], true).accounts.map((a) => a.id)).toEqual(["a", "b", "c"]);
  expect(status.accounts.map((a) => a.id)).toEqual(["a", "b"]);
  expect(mergeHealthy({ a: [HUBSPOT], b: [SLACK] }, { b: [] }, ["b", "c"])).toEqual({ a: [HUBSPOT], b: [], c: [] });
});
