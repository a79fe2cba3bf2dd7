import { describe, expect, it } from "vitest";
import {
  FOLLOW_UP_AFTER_MS,
  KEEP_OUTCOME_MS,
  dueRechecks,
  followUpRow,
  maxPerRun,
  parseFollowUps,
  pruneFollowUps,
  settleFollowUps,
  startFollowUp,
  tabClosed,
  type FollowUp,
  type RecheckBudget,
} from "../../../../src/core/alerts/followups.ts";
import type { Status } from "../../../../src/core/status/model.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";

// Follow-up after Reconnect: re-check that linked account when the tab closes and at 1, 3
// and 10 minutes; a copied link over a longer window; never more than the request budget allows.

const T0 = 1_750_000_000_000;
const MIN = 60_000;
const SOURCE = "main";
const settings = makeSettings({ linkedAccountIds: ["acct-1", "acct-2"] });
const HUBSPOT = { sourceId: SOURCE, accountId: "acct-1", slug: "hubspot", name: "Hubspot" };
const SLACK = { sourceId: SOURCE, accountId: "acct-1", slug: "slack", name: "Slack" };
const budget = (overrides: Partial<RecheckBudget> = {}) => (sourceId: string): RecheckBudget | undefined => (sourceId === SOURCE ? { requestsPerMinute: 120, ...overrides } : undefined);

function statusWith(at: number, reauth: string[], error = false): Status {
  const acct = account("acct-1", { checkedAt: at, reauth: reauth.map((slug) => ({ slug, name: slug, since: T0 - MIN })) });
  if (error) acct.error = { kind: "server", at };
  return makeStatus(settings, { checkedAt: T0 - 5 * MIN, accounts: [acct, account("acct-2", { checkedAt: T0 - 5 * MIN })] });
}

describe("the follow-up schedule", () => {
  it("after Reconnect: 1, 3 and 10 minutes; after Copy link: 5, 15, 30 and 60 minutes", () => {
    expect(FOLLOW_UP_AFTER_MS).toEqual({ reconnect: [1, 3, 10].map((m) => m * MIN), copy: [5, 15, 30, 60].map((m) => m * MIN) });
    expect(startFollowUp([], HUBSPOT, "reconnect", T0)).toEqual([{ ...HUBSPOT, kind: "reconnect", startedAt: T0, due: [T0 + MIN, T0 + 3 * MIN, T0 + 10 * MIN] }]);
    expect(startFollowUp([], HUBSPOT, "copy", T0)[0]!.due).toEqual([T0 + 5 * MIN, T0 + 15 * MIN, T0 + 30 * MIN, T0 + 60 * MIN]);
  });

  it("nothing is due at once; the first re-check is a minute later", () => {
    const list = startFollowUp([], HUBSPOT, "reconnect", T0);
    expect(dueRechecks(list, budget(), T0)).toEqual({ due: [], nextAt: T0 + MIN });
    // Then the next one, at 3 minutes.
    expect(dueRechecks(list, budget(), T0 + MIN)).toEqual({ due: [{ sourceId: SOURCE, accountIds: ["acct-1"] }], nextAt: T0 + 3 * MIN });
  });

  it("the reconnect tab closing makes a re-check due then", () => {
    const list = tabClosed(startFollowUp([], HUBSPOT, "reconnect", T0), HUBSPOT, T0 + 20_000);
    expect(list[0]!.due).toEqual([T0 + 20_000, T0 + MIN, T0 + 3 * MIN, T0 + 10 * MIN]);
    expect(dueRechecks(list, budget(), T0 + 20_000).due).toEqual([{ sourceId: SOURCE, accountIds: ["acct-1"] }]);
    // A copied link has no tab.
    expect(tabClosed(startFollowUp([], HUBSPOT, "copy", T0), HUBSPOT, T0 + 20_000)[0]!.due[0]).toBe(T0 + 5 * MIN);
  });

  it("coalesces follow-ups of the same linked account into one re-check", () => {
    const list = startFollowUp(startFollowUp([], HUBSPOT, "reconnect", T0), SLACK, "copy", T0 - 4 * MIN);
    expect(dueRechecks(list, budget(), T0 + MIN).due).toEqual([{ sourceId: SOURCE, accountIds: ["acct-1"] }]);
  });

  it("starting again for the same app restarts its schedule", () => {
    const list = startFollowUp(startFollowUp([], HUBSPOT, "copy", T0), HUBSPOT, "reconnect", T0 + 2 * MIN);
    expect(list).toHaveLength(1);
    expect(list[0]!.kind).toBe("reconnect");
    expect(list[0]!.due[0]).toBe(T0 + 3 * MIN);
  });
});

