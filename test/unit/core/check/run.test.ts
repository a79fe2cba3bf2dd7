import { describe, expect, it } from "vitest";
import { ApiError } from "../../../../src/core/api/errors.ts";
import { MAX_INLINE_WAIT_MS, runCheck, type CheckContext, type CheckResult, type Throttled } from "../../../../src/core/check/run.ts";
import { parsePendingBackoff, resumeAfterStop, type PendingBackoff } from "../../../../src/core/check/interrupted.ts";
import { MAX_LISTING_PAGES } from "../../../../src/core/check/plan.ts";
import { shouldCheck } from "../../../../src/core/check/schedule.ts";
import { sourceKey } from "../../../../src/core/settings/fingerprint.ts";
import { type CheckSettings } from "../../../../src/core/settings/model.ts";
import { EMPTY_STATUS, STATUS_VERSION, type HealthyApps, type Status } from "../../../../src/core/status/model.ts";
import { checkAccounts } from "../../../../src/core/check/accounts.ts";
import { decodeResults, planResultsWrite } from "../../../../src/core/store/codec.ts";
import { FakeClock } from "../../support/clock.ts";
import { FakeClient, account, app, appList, linkedAccount, makeSettings, makeStatus, page, reauthApp } from "../../support/fixtures.ts";

const T0 = 1_750_000_000_000;
const IDS = ["acct-1", "acct-2", "acct-3"];
/** 120 requests per minute: one slot every 500 ms. */
const listed = makeSettings({ linkedAccountIds: IDS, requestsPerMinute: 120, intervalMinutes: 5 });
const everyAccount = makeSettings({ linkedAccountIds: [], requestsPerMinute: 120, intervalMinutes: 5 });

const HUBSPOT = { slug: "hubspot", name: "Hubspot" };
const SLACK = { slug: "slack", name: "Slack" };
const GMAIL = { slug: "gmail", name: "Gmail" };

interface Setup {
  settings?: CheckSettings;
  previous?: Status;
  previousHealthy?: HealthyApps;
  manual?: boolean;
  pageSize?: number;
  onThrottle?: CheckContext["onThrottle"];
  clock?: FakeClock;
  onSleep?: (ms: number) => void;
}

async function check(client: FakeClient, setup: Setup = {}): Promise<{ result: CheckResult; clock: FakeClock }> {
  const clock = setup.clock ?? new FakeClock(T0);
  const ctx: CheckContext = {
    client,
    settings: setup.settings ?? listed,
    previous: setup.previous ?? EMPTY_STATUS,
    previousHealthy: setup.previousHealthy ?? {},
    manual: setup.manual ?? false,
    now: clock.now,
    sleep: setup.onSleep ? (ms) => (setup.onSleep!(ms), clock.sleep(ms)) : clock.sleep,
    random: () => 0.5,
  };
  if (setup.pageSize !== undefined) ctx.pageSize = setup.pageSize;
  if (setup.onThrottle) ctx.onThrottle = setup.onThrottle;
  const result = await clock.run(runCheck(ctx));
  return { result, clock };
}

const serverError = () => new ApiError("server", { status: 502 });
const networkError = () => new ApiError("network");
const unauthorized = () => new ApiError("unauthorized", { status: 401 });
const notFound = () => new ApiError("not-found", { status: 404 });
const rateLimited = (retryAfterMs?: number) => new ApiError("rate-limited", { status: 429, retryAfterMs });

/** A previous check of `listed` that found re-auth work, 10 minutes before T0. */
const P = T0 - 10 * 60_000;
function previousListed(overrides: Partial<Status> = {}): Status {
  return makeStatus(listed, {
    checkedAt: P,
    cycle: 4,
    accounts: [
      account("acct-1", { name: "Acme", checkedAt: P, reauth: [HUBSPOT], healthyCount: 1 }),
      account("acct-2", { checkedAt: P, reauth: [SLACK, GMAIL], healthyCount: 0 }),
      account("acct-3", { checkedAt: P, healthyCount: 2 }),
    ],
    lastRun: { ms: 900, requests: 3 },
    ...overrides,
  });
}
const PREVIOUS_HEALTHY: HealthyApps = { "acct-1": [SLACK], "acct-2": [], "acct-3": [HUBSPOT, GMAIL] };

