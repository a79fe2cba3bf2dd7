import { describe, expect, it } from "vitest";
import { EMPTY_NOTIFIED, hasBaseline, newBreaks, parseNotified, pruneNotified, type Notified } from "../../../../src/core/alerts/breaks.ts";
import { SUMMARY_ABOVE, notificationId, parseNotificationId, planNotifications, type NotifyInput } from "../../../../src/core/alerts/notify.ts";
import { mute } from "../../../../src/core/alerts/mutes.ts";
import type { AppRecord } from "../../../../src/core/api/records.ts";
import { sourceKey } from "../../../../src/core/settings/fingerprint.ts";
import type { AccountStatus, Status } from "../../../../src/core/status/model.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";

// Notifications: one per app that newly needs re-authentication, never twice for the
// same break, a summary above three, cleared when fixed.

const T0 = 1_750_000_000_000;
const MIN = 60_000;
const settings = makeSettings({ linkedAccountIds: ["acct-1", "acct-2"] });
const SOURCE = "main";

const broken = (slug: string, since: number): AppRecord => ({ slug, name: slug.charAt(0).toUpperCase() + slug.slice(1), since });

function statusAt(at: number, accounts: AccountStatus[], overrides: Partial<Status> = {}): Status {
  return makeStatus(settings, { checkedAt: at, accounts, ...overrides });
}

/** Two accounts, nothing broken, checked at T0: a real baseline. */
const HEALTHY = statusAt(T0, [account("acct-1", { name: "Acme", checkedAt: T0 }), account("acct-2", { checkedAt: T0 })]);

function input(previous: Status, next: Status, overrides: Partial<NotifyInput> = {}): NotifyInput {
  return { sourceId: SOURCE, previous, next, baseline: hasBaseline(previous, sourceKey(settings)), notified: EMPTY_NOTIFIED, mutes: [], now: next.checkedAt ?? T0, failures: true, ...overrides };
}

/** The previous check's status as the next one starts from it: through storage (JSON). */
const stored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("what counts as a new break", () => {
  const T1 = T0 + 5 * MIN;
  const BROKE = statusAt(T1, [account("acct-1", { name: "Acme", checkedAt: T1, reauth: [broken("hubspot", T1)] }), account("acct-2", { checkedAt: T1 })]);

  it("an app that was healthy at the previous check and needs re-authentication now", () => {
    expect(newBreaks(input(HEALTHY, BROKE))).toEqual([{ sourceId: SOURCE, accountId: "acct-1", account: "Acme (acct-1)", slug: "hubspot", name: "Hubspot", since: T1 }]);
  });

  it("not the first check after install, nor any check without a baseline: that one is summarised in the popup", () => {
    const first = input(stored({ ...HEALTHY, checkedAt: undefined, accounts: [], source: "" }), BROKE);
    expect(first.baseline).toBe(false);
    expect(newBreaks(first)).toEqual([]);
    // The previous results belong to other settings (another key, say).
    const other = makeStatus(makeSettings({ apiKey: "tk_other" }), { checkedAt: T0, accounts: HEALTHY.accounts });
    expect(hasBaseline(other, sourceKey(settings))).toBe(false);
    // Results of these settings that never had a successful check.
    expect(hasBaseline({ ...HEALTHY, checkedAt: undefined }, sourceKey(settings))).toBe(false);
  });

  it("not an account seen for the first time (a linked account just added or listed)", () => {
    const previous = statusAt(T0, [account("acct-2", { checkedAt: T0 })]);
    expect(newBreaks(input(previous, BROKE))).toEqual([]);
    // Known, but never fetched successfully (it failed from the start): no baseline for it either.
    const failing = statusAt(T0, [account("acct-1", { error: { kind: "server", at: T0 } }), account("acct-2", { checkedAt: T0 })]);
    expect(newBreaks(input(failing, BROKE))).toEqual([]);
  });

  it("never twice for the same break: not after a restart, a sleep, or a worker restart (the status is stored)", () => {
    const later = T1 + 8 * 60 * MIN;
    const again = statusAt(later, [account("acct-1", { name: "Acme", checkedAt: later, reauth: [broken("hubspot", T1)] }), account("acct-2", { checkedAt: later })]);
    expect(newBreaks(input(stored(BROKE), again))).toEqual([]);
  });

  it("never twice after a transient failure: the account kept its data, and when it recovers its still-broken apps are not new", () => {
    const T2 = T1 + 5 * MIN;
    const failed = statusAt(T1, [account("acct-1", { name: "Acme", checkedAt: T1, reauth: [broken("hubspot", T1)], error: { kind: "server", at: T2 } }), account("acct-2", { checkedAt: T2 })], {
      error: { kind: "network", at: T2 },
    });
    expect(newBreaks(input(BROKE, failed))).toEqual([]);
    const T3 = T2 + 5 * MIN;
    const recovered = statusAt(T3, [account("acct-1", { name: "Acme", checkedAt: T3, reauth: [broken("hubspot", T1)] }), account("acct-2", { checkedAt: T3 })]);
    expect(newBreaks(input(stored(failed), recovered))).toEqual([]);
  });

  it("a break that was already announced is not announced again, even if the previous status lost it", () => {
    const notified: Notified = { breaks: [{ sourceId: SOURCE, accountId: "acct-1", slug: "hubspot", since: T1, id: notificationId.app(SOURCE, "acct-1", "hubspot") }], failures: [] };
    expect(newBreaks(input(HEALTHY, BROKE, { notified }))).toEqual([]);
  });

  it("an app of an account a relay's compact status left out (it was healthy) that needs re-authentication now", () => {
    // The compact status lists what is broken and counts the rest: acct-1 and acct-2 were counted.
    const compact = statusAt(T0, [], { relay: { sources: ["team"], unlisted: { accounts: 2, healthyApps: 4 } } });
    const next = { ...BROKE, relay: { sources: ["team"], unlisted: { accounts: 1, healthyApps: 2 } } };
    expect(newBreaks(input(compact, next)).map((b) => [b.accountId, b.slug])).toEqual([["acct-1", "hubspot"]]);
    // Left out of a status that lists every account, it was not known: no baseline.
    expect(newBreaks(input(statusAt(T0, []), BROKE))).toEqual([]);
  });

  it("an app fixed and broken again later is a new break", () => {
    const T3 = T1 + 20 * MIN;
    const fixed = statusAt(T1 + 10 * MIN, [account("acct-1", { name: "Acme", checkedAt: T1 + 10 * MIN }), account("acct-2", { checkedAt: T1 + 10 * MIN })]);
    const again = statusAt(T3, [account("acct-1", { name: "Acme", checkedAt: T3, reauth: [broken("hubspot", T3)] }), account("acct-2", { checkedAt: T3 })]);
    const notified: Notified = { breaks: [{ sourceId: SOURCE, accountId: "acct-1", slug: "hubspot", since: T1, id: notificationId.app(SOURCE, "acct-1", "hubspot") }], failures: [] };
    expect(newBreaks(input(fixed, again, { notified })).map((b) => [b.slug, b.since])).toEqual([["hubspot", T3]]);
  });
});

