import { describe, expect, it } from "vitest";
import { ApiError } from "../../../../src/core/api/errors.ts";
import type { LinkedAccountPage } from "../../../../src/core/api/client.ts";
import { CHECKPOINT_MAX_IDLE_MS, HEAD, keepsCheckpoint, readCheckpoint } from "../../../../src/core/check/checkpoint.ts";
import { runCheck, type CheckContext, type CheckResult } from "../../../../src/core/check/run.ts";
import type { Resumed } from "../../../../src/core/check/context.ts";
import type { CheckSettings } from "../../../../src/core/settings/model.ts";
import { EMPTY_STATUS, type Status } from "../../../../src/core/status/model.ts";
import { FakeClock } from "../../support/clock.ts";
import { FakeClient, app, appList, linkedAccount, makeSettings, makeStatus, page, reauthApp } from "../../support/fixtures.ts";

// A check keeps its work as it goes (core/check/checkpoint.ts): a background the browser stops in
// the middle of a long check carries on from there at its next start, never starting over.

const T0 = 1_750_000_000_000;
const everyAccount = makeSettings({ linkedAccountIds: [], requestsPerMinute: 120 });
const ACCOUNTS = 120;
const PAGE = 10;

/** An org of 120 linked accounts in 12 pages of 10; every 15th has an app to re-authorize. */
function org(): FakeClient {
  const client = new FakeClient();
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => `acct-${i}`);
  client.morePages = (n, limit): LinkedAccountPage => {
    const slice = ids.slice((n - 1) * limit, n * limit);
    const accounts = slice.map((id, i) =>
      linkedAccount(id, { integrations: [{ type: "slack", name: "Slack", reauth_required: ((n - 1) * limit + i) % 15 === 0 }, { type: "gmail", name: "Gmail" }] }),
    );
    return page(accounts, { totalDocs: ACCOUNTS, totalPages: ACCOUNTS / limit, hasNextPage: n * limit < ACCOUNTS });
  };
  ids.forEach((id, i) => client.setApps(id, appList(i % 15 === 0 ? reauthApp("slack") : app("slack"), app("gmail"))));
  return client;
}

/** A checkpoint's storage: what the journal put, part by part. */
class Store {
  readonly parts: Record<string, unknown> = {};
  writes = 0;
  failing = false;
  readonly io = {
    put: async (entries: Record<string, unknown>) => {
      if (this.failing) throw new Error("QUOTA_BYTES quota exceeded");
      this.writes++;
      Object.assign(this.parts, entries);
    },
  };
}

interface Run {
  client: FakeClient;
  store: Store;
  clock: FakeClock;
  settings?: CheckSettings;
  previous?: Status;
  resumed?: Resumed;
}

function context({ client, store, clock, settings = everyAccount, previous = EMPTY_STATUS, resumed }: Run): CheckContext {
  return {
    client,
    settings,
    previous,
    previousHealthy: {},
    manual: false,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    pageSize: PAGE,
    checkpoint: { io: store.io, ...(resumed ? { resumed } : {}) },
  };
}

/**
 * Runs a check until the client is asked `stopAt` (a page, or an account's apps): the browser
 * stops the background there, and the check never goes on.
 */
async function stoppedAt(run: Run, stopAt: string): Promise<void> {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const original = { pages: run.client.morePages!, apps: run.client.listApplications.bind(run.client) };
  run.client.morePages = (n, limit) => {
    if (`page:${n}` === stopAt) {
      stop();
      return new Promise<never>(() => undefined) as never;
    }
    return original.pages(n, limit);
  };
  run.client.listApplications = (id) => {
    if (`apps:${id}` === stopAt) {
      stop();
      return new Promise(() => undefined);
    }
    return original.apps(id);
  };
  void runCheck(context(run));
  await run.clock.run(stopped);
}

async function complete(run: Run): Promise<CheckResult> {
  return run.clock.run(runCheck(context(run)));
}