describe("listed linked accounts", () => {
  it("checks each listed account once and records what it found", async () => {
    const client = new FakeClient()
      .setApps("acct-1", appList(reauthApp("hubspot", { auth_type: "oauth2", icon: "https://logos.test/hubspot.png" }), app("slack")))
      .setApps("acct-2", appList(app("gmail"), app("zoom"), app("drive", { connected: undefined })))
      .setApps("acct-3", appList(app("netsuite", { connected_accounts: [{ status: "expired" }] })));
    const previous = makeStatus(listed, { accounts: [account("acct-2", { name: "Beta" })] });
    const { result, clock } = await check(client, { previous });

    expect(client.appCalls()).toEqual(["acct-1", "acct-2", "acct-3"]);
    expect(result.requests).toBe(3);
    const end = clock.now();
    expect(end).toBe(T0 + 1000); // three requests, 500 ms apart
    expect(result.status).toEqual({
      schemaVersion: STATUS_VERSION,
      source: sourceKey(listed),
      cycle: 1,
      fullCheckCursor: 0,
      checkedAt: end,
      lastRun: { ms: 1000, requests: 3 },
      accounts: [
        {
          id: "acct-1",
          checkedAt: end,
          // First seen needing re-authentication by this check (since-when).
          reauth: [{ slug: "hubspot", name: "Hubspot", icon: "https://logos.test/hubspot.png", authType: "oauth2", since: end }],
          healthyCount: 1,
        },
        { id: "acct-2", name: "Beta", checkedAt: end, reauth: [], healthyCount: 2 },
        { id: "acct-3", checkedAt: end, reauth: [{ slug: "netsuite", name: "Netsuite", since: end }], healthyCount: 0 },
      ],
    });
    expect(result.healthy).toEqual({
      "acct-1": [SLACK],
      "acct-2": [GMAIL, { slug: "zoom", name: "Zoom" }],
      "acct-3": [],
    });
  });

  it("records items it could not read on the account", async () => {
    const client = new FakeClient().setApps("acct-1", { apps: [app("slack")], skipped: 2 });
    const { result } = await check(client, { settings: makeSettings({ linkedAccountIds: ["acct-1"] }) });
    expect(result.status.accounts[0]!.skipped).toBe(2);
  });

  it("clears a previous failure and its backoff once a check succeeds", async () => {
    const client = new FakeClient().setApps("acct-1", appList()).setApps("acct-2", appList()).setApps("acct-3", appList());
    const previous = previousListed({ error: { kind: "server", at: P }, backoff: { failures: 3, notBefore: T0 - 1 } });
    const { result } = await check(client, { previous, previousHealthy: PREVIOUS_HEALTHY });
    expect(result.status.error).toBeUndefined();
    expect(result.status.backoff).toBeUndefined();
    expect(result.status.cycle).toBe(5);
    expect(result.status.accounts.map((a) => [a.id, a.name, a.reauth.length])).toEqual([
      ["acct-1", "Acme", 0],
      ["acct-2", undefined, 0],
      ["acct-3", undefined, 0],
    ]);
  });

  it("marks a 404 account and keeps checking the others, without a global error", async () => {
    const client = new FakeClient()
      .setApps("acct-1", appList(reauthApp("hubspot")))
      .setApps("acct-2", notFound())
      .setApps("acct-3", appList(app("slack")));
    const { result, clock } = await check(client);
    expect(client.appCalls()).toEqual(IDS);
    expect(result.status.error).toBeUndefined();
    expect(result.status.backoff).toBeUndefined();
    expect(result.status.checkedAt).toBe(clock.now());
    const [one, two, three] = result.status.accounts;
    expect(one).toEqual({ id: "acct-1", checkedAt: clock.now(), reauth: [{ ...HUBSPOT, since: clock.now() }], healthyCount: 0 });
    expect(three).toEqual({ id: "acct-3", checkedAt: clock.now(), reauth: [], healthyCount: 1 });
    // Cobalt does not know that account: stored as such, with the account, worded when shown.
    expect(two!.error).toEqual({ kind: "not-found", status: 404, cause: "no-account", accountId: "acct-2", at: clock.now() });
    expect(two!.reauth).toEqual([]);
    expect(two!.checkedAt).toBeUndefined();
  });

  it("keeps the last good data when every account fails with 5xx, and backs off", async () => {
    const client = new FakeClient().setApps("acct-1", serverError()).setApps("acct-2", serverError()).setApps("acct-3", serverError());
    const previous = previousListed();
    const { result, clock } = await check(client, { previous, previousHealthy: PREVIOUS_HEALTHY });
    const now = clock.now();
    expect(client.appCalls()).toEqual(IDS);
    expect(result.status.error).toEqual({ kind: "server", status: 502, at: now });
    expect(result.status.backoff).toEqual({ failures: 1, notBefore: now + 30_000 });
    expect(result.status.checkedAt).toBe(P);
    expect(result.status.lastRun).toBeUndefined();
    expect(result.status.accounts.map((a) => [a.id, a.reauth, a.healthyCount, a.checkedAt, a.error?.kind])).toEqual([
      ["acct-1", [HUBSPOT], 1, P, "server"],
      ["acct-2", [SLACK, GMAIL], 0, P, "server"],
      ["acct-3", [], 2, P, "server"],
    ]);
    expect(result.status.accounts[0]!.name).toBe("Acme");
    expect(result.healthy).toEqual(PREVIOUS_HEALTHY);
  });

  it("grows the backoff when failures repeat", async () => {
    const client = new FakeClient().setApps("acct-1", serverError()).setApps("acct-2", serverError()).setApps("acct-3", serverError());
    const previous = previousListed({ error: { kind: "server", at: P }, backoff: { failures: 1, notBefore: T0 - 1 } });
    const { result, clock } = await check(client, { previous });
    // Second failure in a row: at least one interval (5 minutes).
    expect(result.status.backoff).toEqual({ failures: 2, notBefore: clock.now() + 300_000 });
  });

  it("stops on 401, keeps the previous data and does not back off", async () => {
    const client = new FakeClient().setApps("acct-1", unauthorized()).setApps("acct-2", appList()).setApps("acct-3", appList());
    const previous = previousListed();
    const { result, clock } = await check(client, { previous, previousHealthy: PREVIOUS_HEALTHY });
    expect(client.appCalls()[0]).toBe("acct-1");
    expect(result.status.error).toEqual({ kind: "unauthorized", status: 401, at: clock.now() });
    expect(result.status.backoff).toBeUndefined();
    expect(result.status.checkedAt).toBe(P);
    expect(result.status.accounts[0]).toEqual(previous.accounts[0]);
    expect(result.status.accounts[0]!.error).toBeUndefined();
    expect(result.healthy["acct-1"]).toEqual([SLACK]);
  });

  it("makes no further request once a 401 has stopped the check", async () => {
    const client = new FakeClient().setApps("acct-1", unauthorized()).setApps("acct-2", appList()).setApps("acct-3", appList());
    const { result } = await check(client, { previous: previousListed() });
    // The other workers were still waiting for their slot: they must not spend the key.
    expect(client.appCalls()).toEqual(["acct-1"]);
    expect(result.requests).toBe(1);
  });

  it("gives up after 3 network failures in a row with no success", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `acct-${i + 1}`);
    const settings = makeSettings({ linkedAccountIds: ids, requestsPerMinute: 120 });
    const client = new FakeClient();
    for (const id of ids) client.setApps(id, networkError());
    const previous = makeStatus(settings, { checkedAt: P, accounts: ids.map((id) => account(id, { checkedAt: P, reauth: [HUBSPOT] })) });
    const { result, clock } = await check(client, { settings, previous });
    expect(result.status.error?.kind).toBe("network");
    expect(result.status.backoff).toEqual({ failures: 1, notBefore: clock.now() + 30_000 });
    expect(result.status.checkedAt).toBe(P);
    for (const id of ["acct-1", "acct-2", "acct-3"]) {
      expect(result.status.accounts.find((a) => a.id === id)!.error?.kind, id).toBe("network");
    }
    for (const kept of result.status.accounts.slice(5)) {
      expect(kept.error, kept.id).toBeUndefined();
      expect(kept.reauth, kept.id).toEqual([HUBSPOT]);
      expect(kept.checkedAt, kept.id).toBe(P);
    }
  });

  it("makes no request beyond the 3 network failures that stopped the check", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `acct-${i + 1}`);
    const settings = makeSettings({ linkedAccountIds: ids, requestsPerMinute: 120 });
    const client = new FakeClient();
    for (const id of ids) client.setApps(id, networkError());
    const { result } = await check(client, { settings });
    expect(client.appCalls()).toEqual(["acct-1", "acct-2", "acct-3"]);
    expect(result.requests).toBe(3);
  });

  it("keeps going through network failures once one account succeeded", async () => {
    const ids = ["acct-1", "acct-2", "acct-3", "acct-4", "acct-5"];
    const settings = makeSettings({ linkedAccountIds: ids, requestsPerMinute: 120 });
    const client = new FakeClient()
      .setApps("acct-1", appList(reauthApp("hubspot")))
      .setApps("acct-2", networkError())
      .setApps("acct-3", networkError())
      .setApps("acct-4", networkError())
      .setApps("acct-5", appList());
    const { result } = await check(client, { settings, manual: false });
    expect(client.appCalls()).toEqual(ids);
    expect(result.status.error).toBeUndefined();
    expect(result.status.accounts.map((a) => a.error?.kind)).toEqual([undefined, "network", "network", "network", undefined]);
  });

  it("waits out a Retry-After and retries the same account", async () => {
    const settings = makeSettings({ linkedAccountIds: ["acct-1"], requestsPerMinute: 120 });
    const client = new FakeClient().setApps("acct-1", rateLimited(2000), appList(reauthApp("hubspot")));
    const { result, clock } = await check(client, { settings });
    expect(client.appCalls()).toEqual(["acct-1", "acct-1"]);
    expect(clock.now() - T0).toBeGreaterThanOrEqual(2000);
    expect(result.status.error).toBeUndefined();
    expect(result.status.accounts).toEqual([{ id: "acct-1", checkedAt: clock.now(), reauth: [{ ...HUBSPOT, since: clock.now() }], healthyCount: 0 }]);
    expect(result.status.lastRun).toEqual({ ms: clock.now() - T0, requests: 2 });
  });

  it("slows the rest of the check down after a throttling answer", async () => {
    const ids = ["acct-1", "acct-2", "acct-3", "acct-4", "acct-5", "acct-6"];
    const settings = makeSettings({ linkedAccountIds: ids, requestsPerMinute: 120 });
    const client = new FakeClient().setApps("acct-1", rateLimited(2000), appList());
    for (const id of ids.slice(1)) client.setApps(id, appList());
    const { result, clock } = await check(client, { settings });
    expect(result.status.error).toBeUndefined();
    expect(result.status.accounts.every((a) => a.error === undefined)).toBe(true);
    expect(client.appCalls()).toHaveLength(7);
    // Slots at 0, 0.5, 1 s; the throttling answer at 0 s pauses until 2 s and doubles the spacing
    // to 1 s. The requests already waiting for 0.5 and 1 s queue again behind the pause instead of
    // firing into it: the retry at 2 s, then 3, 4, 5, 6 and 7 s. At the old pace: 3.5 s.
    expect(clock.now() - T0).toBe(7000);
  });

  it("gives up with rate-limited and backs off when throttling persists", async () => {
    const settings = makeSettings({ linkedAccountIds: ["acct-1"], requestsPerMinute: 120 });
    const client = new FakeClient().setApps("acct-1", rateLimited());
    const previous = makeStatus(settings, { checkedAt: P, accounts: [account("acct-1", { checkedAt: P, reauth: [HUBSPOT] })] });
    const { result, clock } = await check(client, { settings, previous });
    expect(client.appCalls()).toEqual(["acct-1", "acct-1", "acct-1"]); // first try + 2 retries
    expect(clock.now() - T0).toBeGreaterThanOrEqual(2_000 + 4_000);
    expect(clock.now() - T0).toBeLessThan(10_000);
    expect(result.status.error?.kind).toBe("rate-limited");
    // Measured from the last throttling answer, which is also when a Refresh is allowed again from.
    expect(result.status.backoff).toEqual({ failures: 1, notBefore: clock.now() + 30_000, throttledAt: clock.now() });
    expect(result.status.checkedAt).toBe(P);
    expect(result.status.accounts[0]!.reauth).toEqual([HUBSPOT]);
  });

  it("does not wait inline for a long Retry-After: it ends the check and backs off exactly that long", async () => {
    const settings = makeSettings({ linkedAccountIds: ["acct-1", "acct-2"], requestsPerMinute: 120 });
    const client = new FakeClient().setApps("acct-1", rateLimited(120_000)).setApps("acct-2", appList());
    const { result, clock } = await check(client, { settings });
    expect(client.appCalls().filter((id) => id === "acct-1")).toHaveLength(1);
    expect(clock.now() - T0).toBeLessThan(60_000);
    expect(result.status.error?.kind).toBe("rate-limited");
    expect(result.status.backoff).toEqual({ failures: 1, notBefore: T0 + 120_000, retryAfterUntil: T0 + 120_000, throttledAt: T0 });
  });

  // A browser stops an idle background after 30 s; a wait longer than a few
  // seconds inside the check can outlive it, and with it the check's result and the Retry-After.
  it("waits inline only a few seconds: a Retry-After of 6 s ends the check with that backoff", async () => {
    expect(MAX_INLINE_WAIT_MS).toBe(5_000);
    const settings = makeSettings({ linkedAccountIds: ["acct-1"], requestsPerMinute: 120 });
    const client = new FakeClient().setApps("acct-1", rateLimited(6_000), appList());
    const { result, clock } = await check(client, { settings });
    expect(client.appCalls()).toEqual(["acct-1"]);
    expect(clock.sleeps.every((ms) => ms <= MAX_INLINE_WAIT_MS)).toBe(true);
    expect(result.status.error?.kind).toBe("rate-limited");
    expect(result.status.backoff).toEqual({ failures: 1, notBefore: T0 + 6_000, retryAfterUntil: T0 + 6_000, throttledAt: T0 });
  });

  it("hands every throttling answer's backoff over to be kept before it waits", async () => {
    const settings = makeSettings({ linkedAccountIds: ["acct-1"], requestsPerMinute: 120 });
    const client = new FakeClient().setApps("acct-1", rateLimited(3_000), rateLimited(), appList());
    const clock = new FakeClock(T0);
    const events: string[] = [];
    const kept: Throttled[] = [];
    const onThrottle = async (throttled: Throttled) => {
      events.push(`keep@${clock.now() - T0}`);
      kept.push(throttled);
    };
    const onSleep = (ms: number) => events.push(`sleep ${ms}@${clock.now() - T0}`);
    const { result } = await check(client, { settings, onThrottle, clock, onSleep });
    expect(result.status.error).toBeUndefined();
    expect(events).toEqual(["keep@0", "sleep 3000@0", "keep@3000", "sleep 4000@3000"]);
    expect(kept).toEqual([
      {
        backoff: { failures: 1, notBefore: T0 + 3_000, retryAfterUntil: T0 + 3_000, throttledAt: T0 },
        error: { kind: "rate-limited", status: 429, retryAfterMs: 3_000, at: T0 },
      },
      {
        backoff: { failures: 1, notBefore: T0 + 3_000 + 30_000, throttledAt: T0 + 3_000 },
        error: { kind: "rate-limited", status: 429, at: T0 + 3_000 },
      },
    ]);
  });

  // A bug is not "offline".
  it("names an exception while checking as unexpected, keeps the data, and backs off", async () => {
    const bug = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'slug')");
    };
    const client = new FakeClient().setApps("acct-1", bug).setApps("acct-2", bug).setApps("acct-3", bug);
    const previous = previousListed();
    const { result, clock } = await check(client, { previous, previousHealthy: PREVIOUS_HEALTHY });
    expect(result.status.error).toEqual({ kind: "unexpected", detail: "Cannot read properties of undefined (reading 'slug')", at: clock.now() });
    expect(result.status.backoff).toEqual({ failures: 1, notBefore: clock.now() + 30_000 });
    expect(result.status.accounts.map((a) => a.reauth)).toEqual(previous.accounts.map((a) => a.reauth));
  });

  describe("a linked account Cobalt does not know", () => {
    const two = makeSettings({ linkedAccountIds: ["acct-1", "acct-2"], requestsPerMinute: 120 });
    const missing = { kind: "not-found" as const, at: P };
    const previous = makeStatus(two, {
      checkedAt: P,
      accounts: [account("acct-1", { checkedAt: P }), account("acct-2", { error: missing })],
    });

    it("is not asked again by the schedule with the same settings", async () => {
      const client = new FakeClient().setApps("acct-1", appList()).setApps("acct-2", appList());
      const { result } = await check(client, { settings: two, previous, manual: false });
      expect(client.appCalls()).toEqual(["acct-1"]);
      expect(result.requests).toBe(1);
      expect(result.status.error).toBeUndefined();
      expect(result.status.accounts[1]).toEqual({ id: "acct-2", reauth: [], healthyCount: 0, error: missing });
    });

    it("is asked again on a manual check", async () => {
      const client = new FakeClient().setApps("acct-1", appList()).setApps("acct-2", appList(app("slack")));
      const { result, clock } = await check(client, { settings: two, previous, manual: true });
      expect(client.appCalls()).toEqual(["acct-1", "acct-2"]);
      expect(result.status.accounts[1]).toEqual({ id: "acct-2", checkedAt: clock.now(), reauth: [], healthyCount: 1 });
    });

    it("is asked again when the settings changed", async () => {
      const client = new FakeClient().setApps("acct-1", appList()).setApps("acct-2", appList());
      const otherKey = { ...two, apiKey: "tk_another_key" };
      const { result } = await check(client, { settings: otherKey, previous, manual: false });
      expect(client.appCalls()).toEqual(["acct-1", "acct-2"]);
      expect(result.status.accounts[1]!.error).toBeUndefined();
    });
  });
});