describe("within the request budget", () => {
  it("waits for the source's backoff (a rate limit, a failure) to end", () => {
    const list = startFollowUp([], HUBSPOT, "reconnect", T0);
    expect(dueRechecks(list, budget({ notBefore: T0 + 5 * MIN }), T0 + MIN)).toEqual({ due: [], nextAt: T0 + 5 * MIN });
  });

  it("starts no sooner than one budget interval after the source's last request", () => {
    const list = startFollowUp([], HUBSPOT, "reconnect", T0);
    // 120 requests a minute: one every 500 ms.
    expect(dueRechecks(list, budget({ lastRequestAt: T0 + MIN - 100 }), T0 + MIN)).toEqual({ due: [], nextAt: T0 + MIN + 400 });
  });

  it("takes a bounded number of accounts per run, the earliest due first, and says when the rest are", () => {
    expect(maxPerRun(10)).toBe(1);
    expect(maxPerRun(120)).toBe(12);
    let list: FollowUp[] = [];
    for (let i = 0; i < 3; i++) list = startFollowUp(list, { ...HUBSPOT, accountId: `acct-${3 - i}` }, "reconnect", T0 + i * 1000);
    const slow = (sourceId: string) => (sourceId === SOURCE ? { requestsPerMinute: 10 } : undefined);
    // One every 6 s at 10 a minute.
    expect(dueRechecks(list, slow, T0 + 2 * MIN)).toEqual({ due: [{ sourceId: SOURCE, accountIds: ["acct-3"] }], nextAt: T0 + 2 * MIN + 6_000 });
  });

  it("never asks more than the budget in any minute, however many follow-ups are pending", () => {
    const rpm = 10;
    let list: FollowUp[] = [];
    for (let i = 0; i < 40; i++) {
      list = startFollowUp(list, { ...HUBSPOT, accountId: `acct-${i}` }, "reconnect", T0);
      list = tabClosed(list, { ...HUBSPOT, accountId: `acct-${i}` }, T0 + 1000);
    }
    const requests: number[] = [];
    let lastRequestAt: number | undefined;
    let now = T0;
    for (let step = 0; step < 1000 && now < T0 + 60 * MIN; step++) {
      const plan = dueRechecks(list, (id) => (id === SOURCE ? { requestsPerMinute: rpm, ...(lastRequestAt !== undefined && { lastRequestAt }) } : undefined), now);
      for (const { accountIds } of plan.due) {
        // checkAccounts paces its own requests at the budget: one every 60/rpm s.
        accountIds.forEach((_, i) => requests.push(now + (i * MIN) / rpm));
        lastRequestAt = requests[requests.length - 1];
        const status = makeStatus(settings, { accounts: list.map((f) => account(f.accountId, { checkedAt: now, reauth: [{ slug: "hubspot", name: "Hubspot" }] })) });
        list = settleFollowUps(list, { sourceId: SOURCE, status, now, rechecked: accountIds });
      }
      if (plan.nextAt === undefined) break;
      now = Math.max(now + 1, plan.nextAt);
    }
    expect(requests.length).toBeGreaterThan(40);
    for (const at of requests) expect(requests.filter((t) => t >= at && t < at + MIN).length).toBeLessThanOrEqual(rpm);
  });

  it("skips sources that no longer exist", () => {
    const list = startFollowUp([], { ...HUBSPOT, sourceId: "gone" }, "reconnect", T0);
    expect(dueRechecks(list, budget(), T0 + MIN)).toEqual({ due: [] });
  });
});

