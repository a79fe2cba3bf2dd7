import { describe, expect, it } from "vitest";
import { ApiError } from "../../../../src/core/api/errors.ts";
import { runCheck, type CheckContext, type CheckResult } from "../../../../src/core/check/run.ts";
import type { CobaltSource as Settings } from "../../../../src/core/settings/model.ts";
import { EMPTY_STATUS, type HealthyApps, type Status } from "../../../../src/core/status/model.ts";
import { FakeClock } from "../../support/clock.ts";
import { FakeClient, account, app, appList, linkedAccount, makeSettings, makeStatus, page, reauthApp } from "../../support/fixtures.ts";

// "Since when": when each app of each linked account was first seen needing
// re-authentication, kept across restarts, transient failures and the rotation.

const T0 = 1_750_000_000_000;
const HOUR = 3_600_000;
const listed = makeSettings({ linkedAccountIds: ["acct-1", "acct-2"], requestsPerMinute: 1200 });
const everyAccount = makeSettings({ linkedAccountIds: [], requestsPerMinute: 1200 });

async function check(client: FakeClient, settings: Settings, previous: Status = EMPTY_STATUS, at = T0, previousHealthy: HealthyApps = {}): Promise<CheckResult> {
  const clock = new FakeClock(at);
  const ctx: CheckContext = { client, settings, previous, previousHealthy, manual: false, now: clock.now, sleep: clock.sleep, random: () => 0.5 };
  return clock.run(runCheck(ctx));
}

/** The time a check dates what it saw: its checkedAt (the end of the check). */
const at = (result: CheckResult) => result.status.checkedAt!;
const sinceOf = (status: Status, id: string) => Object.fromEntries(status.accounts.find((a) => a.id === id)!.reauth.map((app) => [app.slug, app.since]));