describe("every linked account", () => {
  const healthyIntegration = (type: string) => ({ type, name: type.charAt(0).toUpperCase() + type.slice(1), reauth_required: false });

  function threePages(): FakeClient {
    const client = new FakeClient();
    client.pages.push(
      page([linkedAccount("a1", { integrations: [healthyIntegration("hubspot")] }), linkedAccount("a2", { integrations: [{ type: "hubspot", reauth_required: true }, healthyIntegration("slack")] })], {
        totalDocs: 5,
        totalPages: 3,
        hasNextPage: true,
      }),
      page([linkedAccount("a3", { integrations: [healthyIntegration("gmail")] }), linkedAccount("a4", { integrations: [] })], { totalDocs: 5, totalPages: 3, hasNextPage: true }),
      page([linkedAccount("a5", { integrations: [healthyIntegration("zoom"), { type: "drive", refresh_token_expired: false }] })], {
        totalDocs: 5,
        totalPages: 3,
        hasNextPage: false,
      }),
    );
    client.setApps("a1", appList(app("hubspot")));
    client.setApps("a2", appList(reauthApp("hubspot"), app("slack")));
    return client;
  }

  it("pages through the listing and fully checks only flagged accounts and this cycle's rotation", async () => {
    const client = threePages();
    const { result, clock } = await check(client, { settings: everyAccount, pageSize: 2 });
    const now = clock.now();
    expect(client.pageCalls()).toEqual(["page:1:2", "page:2:2", "page:3:2"]);
    // a2 is flagged by integrations; a1 is this cycle's rotation share (5 accounts → 1 per cycle).
    expect(client.appCalls().sort()).toEqual(["a1", "a2"]);
    expect(result.requests).toBe(5);
    expect(result.status.error).toBeUndefined();
    expect(result.status.notes).toBeUndefined();
    expect(result.status.accountsTotal).toBe(5);
    expect(result.status.fullCheckCursor).toBe(1);
    expect(result.status.checkedAt).toBe(now);
    expect(result.status.lastRun).toEqual({ ms: now - T0, requests: 5 });
    expect(result.status.accounts).toEqual([
      { id: "a1", name: "Account a1", checkedAt: now, reauth: [], healthyCount: 1 },
      { id: "a2", name: "Account a2", checkedAt: now, reauth: [{ ...HUBSPOT, since: now }], healthyCount: 1 },
      { id: "a3", name: "Account a3", checkedAt: now, reauth: [], healthyCount: 1 },
      { id: "a4", name: "Account a4", checkedAt: now, reauth: [], healthyCount: 0 },
      { id: "a5", name: "Account a5", checkedAt: now, reauth: [], healthyCount: 2 },
    ]);
    expect(result.healthy).toEqual({
      a1: [HUBSPOT],
      a2: [SLACK],
      a3: [GMAIL],
      a4: [],
      a5: [{ slug: "zoom", name: "Zoom" }, { slug: "drive", name: "drive" }],
    });
  });

  it("moves the rotation on at the next cycle", async () => {
    const first = await check(threePages(), { settings: everyAccount, pageSize: 2 });
    const client = threePages();
    client.setApps("a3", appList(app("gmail")));
    client.setApps("a2", appList(app("hubspot"), app("slack")));
    const previous = { ...first.result.status, fullCheckCursor: 2 };
    const { result } = await check(client, { settings: everyAccount, pageSize: 2, previous, previousHealthy: first.result.healthy });
    expect(client.appCalls().sort()).toEqual(["a2", "a3"]);
    expect(result.status.accounts.every((a) => a.error === undefined)).toBe(true);
    expect(result.status.accounts[1]!.reauth).toEqual([]);
    expect(result.status.fullCheckCursor).toBe(3);
    expect(result.status.cycle).toBe(2);
  });

  it("fully checks an account that needed re-auth last time even when its integrations look healthy", async () => {
    const client = threePages();
    client.setApps("a3", appList());
    client.setApps("a4", appList(app("slack")));
    const previous = makeStatus(everyAccount, { fullCheckCursor: 2, accounts: [account("a4", { reauth: [SLACK] })] });
    const { result } = await check(client, { settings: everyAccount, pageSize: 2, previous });
    // a2 flagged, a4 had re-auth, a3 is the rotation share.
    expect(client.appCalls().sort()).toEqual(["a2", "a3", "a4"]);
    expect(result.status.accounts.every((a) => a.error === undefined)).toBe(true);
    expect(result.status.accounts.find((a) => a.id === "a4")).toMatchObject({ reauth: [], healthyCount: 1 });
  });

  it("flags accounts whose integrations say refresh_token_expired", async () => {
    const client = new FakeClient();
    client.pages.push(page([linkedAccount("b1", { integrations: [healthyIntegration("slack")] }), linkedAccount("b2", { integrations: [{ type: "gmail", refresh_token_expired: true }] })]));
    client.setApps("b1", appList(app("slack")));
    client.setApps("b2", appList(reauthApp("gmail")));
    const { result } = await check(client, { settings: everyAccount });
    expect(client.appCalls().sort()).toEqual(["b1", "b2"]);
    expect(result.status.accounts[1]!.reauth).toEqual([{ ...GMAIL, since: result.status.checkedAt }]);
  });

  it("fully checks every account when the listing has no integrations (legacy)", async () => {
    const client = new FakeClient();
    client.pages.push(page([linkedAccount("l1"), linkedAccount("l2"), linkedAccount("l3")], { totalDocs: 3, totalPages: 1 }));
    client.setApps("l1", appList(reauthApp("slack"))).setApps("l2", appList()).setApps("l3", appList(app("gmail")));
    const { result } = await check(client, { settings: everyAccount });
    expect(client.pageCalls()).toEqual(["page:1:100"]);
    expect(client.appCalls().sort()).toEqual(["l1", "l2", "l3"]);
    expect(result.requests).toBe(4);
    expect(result.status.accounts.map((a) => [a.id, a.reauth.length, a.healthyCount])).toEqual([
      ["l1", 1, 0],
      ["l2", 0, 0],
      ["l3", 0, 1],
    ]);
  });

  it("checks an account repeated on the next page only once", async () => {
    const client = new FakeClient();
    client.pages.push(
      page([linkedAccount("l1"), linkedAccount("l2")], { totalDocs: 3, hasNextPage: true }),
      page([linkedAccount("l2"), linkedAccount("l3")], { totalDocs: 3, hasNextPage: false }),
    );
    client.setApps("l1", appList()).setApps("l2", appList()).setApps("l3", appList());
    const { result } = await check(client, { settings: everyAccount, pageSize: 2 });
    expect(client.appCalls().sort()).toEqual(["l1", "l2", "l3"]);
    expect(result.status.accounts.map((a) => a.id)).toEqual(["l1", "l2", "l3"]);
    expect(result.status.accountsTotal).toBe(3);
  });

  it("notes a listing whose total changed between pages", async () => {
    const client = new FakeClient();
    client.pages.push(
      page([linkedAccount("l1"), linkedAccount("l2")], { totalDocs: 3, totalPages: 2, hasNextPage: true }),
      page([linkedAccount("l3"), linkedAccount("l4")], { totalDocs: 4, totalPages: 2, hasNextPage: false }),
    );
    for (const id of ["l1", "l2", "l3", "l4"]) client.setApps(id, appList());
    const { result, clock } = await check(client, { settings: everyAccount, pageSize: 2 });
    expect(result.status.error).toBeUndefined();
    expect(result.status.notes).toEqual([{ code: "listing-changed" }]);
    expect(result.status.checkedAt).toBe(clock.now());
  });

  it("refuses a listing that never ends", async () => {
    const client = new FakeClient();
    client.morePages = (n) => page([linkedAccount(`x${n}`)], { totalDocs: 2, totalPages: 2, hasNextPage: true });
    const previous = makeStatus(everyAccount, { checkedAt: P, accounts: [account("x1", { checkedAt: P, reauth: [SLACK] })] });
    const { result, clock } = await check(client, { settings: everyAccount, pageSize: 1, previous, previousHealthy: { x1: [] } });
    expect(client.pageCalls()).toHaveLength(7);
    expect(client.appCalls()).toEqual([]);
    expect(result.requests).toBe(7);
    expect(result.status.error).toEqual({ kind: "bad-response", cause: "listing-over-announced", pages: 2, at: clock.now() });
    expect(result.status.backoff).toEqual({ failures: 1, notBefore: clock.now() + 30_000 });
    expect(result.status.accounts).toEqual(previous.accounts);
    expect(result.status.checkedAt).toBe(P);
    expect(result.healthy).toEqual({ x1: [] });
  });

  // This used to be a "not set up" failure, which waits for the user: the
  // first linked account created in Cobalt was only seen after a Refresh.
  it("takes an org with no linked accounts yet as a state, not a failure, so the schedule goes on", async () => {
    const client = new FakeClient();
    client.pages.push(page([], { totalDocs: 0, totalPages: 0 }));
    const { result, clock } = await check(client, { settings: everyAccount });
    expect(client.pageCalls()).toEqual(["page:1:100"]);
    expect(client.appCalls()).toEqual([]);
    expect(result.status.error).toBeUndefined();
    expect(result.status.backoff).toBeUndefined();
    expect(result.status.checkedAt).toBe(clock.now());
    expect(result.status.accounts).toEqual([]);
    expect(result.status.accountsTotal).toBe(0);
    expect(result.status.notes).toEqual([{ code: "no-accounts" }]);
    const nextAlarm = clock.now() + everyAccount.intervalMinutes * 60_000;
    expect(shouldCheck("alarm", everyAccount, result.status, nextAlarm)).toEqual({ run: true });
  });

  // Listing edge cases.
  it("reads on past a page whose entries were all unreadable, and says how many were left out", async () => {
    const client = new FakeClient();
    client.pages.push(
      page([], { skipped: 2, totalDocs: 4, hasNextPage: true }),
      page([linkedAccount("l1"), linkedAccount("l2")], { totalDocs: 4, hasNextPage: false }),
    );
    client.setApps("l1", appList()).setApps("l2", appList());
    const { result } = await check(client, { settings: everyAccount, pageSize: 2 });
    expect(client.pageCalls()).toEqual(["page:1:2", "page:2:2"]);
    expect(result.status.accounts.map((a) => a.id)).toEqual(["l1", "l2"]);
    expect(result.status.error).toBeUndefined();
    expect(result.status.notes).toEqual([{ code: "accounts-skipped", count: 2 }]);
  });

  it("keeps the last data of accounts missing from a listing that changed while it was read", async () => {
    const client = new FakeClient();
    client.pages.push(
      page([linkedAccount("l1"), linkedAccount("l2")], { totalDocs: 3, hasNextPage: true }),
      page([linkedAccount("l3")], { totalDocs: 4, hasNextPage: false }),
    );
    for (const id of ["l1", "l2", "l3"]) client.setApps(id, appList());
    const gone = account("g1", { name: "Shifted", checkedAt: P, reauth: [SLACK], healthyCount: 1 });
    const previous = makeStatus(everyAccount, { checkedAt: P, accounts: [account("l1", { checkedAt: P }), gone] });
    const { result } = await check(client, { settings: everyAccount, pageSize: 2, previous, previousHealthy: { l1: [], g1: [GMAIL] } });
    expect(client.appCalls()).not.toContain("g1");
    expect(result.status.accounts.map((a) => a.id)).toEqual(["l1", "l2", "l3", "g1"]);
    expect(result.status.accounts[3]).toEqual(gone);
    expect(result.healthy.g1).toEqual([GMAIL]);
    expect(result.status.notes).toEqual([{ code: "listing-changed" }]);
  });

  it("keeps the last data of accounts missing from a listing with unreadable entries", async () => {
    const client = new FakeClient();
    client.pages.push(page([linkedAccount("l1")], { skipped: 1, totalDocs: 2 }));
    client.setApps("l1", appList());
    const gone = account("g1", { checkedAt: P, reauth: [SLACK] });
    const previous = makeStatus(everyAccount, { checkedAt: P, accounts: [gone] });
    const { result } = await check(client, { settings: everyAccount, previous });
    expect(result.status.accounts.map((a) => a.id)).toEqual(["l1", "g1"]);
    expect(result.status.accounts[1]).toEqual(gone);
  });

  it("drops an account absent from a complete, unchanged listing", async () => {
    const client = new FakeClient();
    client.pages.push(page([linkedAccount("l1")], { totalDocs: 1, totalPages: 1 }));
    client.setApps("l1", appList());
    const previous = makeStatus(everyAccount, { checkedAt: P, accounts: [account("g1", { checkedAt: P, reauth: [SLACK] })] });
    const { result } = await check(client, { settings: everyAccount, previous, previousHealthy: { g1: [] } });
    expect(result.status.accounts.map((a) => a.id)).toEqual(["l1"]);
    expect(result.healthy).not.toHaveProperty("g1");
    expect(result.status.notes).toBeUndefined();
  });

  it("keeps its page limit when totalPages is wrong", async () => {
    const client = new FakeClient();
    client.morePages = (n) => page([linkedAccount(`x${n}`)], { totalDocs: 2, totalPages: 1e9, hasNextPage: true });
    const { result } = await check(client, { settings: everyAccount, pageSize: 1 });
    expect(client.pageCalls()).toHaveLength(7);
    expect(result.status.error?.kind).toBe("bad-response");
  });

  it("reads a listing that gives no totals to its end, however many pages", async () => {
    const client = new FakeClient();
    for (let n = 1; n <= 8; n++) client.pages.push(page([linkedAccount(`n${n}`)], { hasNextPage: n < 8 }));
    for (let n = 1; n <= 8; n++) client.setApps(`n${n}`, appList());
    const { result } = await check(client, { settings: everyAccount, pageSize: 1 });
    expect(client.pageCalls()).toHaveLength(8);
    expect(result.status.error).toBeUndefined();
    expect(result.status.accountsTotal).toBe(8);
  });

  it("stops a listing that gives no totals and never ends at an absolute limit", async () => {
    const client = new FakeClient();
    client.morePages = (n) => page([linkedAccount(`x${n}`)], { hasNextPage: true });
    const { result } = await check(client, { settings: makeSettings({ linkedAccountIds: [], requestsPerMinute: 1200 }), pageSize: 1 });
    expect(client.pageCalls()).toHaveLength(MAX_LISTING_PAGES);
    expect(result.status.error?.kind).toBe("bad-response");
    expect(result.status.error).toMatchObject({ cause: "listing-too-long", pages: MAX_LISTING_PAGES });
  });

  it("stops when the listing is refused (401), keeping the previous data", async () => {
    const client = new FakeClient();
    client.pages.push(unauthorized());
    const previous = makeStatus(everyAccount, {
      checkedAt: P,
      accounts: [account("a1", { checkedAt: P, reauth: [SLACK] })],
      backoff: { failures: 2, notBefore: T0 - 5 },
    });
    const { result } = await check(client, { settings: everyAccount, previous });
    expect(client.calls).toEqual(["page:1:100"]);
    expect(result.status.error?.kind).toBe("unauthorized");
    expect(result.status.backoff).toBeUndefined();
    expect(result.status.accounts).toEqual(previous.accounts);
    expect(result.status.checkedAt).toBe(P);
  });
});

