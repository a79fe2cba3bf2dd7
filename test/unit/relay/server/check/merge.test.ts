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

it("changes the healthy apps of the re-checked accounts alone, without a copy of the org's list", () => {
  const healthy = { a: [HUBSPOT], b: [SLACK] };
  const merged = mergeHealthy(healthy, { b: [HUBSPOT] }, ["b"]);
  expect(merged).toBe(healthy);
  expect(healthy).toEqual({ a: [HUBSPOT], b: [HUBSPOT] });
  expect(Object.getPrototypeOf(mergeHealthy({}, JSON.parse('{"__proto__":[]}'), ["__proto__"]))).toBe(Object.prototype);
});

it("keeps since and healthy apps of accounts and apps named like Object's own members", () => {
  const HOSTILE = ["constructor", "__proto__", "toString", "hasOwnProperty"];
  const apps = HOSTILE.map((slug) => ({ slug, name: slug }));
  const first = trackSince({}, HOSTILE.map((id) => account(id, { reauth: apps })), 100);
  const second = trackSince(first, [...HOSTILE, "valueOf"].map((id) => account(id, { reauth: [...apps, HUBSPOT] })), 200);
  expect(Object.keys(second)).toEqual([...HOSTILE, "valueOf"]);
  for (const id of HOSTILE) expect(Object.entries(second[id]!)).toEqual([...HOSTILE.map((slug) => [slug, 100]), ["hubspot", 200]]);
  expect(Object.entries(second["valueOf"]!)).toEqual([...HOSTILE.map((slug) => [slug, 200]), ["hubspot", 200]]);
  const healthy = mergeHealthy({ a: [HUBSPOT] }, JSON.parse('{"__proto__":[{"slug":"slack","name":"Slack"}]}'), ["__proto__", "constructor"]);
  expect(Object.entries(healthy)).toEqual([["a", [HUBSPOT]], ["__proto__", [SLACK]], ["constructor", []]]);
});