describe("since when an app needs re-authentication", () => {
  it("is the time of the check that first saw it", async () => {
    const client = new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"), app("slack"))).setApps("acct-2", appList());
    const result = await check(client, listed);
    expect(sinceOf(result.status, "acct-1")).toEqual({ hubspot: at(result) });
    expect(at(result)).toBeGreaterThanOrEqual(T0);
  });

  it("is carried from the previous status while the app stays broken; a new break gets its own", async () => {
    const first = await check(new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList()), listed);
    const client = new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"), reauthApp("slack"))).setApps("acct-2", appList(reauthApp("hubspot")));
    // Through JSON, as after a restart of the browser.
    const previous = JSON.parse(JSON.stringify(first.status)) as Status;
    const second = await check(client, listed, previous, T0 + HOUR);
    expect(sinceOf(second.status, "acct-1")).toEqual({ hubspot: at(first), slack: at(second) });
    // The same app of another linked account is another break.
    expect(sinceOf(second.status, "acct-2")).toEqual({ hubspot: at(second) });
  });

  it("starts again when the app was fixed and breaks again later", async () => {
    const broken = () => new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList());
    const first = await check(broken(), listed);
    const fixed = await check(new FakeClient().setApps("acct-1", appList(app("hubspot"))).setApps("acct-2", appList()), listed, first.status, T0 + HOUR);
    expect(fixed.status.accounts[0]!.reauth).toEqual([]);
    const again = await check(broken(), listed, fixed.status, T0 + 2 * HOUR);
    expect(sinceOf(again.status, "acct-1")).toEqual({ hubspot: at(again) });
    expect(at(again)).toBeGreaterThan(at(first));
  });

  it("is kept by an account whose check failed, and still the same when it recovers", async () => {
    const first = await check(new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList()), listed);
    const failing = new FakeClient().setApps("acct-1", new ApiError("server", { status: 502 })).setApps("acct-2", appList());
    const failed = await check(failing, listed, first.status, T0 + HOUR);
    expect(failed.status.accounts[0]!.error?.kind).toBe("server");
    expect(sinceOf(failed.status, "acct-1")).toEqual({ hubspot: at(first) });
    const recovered = await check(new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList()), listed, failed.status, T0 + 2 * HOUR);
    expect(recovered.status.accounts[0]!.error).toBeUndefined();
    expect(sinceOf(recovered.status, "acct-1")).toEqual({ hubspot: at(first) });
  });

  it("is kept through a failure of the whole check", async () => {
    const first = await check(new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList()), listed);
    const rejected = new ApiError("unauthorized", { status: 401 });
    const failed = await check(new FakeClient().setApps("acct-1", rejected).setApps("acct-2", rejected), listed, first.status, T0 + HOUR);
    expect(failed.status.error?.kind).toBe("unauthorized");
    expect(sinceOf(failed.status, "acct-1")).toEqual({ hubspot: at(first) });
  });

  it("is kept by accounts the rotation does not check in full, and by one a changing listing missed", async () => {
    const healthy = (type: string) => ({ type, name: type, reauth_required: false });
    const listing = (...accounts: ReturnType<typeof linkedAccount>[]) => {
      const client = new FakeClient();
      client.pages.push(page(accounts, { totalDocs: accounts.length }));
      return client;
    };
    // a1 broken (found in full), a2 healthy per the listing: only the flagged one is called.
    const first = listing(linkedAccount("a1", { integrations: [{ type: "hubspot", reauth_required: true }] }), linkedAccount("a2", { integrations: [healthy("slack")] }));
    first.setApps("a1", appList(reauthApp("hubspot"))).setApps("a2", appList(app("slack")));
    const one = await check(first, everyAccount);
    expect(sinceOf(one.status, "a1")).toEqual({ hubspot: at(one) });

    // The listing no longer flags a1 (it only reads integrations): a1 had re-auth, so it is
    // checked in full, and its since is carried.
    const second = listing(linkedAccount("a1", { integrations: [healthy("hubspot")] }), linkedAccount("a2", { integrations: [healthy("slack")] }));
    second.setApps("a1", appList(reauthApp("hubspot"))).setApps("a2", appList(app("slack")));
    const two = await check(second, everyAccount, one.status, T0 + HOUR, one.healthy);
    expect(sinceOf(two.status, "a1")).toEqual({ hubspot: at(one) });

    // A listing that changed while it was read and misses a1: a1 is kept as it was.
    const third = new FakeClient();
    third.pages.push(page([linkedAccount("a2", { integrations: [healthy("slack")] })], { totalDocs: 2, hasNextPage: true }), page([], { totalDocs: 1 }));
    third.setApps("a2", appList(app("slack")));
    const three = await check(third, everyAccount, two.status, T0 + 2 * HOUR, two.healthy);
    expect(three.status.notes).toEqual([{ code: "listing-changed" }]);
    expect(sinceOf(three.status, "a1")).toEqual({ hubspot: at(one) });
  });

  it("is kept when the linked account IDs change (same key and base URL)", async () => {
    const first = await check(new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList()), listed);
    const more = makeSettings({ ...listed, linkedAccountIds: ["acct-1", "acct-2", "acct-3"] });
    const client = new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList()).setApps("acct-3", appList());
    const { status } = await check(client, more, first.status, T0 + HOUR);
    expect(sinceOf(status, "acct-1")).toEqual({ hubspot: at(first) });
    // And from listed IDs to "every account", and back.
    const all = await check(everyOrg(), everyAccount, status, T0 + 2 * HOUR);
    expect(sinceOf(all.status, "acct-1")).toEqual({ hubspot: at(first) });
    const back = await check(new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList()), listed, all.status, T0 + 3 * HOUR);
    expect(sinceOf(back.status, "acct-1")).toEqual({ hubspot: at(first) });
  });

  it("is not carried to another key: test and production may use the same linked account IDs", async () => {
    const first = await check(new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList()), listed);
    const production = makeSettings({ ...listed, apiKey: "pk_0123456789abcdef" });
    const client = new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList());
    const second = await check(client, production, first.status, T0 + HOUR);
    expect(sinceOf(second.status, "acct-1")).toEqual({ hubspot: at(second) });
  });

  // Data stored before since-when existed: the app was seen broken by the check that stored it.
  it("is, for an app stored without one, the time of the stored check that saw it", async () => {
    const old = makeStatus(listed, { checkedAt: T0 - HOUR, accounts: [account("acct-1", { checkedAt: T0 - HOUR, reauth: [{ slug: "hubspot", name: "Hubspot" }] }), account("acct-2")] });
    const client = new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList());
    const { status } = await check(client, listed, old);
    expect(sinceOf(status, "acct-1")).toEqual({ hubspot: T0 - HOUR });
    // Never fetched successfully before (no checkedAt): this check is the first that saw it.
    const unchecked = makeStatus(listed, { accounts: [account("acct-1", { reauth: [{ slug: "hubspot", name: "Hubspot" }] }), account("acct-2")] });
    const again = await check(new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList()), listed, unchecked);
    expect(sinceOf(again.status, "acct-1")).toEqual({ hubspot: at(again) });
  });

  it("is on apps needing re-authentication only, never on healthy ones", async () => {
    const client = new FakeClient().setApps("acct-1", appList(reauthApp("hubspot"), app("slack"))).setApps("acct-2", appList());
    const { healthy } = await check(client, listed);
    expect(healthy["acct-1"]).toEqual([{ slug: "slack", name: "Slack" }]);
  });
});

function everyOrg(): FakeClient {
  const client = new FakeClient();
  client.pages.push(page([linkedAccount("acct-1"), linkedAccount("acct-2")], { totalDocs: 2 }));
  return client.setApps("acct-1", appList(reauthApp("hubspot"))).setApps("acct-2", appList());
}
