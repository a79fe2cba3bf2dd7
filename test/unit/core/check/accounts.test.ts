import { describe, expect, it } from "vitest";
import { ApiError } from "../../../../src/core/api/errors.ts";
import { checkAccounts } from "../../../../src/core/check/accounts.ts";
import type { CheckContext } from "../../../../src/core/check/run.ts";
import type { CobaltSource as Settings } from "../../../../src/core/settings/model.ts";
import type { HealthyApps, Status } from "../../../../src/core/status/model.ts";
import { FakeClock } from "../../support/clock.ts";
import { FakeClient, account, app, appList, makeSettings, makeStatus, reauthApp } from "../../support/fixtures.ts";

// A follow-up after Reconnect and the relay's webhooks re-check ONE linked
// account of a source; what they find is merged into the stored status without disturbing the
// rotation or the other accounts.

const T0 = 1_750_000_000_000;
const P = T0 - 600_000;
const listed = makeSettings({ linkedAccountIds: ["acct-1", "acct-2", "acct-3"], requestsPerMinute: 120 });
const everyAccount = makeSettings({ linkedAccountIds: [], requestsPerMinute: 120 });
const HUBSPOT = { slug: "hubspot", name: "Hubspot", since: P - 60_000 };
const SLACK = { slug: "slack", name: "Slack", since: P };

function previousOf(settings: Settings, overrides: Partial<Status> = {}): Status {
  return makeStatus(settings, {
    checkedAt: P,
    cycle: 7,
    fullCheckCursor: 2,
    accountsTotal: 3,
    lastRun: { ms: 900, requests: 3 },
    notes: [{ code: "listing-changed" }],
    accounts: [
      account("acct-1", { name: "Acme", checkedAt: P, reauth: [HUBSPOT, SLACK], healthyCount: 1 }),
      account("acct-2", { checkedAt: P, reauth: [SLACK] }),
      account("acct-3", { checkedAt: P, healthyCount: 1 }),
    ],
    ...overrides,
  });
}
const HEALTHY: HealthyApps = { "acct-1": [{ slug: "gmail", name: "Gmail" }], "acct-2": [], "acct-3": [{ slug: "zoom", name: "Zoom" }] };

async function recheck(client: FakeClient, ids: string[], setup: { settings?: Settings; previous?: Status; manual?: boolean; addUnknown?: boolean } = {}) {
  const clock = new FakeClock(T0);
  const settings = setup.settings ?? listed;
  const ctx: CheckContext = {
    client,
    settings,
    previous: setup.previous ?? previousOf(settings),
    previousHealthy: HEALTHY,
    manual: setup.manual ?? false,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
  };
  const result = await clock.run(checkAccounts(ctx, ids, setup.addUnknown ? { addUnknown: true } : {}));
  return { result, clock, previous: ctx.previous };
}

