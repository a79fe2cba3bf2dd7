import { describe, expect, it } from "vitest";
import { afterCheck } from "../../../../../src/relay/server/alerts/breaks.ts";
import { EMPTY_DESK, type DeskSnapshot } from "../../../../../src/relay/server/alerts/desk.ts";
import type { SourceAlerts } from "../../../../../src/relay/server/alerts/record.ts";
import { account, DAY, HOUR, MINUTE, RULES, T0, view } from "./fixtures.ts";

/** A source whose baseline was taken with `accounts` broken as given. */
function baseline(...accounts: Parameters<typeof view>[0]): SourceAlerts {
  const first = afterCheck(undefined, view(accounts), EMPTY_DESK, T0, RULES);
  expect(first.messages).toEqual([]);
  expect(first.baseline).toBe(true);
  return first.source;
}

describe("what a check means for the team", () => {
  it("takes the first check as the baseline: what is broken then is recorded, not announced", () => {
    const source = baseline(account("acme", ["hubspot", "copper"]), account("globex", []));
    expect(source.open.map((item) => [item.accountId, item.slug])).toEqual([
      ["acme", "hubspot"],
      ["acme", "copper"],
    ]);
    expect(source.fingerprint).toBe("fingerprint-1");
  });

  it("announces each app that newly needs re-authentication once, naming the customer, the app and since when", () => {
    const before = baseline(account("acme", ["hubspot"]));
    const next = afterCheck(before, view([account("acme", ["hubspot", "jira"])], {}, T0 + HOUR), EMPTY_DESK, T0 + HOUR, RULES);
    expect(next.messages).toEqual([
      { type: "break", source: { id: "prod", label: "Production", environment: "production" }, item: { accountId: "acme", accountName: "acme Inc.", slug: "jira", app: "JIRA", since: T0 + HOUR } },
    ]);
    // The same break seen again (a second webhook, the next check, a restart): nothing.
    const again = afterCheck(next.source, view([account("acme", ["hubspot", "jira"])], {}, T0 + HOUR), EMPTY_DESK, T0 + 2 * HOUR, RULES);
    expect(again.messages).toEqual([]);
    expect(again.source).toEqual(next.source);
  });

  it("says when a break is fixed, with how long it lasted and who was on it", () => {
    const before = baseline(account("acme", ["hubspot"]));
    const desk: DeskSnapshot = { claims: [{ sourceId: "prod", accountId: "acme", slug: "hubspot", member: "alice", since: T0 }], mutes: [] };
    const claimed = afterCheck(before, view([account("acme", ["hubspot"])]), desk, T0 + MINUTE, RULES);
    expect(claimed.messages).toEqual([]);
    // The desk ended the claim with the fix: the alerts remember who was on it.
    const fixed = afterCheck(claimed.source, view([account("acme", [])]), EMPTY_DESK, T0 + 3 * HOUR, RULES);
    expect(fixed.messages).toEqual([
      { type: "fixed", source: expect.objectContaining({ id: "prod" }), item: { accountId: "acme", accountName: "acme Inc.", slug: "hubspot", app: "HUBSPOT", since: T0, fixedAt: T0 + 3 * HOUR, claimedBy: "alice" } },
    ]);
    expect(fixed.source.open).toEqual([]);
  });

  it("ends nothing on a check that could not see it: a failed check keeps every break, an account whose fetch failed keeps its own", () => {
    const before = baseline(account("acme", ["hubspot"]), account("globex", ["salesforce"]));
    const failed = afterCheck(before, view([], { error: { kind: "network", at: T0 + MINUTE } }), EMPTY_DESK, T0 + MINUTE, RULES);
    expect(failed.messages).toEqual([]);
    expect(failed.source.open).toHaveLength(2);
    const accountFailed = afterCheck(before, view([account("acme", [], { error: { kind: "server", at: T0 } }), account("globex", ["salesforce"])]), EMPTY_DESK, T0 + MINUTE, RULES);
    expect(accountFailed.messages).toEqual([]);
  });

  it("says an account gone from a complete listing took its breaks with it", () => {
    const before = baseline(account("acme", ["hubspot"]));
    const gone = afterCheck(before, view([]), EMPTY_DESK, T0 + DAY, RULES);
    expect(gone.messages).toMatchObject([{ type: "fixed", item: { accountId: "acme", removed: true } }]);
  });

  it("sends one summary by app when more than five break at once, and up to five one by one", () => {
    const before = baseline(...["a", "b", "c", "d", "e", "f"].map((id) => account(id, [])));
    const five = afterCheck(before, view(["a", "b", "c", "d", "e"].map((id) => account(id, ["hubspot"]))), EMPTY_DESK, T0 + HOUR, RULES);
    expect(five.messages.map((message) => message.type)).toEqual(["break", "break", "break", "break", "break"]);
    const six = afterCheck(before, view([...["a", "b", "c", "d", "e"].map((id) => account(id, ["hubspot"])), account("f", ["jira"])]), EMPTY_DESK, T0 + HOUR, RULES);
    expect(six.messages).toMatchObject([{ type: "breaks", count: 6, apps: [{ slug: "hubspot", count: 5 }, { slug: "jira", count: 1 }] }]);
    // And when they are fixed together, one summary too.
    const fixed = afterCheck(six.source, view(["a", "b", "c", "d", "e", "f"].map((id) => account(id, []))), EMPTY_DESK, T0 + 2 * HOUR, RULES);
    expect(fixed.messages).toMatchObject([{ type: "fixes", count: 6 }]);
  });

  it("starts a new baseline when the source's settings changed (another key, other accounts)", () => {
    const before = baseline(account("acme", ["hubspot"]));
    const other = afterCheck(before, view([account("acme", ["hubspot", "jira"])], { source: "fingerprint-2" }), EMPTY_DESK, T0 + HOUR, RULES);
    expect(other.messages).toEqual([]);
    expect(other.baseline).toBe(true);
    expect(other.source.open).toHaveLength(2);
  });

  it("waits for a check that worked before it takes a baseline", () => {
    const failed = afterCheck(undefined, view([], { checkedAt: undefined, error: { kind: "network", at: T0 } }), EMPTY_DESK, T0, RULES);
    expect(failed.source.fingerprint).toBeUndefined();
    expect(failed.baseline).toBeUndefined();
  });
});