describe("the notification plan", () => {
  const T1 = T0 + 5 * MIN;
  const brokenNow = (...slugs: string[]) =>
    statusAt(T1, [account("acct-1", { name: "Acme", checkedAt: T1, reauth: slugs.map((slug) => broken(slug, T1)) }), account("acct-2", { checkedAt: T1 })]);

  it("one notification per new break, naming the app and the linked account, as message data", () => {
    const plan = planNotifications(input(HEALTHY, brokenNow("hubspot")));
    expect(plan.show).toEqual([
      {
        id: notificationId.app(SOURCE, "acct-1", "hubspot"),
        title: { key: "notifyBreakTitle", params: { app: "Hubspot" } },
        message: { key: "notifyBreakMessage", params: { account: "Acme (acct-1)" } },
      },
    ]);
    expect(plan.clear).toEqual([]);
    expect(plan.notified.breaks).toEqual([{ sourceId: SOURCE, accountId: "acct-1", slug: "hubspot", since: T1, id: plan.show[0]!.id }]);
  });

  it("names the source too when the user has several", () => {
    const plan = planNotifications(input(HEALTHY, brokenNow("hubspot"), { sourceLabel: "Production" }));
    expect(plan.show[0]!.message).toEqual({ key: "notifyBreakMessageInSource", params: { account: "Acme (acct-1)", source: "Production" } });
  });

  it(`three new breaks give three notifications; more than ${SUMMARY_ABOVE} give one summary that opens the list`, () => {
    expect(SUMMARY_ABOVE).toBe(3);
    expect(planNotifications(input(HEALTHY, brokenNow("a", "b", "c"))).show).toHaveLength(3);
    const plan = planNotifications(input(HEALTHY, brokenNow("a", "b", "c", "d")));
    expect(plan.show).toEqual([
      {
        id: notificationId.summary(SOURCE, T1),
        title: { key: "notifySummaryTitle", params: { count: 4 } },
        message: { key: "notifySummaryMessage", params: { count: 4, accounts: 1 } },
      },
    ]);
    expect(plan.notified.breaks.map((b) => [b.slug, b.id])).toEqual(["a", "b", "c", "d"].map((slug) => [slug, notificationId.summary(SOURCE, T1)]));
  });

  it("the same check run through the plan twice shows nothing the second time", () => {
    const once = planNotifications(input(HEALTHY, brokenNow("hubspot")));
    const twice = planNotifications(input(HEALTHY, brokenNow("hubspot"), { notified: stored(once.notified) }));
    expect(twice.show).toEqual([]);
    expect(twice.notified).toEqual(once.notified);
  });

  it("clears a notification when its app is fixed, and a summary once every app in it is fixed", () => {
    const one = planNotifications(input(HEALTHY, brokenNow("hubspot")));
    const T2 = T1 + 5 * MIN;
    const fixed = statusAt(T2, [account("acct-1", { name: "Acme", checkedAt: T2 }), account("acct-2", { checkedAt: T2 })]);
    const cleared = planNotifications(input(brokenNow("hubspot"), fixed, { notified: one.notified }));
    expect(cleared.clear).toEqual([notificationId.app(SOURCE, "acct-1", "hubspot")]);
    expect(cleared.notified).toEqual(EMPTY_NOTIFIED);

    const summary = planNotifications(input(HEALTHY, brokenNow("a", "b", "c", "d")));
    const partly = statusAt(T2, [account("acct-1", { name: "Acme", checkedAt: T2, reauth: [broken("d", T1)] }), account("acct-2", { checkedAt: T2 })]);
    const still = planNotifications(input(brokenNow("a", "b", "c", "d"), partly, { notified: summary.notified }));
    expect(still.clear).toEqual([]);
    expect(still.notified.breaks.map((b) => b.slug)).toEqual(["d"]);
    const done = planNotifications(input(partly, fixed, { notified: still.notified }));
    expect(done.clear).toEqual([notificationId.summary(SOURCE, T1)]);
  });

  it("clears the notifications of an account that is no longer watched", () => {
    const one = planNotifications(input(HEALTHY, brokenNow("hubspot")));
    const T2 = T1 + 5 * MIN;
    const without = statusAt(T2, [account("acct-2", { checkedAt: T2 })]);
    expect(planNotifications(input(brokenNow("hubspot"), without, { notified: one.notified })).clear).toEqual([notificationId.app(SOURCE, "acct-1", "hubspot")]);
  });

  it("keeps a notification while its account fails (its data, still broken, is kept)", () => {
    const one = planNotifications(input(HEALTHY, brokenNow("hubspot")));
    const failing = statusAt(T1, [account("acct-1", { name: "Acme", checkedAt: T1, reauth: [broken("hubspot", T1)], error: { kind: "timeout", at: T1 + MIN } }), account("acct-2", { checkedAt: T1 })]);
    const plan = planNotifications(input(brokenNow("hubspot"), failing, { notified: one.notified }));
    expect(plan.show).toEqual([]);
    expect(plan.clear).toEqual([]);
    expect(plan.notified).toEqual(one.notified);
  });

  it("leaves another source's record alone: a settings change of another source notifies nothing here", () => {
    const theirs: Notified = { breaks: [{ sourceId: "s12345678", accountId: "acct-1", slug: "hubspot", since: T0, id: notificationId.app("s12345678", "acct-1", "hubspot") }], failures: [] };
    const plan = planNotifications(input(HEALTHY, HEALTHY, { notified: theirs }));
    expect(plan.show).toEqual([]);
    expect(plan.clear).toEqual([]);
    expect(plan.notified).toEqual(theirs);
  });

  it("does not notify muted apps, nor apps of a muted linked account", () => {
    const mutes = mute([], { sourceId: SOURCE, account: HEALTHY.accounts[0]!, slug: "hubspot" }, "hour", T0);
    expect(planNotifications(input(HEALTHY, brokenNow("hubspot", "slack"), { mutes })).show.map((n) => n.id)).toEqual([notificationId.app(SOURCE, "acct-1", "slack")]);
    const whole = mute([], { sourceId: SOURCE, account: HEALTHY.accounts[0]! }, "day", T0);
    const plan = planNotifications(input(HEALTHY, brokenNow("hubspot", "slack"), { mutes: whole }));
    expect(plan.show).toEqual([]);
    // Not announced, so not recorded either: the record holds what was notified.
    expect(plan.notified).toEqual(EMPTY_NOTIFIED);
    // Five breaks of which two muted: three notifications, not a summary.
    const some = mute(mute([], { sourceId: SOURCE, account: HEALTHY.accounts[0]!, slug: "a" }, "week", T0), { sourceId: SOURCE, account: HEALTHY.accounts[0]!, slug: "b" }, "week", T0);
    expect(planNotifications(input(HEALTHY, brokenNow("a", "b", "c", "d", "e"), { mutes: some })).show).toHaveLength(3);
  });
});