describe("re-checking one linked account", () => {
  it("asks about that account alone and changes nothing else: other accounts, rotation, cycle, check time", async () => {
    const client = new FakeClient().setApps("acct-1", appList(app("hubspot"), reauthApp("slack"), app("gmail")));
    const { result, clock, previous } = await recheck(client, ["acct-1"]);
    expect(client.calls).toEqual(["apps:acct-1"]);
    expect(result.requests).toBe(1);
    expect(result.checked).toEqual(["acct-1"]);
    const { accounts, ...header } = result.status;
    const { accounts: before, ...previousHeader } = previous;
    expect(header).toEqual(previousHeader);
    expect(accounts.slice(1)).toEqual(before.slice(1));
    // Hubspot was fixed; Slack still broken keeps its since.
    expect(accounts[0]).toEqual({ id: "acct-1", name: "Acme", checkedAt: clock.now(), reauth: [SLACK], healthyCount: 2 });
    expect(result.healthy).toEqual({ ...HEALTHY, "acct-1": [{ slug: "hubspot", name: "Hubspot" }, { slug: "gmail", name: "Gmail" }] });
  });

  it("coalesces an account asked for twice", async () => {
    const client = new FakeClient().setApps("acct-2", appList());
    const { result } = await recheck(client, ["acct-2", "acct-2"]);
    expect(client.calls).toEqual(["apps:acct-2"]);
    expect(result.checked).toEqual(["acct-2"]);
  });

  it("keeps the account's last data when it fails, marked with the error, and leaves the source's state alone", async () => {
    const client = new FakeClient().setApps("acct-1", new ApiError("server", { status: 502 }));
    const { result, previous } = await recheck(client, ["acct-1"]);
    expect(result.status.error).toBeUndefined();
    expect(result.status.backoff).toBeUndefined();
    expect(result.status.accounts[0]).toEqual({ ...previous.accounts[0], error: { kind: "server", status: 502, at: T0 } });
    expect(result.healthy).toEqual(HEALTHY);
  });

  it("records a failure of the whole source (a rejected key) as a full check would", async () => {
    const client = new FakeClient().setApps("acct-1", new ApiError("unauthorized", { status: 401 }));
    const { result, previous } = await recheck(client, ["acct-1"]);
    expect(result.status.error).toEqual({ kind: "unauthorized", status: 401, at: T0 });
    expect(result.status.backoff).toBeUndefined();
    expect(result.status.accounts).toEqual(previous.accounts);
  });

  it("backs off as long as Cobalt asks when it is throttled", async () => {
    const client = new FakeClient().setApps("acct-1", new ApiError("rate-limited", { status: 429, retryAfterMs: 60_000 }));
    const { result } = await recheck(client, ["acct-1"]);
    expect(result.status.error?.kind).toBe("rate-limited");
    expect(result.status.backoff).toEqual({ failures: 1, notBefore: T0 + 60_000, retryAfterUntil: T0 + 60_000, throttledAt: T0 });
    expect(result.status.fullCheckCursor).toBe(2);
  });

  it("ignores accounts the source does not watch", async () => {
    const client = new FakeClient();
    const { result, previous } = await recheck(client, ["acct-9"]);
    expect(client.calls).toEqual([]);
    expect(result.checked).toEqual([]);
    expect(result.status).toEqual(previous);
  });

  it("watching every account: re-checks a known one; an unknown one only when asked to add it", async () => {
    const previous = previousOf(everyAccount);
    const unknown = await recheck(new FakeClient().setApps("new-1", appList(reauthApp("hubspot"))), ["new-1"], { settings: everyAccount, previous });
    expect(unknown.result.checked).toEqual([]);
    const added = await recheck(new FakeClient().setApps("new-1", appList(reauthApp("hubspot"))), ["new-1"], { settings: everyAccount, previous, addUnknown: true });
    expect(added.result.checked).toEqual(["new-1"]);
    expect(added.result.status.accounts.map((a) => a.id)).toEqual(["acct-1", "acct-2", "acct-3", "new-1"]);
    expect(added.result.status.accounts[3]).toEqual({ id: "new-1", checkedAt: T0, reauth: [{ slug: "hubspot", name: "Hubspot", since: T0 }], healthyCount: 0 });
    expect(added.result.status.accountsTotal).toBe(4);
    // A new account the key cannot see is not added.
    const missing = await recheck(new FakeClient().setApps("new-2", new ApiError("not-found", { status: 404 })), ["new-2"], { settings: everyAccount, previous, addUnknown: true });
    expect(missing.result.status.accounts.map((a) => a.id)).toEqual(["acct-1", "acct-2", "acct-3"]);
  });

  it("does nothing with results of other settings (a full check of the new ones is due)", async () => {
    const client = new FakeClient().setApps("acct-1", appList());
    const other = previousOf(makeSettings({ linkedAccountIds: ["acct-1"], apiKey: "tk_other" }));
    const { result } = await recheck(client, ["acct-1"], { previous: other });
    expect(client.calls).toEqual([]);
    expect(result.status).toEqual(other);
    expect(result.checked).toEqual([]);
  });

  it("leaves an account Cobalt does not know to the user, unless the user asked", async () => {
    const missing = { kind: "not-found" as const, at: P };
    const previous = previousOf(listed, { accounts: [account("acct-1", { error: missing }), account("acct-2"), account("acct-3")] });
    const scheduled = await recheck(new FakeClient().setApps("acct-1", appList()), ["acct-1"], { previous });
    expect(scheduled.result.requests).toBe(0);
    expect(scheduled.result.status.accounts[0]).toEqual(previous.accounts[0]);
    const asked = await recheck(new FakeClient().setApps("acct-1", appList()), ["acct-1"], { previous, manual: true });
    expect(asked.result.requests).toBe(1);
    expect(asked.result.status.accounts[0]!.error).toBeUndefined();
  });
});