describe("the relay's own trouble", () => {
  it("says at once that Cobalt rejects the key, once, and that it works again", () => {
    const before = baseline(account("acme", []));
    const rejected = afterCheck(before, view([account("acme", [])], { error: { kind: "unauthorized", at: T0 } }), EMPTY_DESK, T0 + MINUTE, RULES);
    expect(rejected.messages).toEqual([{ type: "trouble", source: expect.objectContaining({ id: "prod" }), problem: "key-rejected", errorKind: "unauthorized", since: T0 + MINUTE }]);
    const still = afterCheck(rejected.source, view([account("acme", [])], { error: { kind: "unauthorized", at: T0 } }), EMPTY_DESK, T0 + HOUR, RULES);
    expect(still.messages).toEqual([]);
    const back = afterCheck(still.source, view([account("acme", [])]), EMPTY_DESK, T0 + 2 * HOUR, RULES);
    expect(back.messages).toEqual([{ type: "recovered", source: expect.objectContaining({ id: "prod" }), problem: "key-rejected", since: T0 + MINUTE, at: T0 + 2 * HOUR }]);
    expect(back.source.trouble).toBeUndefined();
  });

  it("says that Cobalt cannot be reached only after 15 minutes of failing, and a short failure not at all", () => {
    const before = baseline(account("acme", []));
    const failing = (at: number) => view([account("acme", [])], { error: { kind: "network", at } });
    const first = afterCheck(before, failing(T0), EMPTY_DESK, T0 + MINUTE, RULES);
    expect(first.messages).toEqual([]);
    const fourteen = afterCheck(first.source, failing(T0), EMPTY_DESK, T0 + 15 * MINUTE - 1, RULES);
    expect(fourteen.messages).toEqual([]);
    const recoveredQuietly = afterCheck(fourteen.source, view([account("acme", [])]), EMPTY_DESK, T0 + 15 * MINUTE, RULES);
    expect(recoveredQuietly.messages).toEqual([]);
    const fifteen = afterCheck(first.source, failing(T0), EMPTY_DESK, T0 + 16 * MINUTE, RULES);
    expect(fifteen.messages).toMatchObject([{ type: "trouble", problem: "unreachable", errorKind: "network", since: T0 + MINUTE }]);
    // Once said, its recovery is said too, once.
    const back = afterCheck(fifteen.source, view([account("acme", [])]), EMPTY_DESK, T0 + HOUR, RULES);
    expect(back.messages).toEqual([{ type: "recovered", source: expect.objectContaining({ id: "prod" }), problem: "unreachable", since: T0 + MINUTE, at: T0 + HOUR }]);
    expect(afterCheck(back.source, view([account("acme", [])]), EMPTY_DESK, T0 + 2 * HOUR, RULES).messages).toEqual([]);
  });
});