describe("failure notifications (optional)", () => {
  const T1 = T0 + 5 * MIN;
  const rejected = { ...HEALTHY, error: { kind: "unauthorized" as const, at: T1 } };
  const refused = { ...HEALTHY, error: { kind: "forbidden" as const, at: T1 } };

  it("once per failure episode that needs the user: key rejected, access refused", () => {
    const plan = planNotifications(input(HEALTHY, rejected, { now: T1 }));
    expect(plan.show).toEqual([
      { id: notificationId.failure(SOURCE), title: { key: "notifyKeyRejectedTitle" }, message: { key: "notifyKeyRejectedMessage" } },
    ]);
    const again = planNotifications(input(rejected, { ...rejected, error: { ...rejected.error, at: T1 + MIN } }, { notified: plan.notified, now: T1 + MIN }));
    expect(again.show).toEqual([]);
    expect(planNotifications(input(HEALTHY, refused, { now: T1 })).show.map((n) => n.title.key)).toEqual(["notifyAccessRefusedTitle"]);
  });

  it("ends its episode (and clears it) when the source recovers, so a later failure is told again", () => {
    const first = planNotifications(input(HEALTHY, rejected, { now: T1 }));
    const ok = statusAt(T1 + MIN, HEALTHY.accounts);
    const recovered = planNotifications(input(rejected, ok, { notified: first.notified }));
    expect(recovered.clear).toEqual([notificationId.failure(SOURCE)]);
    expect(recovered.notified.failures).toEqual([]);
    expect(planNotifications(input(ok, { ...rejected, error: { ...rejected.error, at: T1 + 2 * MIN } }, { notified: recovered.notified })).show).toHaveLength(1);
  });

  it("not for failures that pass by themselves, not when turned off, and not without a baseline (a key just saved)", () => {
    expect(planNotifications(input(HEALTHY, { ...HEALTHY, error: { kind: "server", at: T1 } })).show).toEqual([]);
    expect(planNotifications(input(HEALTHY, rejected, { failures: false })).show).toEqual([]);
    expect(planNotifications(input(HEALTHY, rejected, { baseline: false })).show).toEqual([]);
  });
});