describe("a check the browser stopped while it waited", () => {
  const T = T0 + 60_000;
  const limited = { kind: "rate-limited" as const, at: T };
  const pending: PendingBackoff = { owner: "stopped-instance", source: sourceKey(listed), backoff: { failures: 1, notBefore: T + 5_000, retryAfterUntil: T + 5_000, throttledAt: T }, error: limited };

  it("leaves its backoff to be honoured: the next start stores it with the last good data", () => {
    const resumed = resumeAfterStop(previousListed({ notes: [{ code: "listing-changed" }] }), pending, sourceKey(listed))!;
    expect(resumed.error).toEqual(limited);
    expect(resumed.backoff).toEqual(pending.backoff);
    expect(resumed.accounts).toEqual(previousListed().accounts);
    expect(resumed.checkedAt).toBe(P);
    expect(resumed.notes).toBeUndefined();
    // The schedule and Refresh then wait as long as Cobalt asked.
    expect(shouldCheck("alarm", listed, resumed, T + 1_000)).toEqual({ run: false, reason: "rate limited" });
    expect(shouldCheck("startup", listed, resumed, T + 1_000)).toEqual({ run: false, reason: "rate limited" });
    expect(shouldCheck("refresh", listed, resumed, T + 1_000)).toEqual({ run: false, reason: "rate limited" });
    expect(shouldCheck("retry", listed, resumed, T + 5_000)).toEqual({ run: true });
  });

  it("is dropped when a status was written after it (the check ended; only the clean-up was lost)", () => {
    expect(resumeAfterStop(previousListed({ checkedAt: T + 2_000 }), pending, sourceKey(listed))).toBeUndefined();
    expect(resumeAfterStop(previousListed({ error: { ...limited, at: T } }), pending, sourceKey(listed))).toBeUndefined();
  });

  it("is dropped when the settings changed since", () => {
    expect(resumeAfterStop(previousListed(), pending, sourceKey(everyAccount))).toBeUndefined();
  });

  it("holds for new settings that have no results yet, without showing the old ones as theirs", () => {
    const old = makeStatus(everyAccount, { checkedAt: P, accounts: [account("x1", { reauth: [SLACK] })] });
    expect(resumeAfterStop(old, pending, sourceKey(listed))).toEqual({ schemaVersion: STATUS_VERSION, source: sourceKey(listed), accounts: [], error: limited, backoff: pending.backoff });
  });

  it("reads back what was kept, and nothing malformed", () => {
    expect(parsePendingBackoff(JSON.parse(JSON.stringify(pending)))).toEqual(pending);
    expect(parsePendingBackoff({ ...pending, error: { ...limited, kind: "server" } })).toBeUndefined();
    expect(parsePendingBackoff({ owner: "x" })).toBeUndefined();
    expect(parsePendingBackoff(undefined)).toBeUndefined();
  });
});