describe("the outcome of a follow-up", () => {
  const started = startFollowUp([], HUBSPOT, "reconnect", T0);

  it("fixed: the row says when (and the follow-up needs no more re-checks)", () => {
    const list = settleFollowUps(started, { sourceId: SOURCE, status: statusWith(T0 + MIN, ["slack"]), now: T0 + MIN, rechecked: ["acct-1"] });
    expect(list[0]!.outcome).toEqual({ fixed: true, at: T0 + MIN });
    expect(list[0]!.due).toEqual([]);
    expect(followUpRow(list, HUBSPOT, T0 + MIN)).toEqual({ state: "fixed", at: T0 + MIN });
    expect(dueRechecks(list, budget(), T0 + 10 * MIN)).toEqual({ due: [] });
  });

  it("a full check that sees the app fixed settles it too", () => {
    const list = settleFollowUps(started, { sourceId: SOURCE, status: statusWith(T0 + 30_000, []), now: T0 + 30_000 });
    expect(list[0]!.outcome).toEqual({ fixed: true, at: T0 + 30_000 });
  });

  it("fixed when a relay's compact status no longer lists the account (it has nothing left to show), as of that status", () => {
    const compact = (at: number): Status => makeStatus(settings, { checkedAt: at, accounts: [account("acct-2", { checkedAt: at })], relay: { sources: ["team"], unlisted: { accounts: 1, healthyApps: 2 } } });
    const list = settleFollowUps(started, { sourceId: SOURCE, status: compact(T0 + MIN), now: T0 + MIN, rechecked: ["acct-1"] });
    expect(list[0]!.outcome).toEqual({ fixed: true, at: T0 + MIN });
    // A status older than the follow-up proves nothing: it goes on.
    expect(settleFollowUps(started, { sourceId: SOURCE, status: compact(T0 - MIN), now: T0 + MIN })[0]!.outcome).toBeUndefined();
  });

  it("still broken after the last re-check: the row says so", () => {
    let list = started;
    for (const at of [T0 + MIN, T0 + 3 * MIN]) {
      list = settleFollowUps(list, { sourceId: SOURCE, status: statusWith(at, ["hubspot"]), now: at, rechecked: ["acct-1"] });
      expect(followUpRow(list, HUBSPOT, at)).toEqual({ state: "following" });
    }
    list = settleFollowUps(list, { sourceId: SOURCE, status: statusWith(T0 + 10 * MIN, ["hubspot"]), now: T0 + 10 * MIN, rechecked: ["acct-1"] });
    expect(list[0]!.outcome).toEqual({ fixed: false, at: T0 + 10 * MIN });
    expect(followUpRow(list, HUBSPOT, T0 + 10 * MIN)).toEqual({ state: "still-broken", at: T0 + 10 * MIN });
  });

  it("a re-check that failed uses up its turn but proves nothing: data from before the follow-up is not a fix", () => {
    const before = makeStatus(settings, { accounts: [account("acct-1", { checkedAt: T0 - MIN, reauth: [], error: { kind: "server", at: T0 + MIN } })] });
    const list = settleFollowUps(started, { sourceId: SOURCE, status: before, now: T0 + MIN, rechecked: ["acct-1"] });
    expect(list[0]!.outcome).toBeUndefined();
    expect(list[0]!.due).toEqual([T0 + 3 * MIN, T0 + 10 * MIN]);
  });

  it("is forgotten with its linked account, its source, or an hour after its outcome", () => {
    const gone = settleFollowUps(started, { sourceId: SOURCE, status: makeStatus(settings, { accounts: [account("acct-2")] }), now: T0 + MIN });
    expect(gone).toEqual([]);
    const fixed = settleFollowUps(started, { sourceId: SOURCE, status: statusWith(T0 + MIN, []), now: T0 + MIN });
    expect(KEEP_OUTCOME_MS).toBe(60 * MIN);
    expect(pruneFollowUps(fixed, T0 + MIN + KEEP_OUTCOME_MS - 1, new Set([SOURCE]))).toEqual(fixed);
    expect(pruneFollowUps(fixed, T0 + MIN + KEEP_OUTCOME_MS, new Set([SOURCE]))).toEqual([]);
    expect(pruneFollowUps(started, T0, new Set(["other"]))).toEqual([]);
    expect(followUpRow(fixed, HUBSPOT, T0 + MIN + KEEP_OUTCOME_MS)).toBeUndefined();
  });

  it("leaves other sources' follow-ups alone", () => {
    const other = startFollowUp(started, { ...HUBSPOT, sourceId: "s0other00" }, "copy", T0);
    const list = settleFollowUps(other, { sourceId: SOURCE, status: statusWith(T0 + MIN, []), now: T0 + MIN });
    expect(list.find((f) => f.sourceId === "s0other00")).toEqual(other[1]);
  });
});

describe("stored follow-ups (untrusted storage)", () => {
  it("read back what was stored; a damaged entry is dropped alone; unknown fields are accepted", () => {
    const list = settleFollowUps(startFollowUp(startFollowUp([], HUBSPOT, "reconnect", T0), { ...HUBSPOT, accountId: "acct-2" }, "copy", T0), {
      sourceId: SOURCE,
      status: statusWith(T0 + MIN, []),
      now: T0 + MIN,
    });
    const raw = JSON.parse(JSON.stringify(list)) as Record<string, unknown>[];
    expect(parseFollowUps(raw)).toEqual(list);
    expect(parseFollowUps([{ ...raw[0], kind: "smoke signal" }, { ...raw[1], later: 1 }, 7])).toEqual([list[1]]);
    expect(parseFollowUps("nope")).toEqual([]);
  });
});