describe("notification ids and the stored record", () => {
  it("say what a click opens", () => {
    expect(parseNotificationId(notificationId.app("main", "a\"1", "hub,spot"))).toEqual({ kind: "app", sourceId: "main", accountId: "a\"1", slug: "hub,spot" });
    expect(parseNotificationId(notificationId.summary("main", T0))).toEqual({ kind: "summary", sourceId: "main" });
    expect(parseNotificationId(notificationId.failure("s1"))).toEqual({ kind: "failure", sourceId: "s1" });
    expect(parseNotificationId("someone else's")).toBeUndefined();
    expect(parseNotificationId('["app",1]')).toBeUndefined();
  });

  it("reads back what was stored, drops a damaged entry alone and accepts unknown fields", () => {
    const good = { sourceId: "main", accountId: "a", slug: "s", since: T0, id: "x" };
    const raw = { breaks: [good, { sourceId: 5 }, { ...good, slug: "t", later: true }], failures: [{ sourceId: "main", kind: "unauthorized", id: "y" }, { kind: "nope" }], later: 1 };
    expect(parseNotified(raw)).toEqual({ breaks: [good, { ...good, slug: "t" }], failures: [{ sourceId: "main", kind: "unauthorized", id: "y" }] });
    expect(parseNotified(undefined)).toEqual(EMPTY_NOTIFIED);
    expect(parseNotified("garbage")).toEqual(EMPTY_NOTIFIED);
  });

  it("forgets the sources that no longer exist, with the notifications to clear", () => {
    const notified: Notified = {
      breaks: [
        { sourceId: "main", accountId: "a", slug: "s", since: T0, id: notificationId.app("main", "a", "s") },
        { sourceId: "gone", accountId: "a", slug: "s", since: T0, id: notificationId.app("gone", "a", "s") },
      ],
      failures: [{ sourceId: "gone", kind: "unauthorized", id: notificationId.failure("gone") }],
    };
    const pruned = pruneNotified(notified, new Set(["main"]));
    expect(pruned.notified).toEqual({ breaks: [notified.breaks[0]], failures: [] });
    expect(pruned.clear).toEqual([notificationId.app("gone", "a", "s"), notificationId.failure("gone")]);
  });
});