// Results fetched with other settings must never become the new settings' data: a failure of the
// first check after a change would otherwise show the old list as current, with working actions.
describe("the first check after a settings change", () => {
  const otherKey = makeSettings({ ...listed, apiKey: "pk_live_other_key" });

  it("that fails outright (the listing) keeps nothing of another key's accounts", async () => {
    const everyAccountOtherKey = makeSettings({ ...everyAccount, apiKey: "pk_live_other_key" });
    const client = new FakeClient();
    client.pages.push(serverError());
    const { result } = await check(client, { settings: everyAccountOtherKey, previous: previousListed(), previousHealthy: PREVIOUS_HEALTHY });
    expect(result.status.source).toBe(sourceKey(everyAccountOtherKey));
    expect(result.status.error?.kind).toBe("server");
    expect(result.status.accounts).toEqual([]);
    expect(result.status.checkedAt).toBeUndefined();
    expect(result.healthy).toEqual({});
  });

  it("whose every account fails keeps none of another key's data for the same IDs", async () => {
    const client = new FakeClient();
    for (const id of IDS) client.setApps(id, networkError());
    const { result } = await check(client, { settings: otherKey, previous: previousListed(), previousHealthy: PREVIOUS_HEALTHY });
    expect(result.status.source).toBe(sourceKey(otherKey));
    expect(result.status.accounts.flatMap((a) => a.reauth)).toEqual([]);
    expect(result.status.accounts.every((a) => a.checkedAt === undefined)).toBe(true);
    expect(result.healthy).toEqual({ "acct-1": [], "acct-2": [], "acct-3": [] });
  });

  it("with the same key and other IDs, keeps the last data of the accounts still asked for, and drops the others", async () => {
    const fewer = makeSettings({ ...listed, linkedAccountIds: ["acct-1", "acct-9"] });
    const client = new FakeClient().setApps("acct-1", serverError()).setApps("acct-9", serverError());
    const { result } = await check(client, { settings: fewer, previous: previousListed(), previousHealthy: PREVIOUS_HEALTHY });
    expect(result.status.accounts.map((a) => a.id)).toEqual(["acct-1", "acct-9"]);
    expect(result.status.accounts[0]!.reauth.map((app) => app.slug)).toEqual(["hubspot"]);
    expect(result.status.accounts[1]!.reauth).toEqual([]);
  });
});