describe("a check stopped in the middle", () => {
  it("of its listing carries on after the last page kept: the pages read are not asked again", async () => {
    const store = new Store();
    const first = org();
    await stoppedAt({ client: first, store, clock: new FakeClock(T0) }, "page:7");
    expect(first.pageCalls()).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `page:${n}:${PAGE}`));
    // One write per page read, each with the head that counts it.
    expect(store.writes).toBe(6);

    const clock = new FakeClock(T0 + 60_000);
    const resumed = readCheckpoint(store.parts, everyAccount, clock.now());
    expect(resumed?.listing).toMatchObject({ pages: 6, done: false, total: ACCOUNTS });
    const second = org();
    const result = await complete({ client: second, store, clock, resumed });
    expect(second.pageCalls()).toEqual([7, 8, 9, 10, 11, 12].map((n) => `page:${n}:${PAGE}`));

    // The same results as a check that was never stopped, the time counted from its start, and
    // the requests it is known to have made (the one the stop cut off is not).
    const whole = await complete({ client: org(), store: new Store(), clock: new FakeClock(T0) });
    expect(result.status.accounts).toEqual(whole.status.accounts.map((account) => ({ ...account, ...(account.checkedAt ? { checkedAt: clock.now() } : {}), reauth: account.reauth.map((a) => ({ ...a, since: clock.now() })) })));
    expect(result.healthy).toEqual(whole.healthy);
    expect(result.status.fullCheckCursor).toBe(whole.status.fullCheckCursor);
    expect(result.status.lastRun).toEqual({ ms: clock.now() - T0, requests: whole.requests });
  });

  it("of its answers carries on with the accounts not answered yet", async () => {
    const store = new Store();
    const first = org();
    // 8 flagged accounts and a rotation of 10 (acct-0 to acct-9, one of them flagged): 17 to ask.
    await stoppedAt({ client: first, store, clock: new FakeClock(T0) }, "apps:acct-105");
    const asked = first.appCalls().filter((id) => id !== "acct-105");
    const resumed = readCheckpoint(store.parts, everyAccount, T0 + 60_000)!;
    expect(resumed.listing.done).toBe(true);
    const kept = [...resumed.answers.keys()];
    // Kept about once a second: all but the last second's answers.
    expect(kept.length).toBeGreaterThan(asked.length - 4);
    expect(asked).toEqual(expect.arrayContaining(kept));

    const second = org();
    const result = await complete({ client: second, store, clock: new FakeClock(T0 + 60_000), resumed });
    expect(second.pageCalls()).toEqual([]);
    expect(second.appCalls().filter((id) => kept.includes(id))).toEqual([]);
    expect(new Set([...kept, ...second.appCalls()]).size).toBe(17);
    expect(result.status.error).toBeUndefined();
    expect(result.status.accounts.filter((a) => a.reauth.length > 0).map((a) => a.id)).toEqual(["acct-0", "acct-15", "acct-30", "acct-45", "acct-60", "acct-75", "acct-90", "acct-105"]);
  });

  it("is not resumed by a check of other settings, nor when it is too old or damaged", async () => {
    const store = new Store();
    await stoppedAt({ client: org(), store, clock: new FakeClock(T0) }, "page:4");
    const written = (store.parts[HEAD] as { at: number }).at;
    expect(readCheckpoint(store.parts, everyAccount, written + 1_000)).toBeDefined();
    // Another key lists other accounts; listed IDs are another check.
    expect(readCheckpoint(store.parts, { ...everyAccount, apiKey: "tk_other" }, written)).toBeUndefined();
    expect(readCheckpoint(store.parts, { ...everyAccount, linkedAccountIds: ["acct-1"] }, written)).toBeUndefined();
    expect(readCheckpoint(store.parts, { ...everyAccount, baseUrl: "https://cobalt.example.com" }, written)).toBeUndefined();
    // Settings that change no request (the budget, the interval) resume it.
    expect(readCheckpoint(store.parts, { ...everyAccount, requestsPerMinute: 10, intervalMinutes: 30 }, written)).toBeDefined();
    expect(readCheckpoint(store.parts, everyAccount, written + CHECKPOINT_MAX_IDLE_MS + 1)).toBeUndefined();
    expect(readCheckpoint({ ...store.parts, "p.2": { apps: [], rows: [{ i: 5 }] } }, everyAccount, written)).toBeUndefined();
    expect(readCheckpoint({ ...store.parts, "p.2": { apps: [], rows: [{ i: "a", h: [3] }] } }, everyAccount, written)).toBeUndefined();
    const { "p.3": _gone, ...missing } = store.parts;
    expect(readCheckpoint(missing, everyAccount, written)).toBeUndefined();
    expect(readCheckpoint({ ...store.parts, [HEAD]: { ...(store.parts[HEAD] as object), v: 2 } }, everyAccount, written)).toBeUndefined();
    expect(readCheckpoint({}, everyAccount, written)).toBeUndefined();
  });

  it("of listed linked accounts keeps their answers too", async () => {
    const ids = ["acct-1", "acct-2", "acct-3", "acct-4", "acct-5", "acct-6", "acct-7", "acct-8"];
    const settings = makeSettings({ linkedAccountIds: ids, requestsPerMinute: 10 });
    const store = new Store();
    const first = org();
    await stoppedAt({ client: first, store, clock: new FakeClock(T0), settings, previous: makeStatus(settings) }, "apps:acct-6");
    const resumed = readCheckpoint(store.parts, settings, T0 + 60_000)!;
    expect([...resumed.answers.keys()].sort()).toEqual(["acct-1", "acct-2", "acct-3", "acct-4", "acct-5"]);
    const second = org();
    await complete({ client: second, store, clock: new FakeClock(T0 + 60_000), settings, resumed });
    expect(second.appCalls()).toEqual(["acct-6", "acct-7", "acct-8"]);
  });

  it("asks again the accounts whose failure may pass; keeps an account's own lasting failure", async () => {
    const store = new Store();
    const settings = makeSettings({ linkedAccountIds: ["a", "b", "c", "d"], requestsPerMinute: 10 });
    const client = new FakeClient()
      .setApps("a", appList(app("slack")))
      .setApps("b", new ApiError("server", { status: 502 }))
      .setApps("c", new ApiError("not-found", { status: 404 }))
      .setApps("d", appList());
    const result = await complete({ client, store, clock: new FakeClock(T0), settings, previous: makeStatus(settings) });
    expect(result.status.error).toBeUndefined();
    const resumed = readCheckpoint(store.parts, settings, T0 + 60_000)!;
    expect([...resumed.answers.keys()].sort()).toEqual(["a", "c", "d"]);
    expect(resumed.answers.get("c")).toMatchObject({ ok: false, error: { kind: "not-found", params: { status: 404 } } });
  });

  it("goes on when its checkpoint cannot be written, and stops writing it", async () => {
    const store = new Store();
    store.failing = true;
    const client = org();
    const result = await complete({ client, store, clock: new FakeClock(T0) });
    expect(result.status.error).toBeUndefined();
    expect(result.status.accounts).toHaveLength(ACCOUNTS);
    expect(store.writes).toBe(0);
    expect(store.parts).toEqual({});
  });
});

describe("keepsCheckpoint", () => {
  it("keeps it for the next run after a failure that passes, and ends it otherwise", () => {
    expect(keepsCheckpoint(makeStatus(everyAccount, { error: { kind: "rate-limited", at: T0 } }))).toBe(true);
    expect(keepsCheckpoint(makeStatus(everyAccount, { error: { kind: "network", at: T0 } }))).toBe(true);
    expect(keepsCheckpoint(makeStatus(everyAccount, { error: { kind: "unauthorized", at: T0 } }))).toBe(false);
    expect(keepsCheckpoint(makeStatus(everyAccount, { checkedAt: T0 }))).toBe(false);
  });
});