/**
 * Linked account IDs (and app slugs) that name what every plain object has: a map keyed by them
 * must neither read an inherited member nor lose one as its prototype.
 */
describe("linked account IDs named like Object's own members", () => {
  const HOSTILE = ["constructor", "__proto__", "toString", "hasOwnProperty"];
  const settings = makeSettings({ linkedAccountIds: [...HOSTILE, "acct-1"], requestsPerMinute: 1200 });
  const appsOf = () => appList(reauthApp("hubspot"), app("slack"), app("constructor"), reauthApp("__proto__"));

  /** Writes the results as the extension does, on top of what is stored, and reads them back. */
  function storeAndRead(stored: Record<string, unknown>, result: CheckResult): { stored: Record<string, unknown>; status: Status; healthy: HealthyApps } {
    const write = planResultsWrite(stored, result.status, result.healthy);
    const next = { ...stored, ...write.set };
    for (const key of write.remove) delete next[key];
    const back = decodeResults(next);
    expect(back.notice).toBeUndefined();
    return { stored: next, ...back };
  }

  it("stores every account's results when those accounts fail, and keeps them through the next checks", async () => {
    const client = new FakeClient().setApps("acct-1", appsOf());
    for (const id of HOSTILE) client.setApps(id, notFound(), appsOf());
    const clock = new FakeClock(T0);
    let stored: Record<string, unknown> = {};
    let previous: Status = EMPTY_STATUS;
    let previousHealthy: HealthyApps = {};
    for (let round = 0; round < 2; round++) {
      const { result } = await check(client, { settings, previous, previousHealthy, manual: true, clock });
      expect(result.status.error).toBeUndefined();
      ({ stored, status: previous, healthy: previousHealthy } = storeAndRead(stored, result));
      clock.advance(10 * 60_000);
    }
    expect(previous.accounts.map((a) => [a.id, a.reauth.map((r) => r.slug), a.error?.kind])).toEqual([...HOSTILE.map((id) => [id, ["hubspot", "__proto__"], undefined]), ["acct-1", ["hubspot", "__proto__"], undefined]]);
    for (const id of [...HOSTILE, "acct-1"]) {
      expect(Object.hasOwn(previousHealthy, id)).toBe(true);
      expect(previousHealthy[id]!.map((a) => a.slug)).toEqual(["slack", "constructor"]);
    }
    expect(Object.getPrototypeOf(previousHealthy)).toBeNull();
  });

  it("re-checks one of them without touching the others' healthy apps", async () => {
    const client = new FakeClient();
    for (const id of [...HOSTILE, "acct-1"]) client.setApps(id, appsOf());
    const clock = new FakeClock(T0);
    const first = await check(client, { settings, manual: true, clock });
    const { status, healthy } = storeAndRead({}, first.result);
    client.setApps("__proto__", appList(app("hubspot")));
    const ctx: CheckContext = { client, settings, previous: status, previousHealthy: healthy, manual: false, now: clock.now, sleep: clock.sleep, random: () => 0.5 };
    const rechecked = await clock.run(checkAccounts(ctx, ["__proto__", "constructor"]));
    const back = storeAndRead({}, rechecked);
    expect(back.status.accounts.find((a) => a.id === "__proto__")?.reauth).toEqual([]);
    expect(Object.keys(back.healthy)).toEqual([...HOSTILE, "acct-1"]);
    expect(Object.hasOwn(back.healthy, "__proto__")).toBe(true);
    expect(back.healthy["__proto__"]?.map((a) => a.slug)).toEqual(["hubspot"]);
    expect(Object.hasOwn(back.healthy, "toString")).toBe(true);
    expect(back.healthy["toString"]?.map((a) => a.slug)).toEqual(["slack", "constructor"]);
  });
});
