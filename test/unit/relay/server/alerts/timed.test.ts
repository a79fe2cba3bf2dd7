import { describe, expect, it } from "vitest";
import type { AlertRules } from "../../../../../src/relay/server/base/alerts-config.ts";
import { EMPTY_DESK, type DeskSnapshot } from "../../../../../src/relay/server/alerts/desk.ts";
import type { AlertMessage } from "../../../../../src/relay/server/alerts/messages.ts";
import type { AlertsRecord, OpenBreak } from "../../../../../src/relay/server/alerts/record.ts";
import { nextTimedAt, timed } from "../../../../../src/relay/server/alerts/timed.ts";
import { DAY, HOUR, MINUTE, RULES, SOURCE, T0 } from "./fixtures.ts";

const REFS = new Map([[SOURCE.id, SOURCE]]);

function open(accountId: string, since: number, extra: Partial<OpenBreak> = {}): OpenBreak {
  return { accountId, slug: "hubspot", app: "HubSpot", since, remindedDays: 0, ...extra };
}

function record(items: OpenBreak[], lastDate?: string): AlertsRecord {
  return { sources: { prod: { fingerprint: "f", open: items } }, digest: lastDate === undefined ? {} : { lastDate }, outbox: [] };
}

/** Runs the timed rules at each instant in turn, carrying the record; the messages of each run. */
function runAt(start: AlertsRecord, times: number[], rules: AlertRules = RULES, desk: DeskSnapshot = EMPTY_DESK): { record: AlertsRecord; runs: AlertMessage[][] } {
  let current = start;
  const runs = times.map((at) => {
    const out = timed(current, REFS, desk, at, rules);
    current = out.record;
    return out.messages;
  });
  return { record: current, runs };
}

describe("reminders", () => {
  it("reminds of a break still open after 1 day and after 7 days, each once", () => {
    const { runs } = runAt(record([open("acme", T0)]), [T0 + DAY - 1, T0 + DAY, T0 + DAY + HOUR, T0 + 7 * DAY, T0 + 30 * DAY]);
    expect(runs.map((messages) => messages.map((message) => (message.type === "reminder" ? message.days : message.type)))).toEqual([[], [1], [], [7], []]);
    expect(runs[1]![0]).toMatchObject({ type: "reminder", source: SOURCE, item: { accountId: "acme", slug: "hubspot", since: T0 } });
  });

  it("sends only the latest one due when several came due while the relay was down", () => {
    const { runs } = runAt(record([open("acme", T0)]), [T0 + 8 * DAY]);
    expect(runs[0]).toMatchObject([{ type: "reminder", days: 7 }]);
  });

  it("takes the days from the rules", () => {
    const { runs } = runAt(record([open("acme", T0)]), [T0 + 2 * DAY, T0 + 3 * DAY], { ...RULES, reminderDays: [3] });
    expect(runs.map((messages) => messages.length)).toEqual([0, 1]);
    expect(runAt(record([open("acme", T0)]), [T0 + 30 * DAY], { ...RULES, reminderDays: [] }).runs).toEqual([[]]);
  });

  it("sends none for a muted break, and does not catch up when the mute ends", () => {
    const muted: DeskSnapshot = { claims: [], mutes: [{ sourceId: "prod", accountId: "acme", slug: "hubspot", until: T0 + 2 * DAY }] };
    const during = runAt(record([open("acme", T0), open("globex", T0)]), [T0 + DAY], RULES, muted);
    expect(during.runs[0]).toMatchObject([{ type: "reminder", item: { accountId: "globex" } }]);
    const after = runAt(during.record, [T0 + 3 * DAY, T0 + 7 * DAY], RULES, muted);
    expect(after.runs.map((messages) => messages.map((message) => (message.type === "reminder" ? message.item.accountId : "")))).toEqual([[], ["acme", "globex"]]);
    // A mute of the whole linked account, with no end, mutes every app of it.
    const account: DeskSnapshot = { claims: [], mutes: [{ sourceId: "prod", accountId: "acme" }] };
    expect(runAt(record([open("acme", T0)]), [T0 + DAY], RULES, account).runs).toEqual([[]]);
  });

  it("says who is on it, and sums up more than five due at once", () => {
    const claimed: DeskSnapshot = { claims: [{ sourceId: "prod", accountId: "acme", slug: "hubspot", member: "bob", since: T0 }], mutes: [] };
    expect(runAt(record([open("acme", T0)]), [T0 + DAY], RULES, claimed).runs[0]).toMatchObject([{ item: { claimedBy: "bob" } }]);
    const six = ["a", "b", "c", "d", "e", "f"].map((id) => open(id, T0));
    expect(runAt(record(six), [T0 + DAY]).runs[0]).toMatchObject([{ type: "reminders", count: 6, items: expect.any(Array) }]);
  });
});

describe("the daily digest", () => {
  const digestRules = (timeZone: string, time = "09:00", whenNothingBroken = false): AlertRules => {
    const [hours, minutes] = time.split(":").map(Number);
    return { ...RULES, timeZone, digest: { minutes: hours! * 60 + minutes!, whenNothingBroken } };
  };
  const digests = (runs: AlertMessage[][]) => runs.map((messages) => messages.filter((message) => message.type === "digest").length);

  it("comes once a day at the configured time in the configured time zone", () => {
    // 09:00 in Berlin in June is 07:00 UTC; the record saw the day before.
    const day = Date.UTC(2025, 5, 2);
    const start = record([open("acme", T0 - DAY)], "2025-06-01");
    const { runs } = runAt(start, [day + 6 * HOUR + 59 * MINUTE, day + 7 * HOUR, day + 8 * HOUR, day + DAY + 7 * HOUR - 1, day + DAY + 7 * HOUR], digestRules("Europe/Berlin"));
    expect(digests(runs)).toEqual([0, 1, 0, 0, 1]);
    expect(runs[1]![0]).toMatchObject({ type: "digest", date: "2025-06-02", timeZone: "Europe/Berlin", count: 1, unclaimed: 1, muted: 0, oldest: { accountId: "acme", source: SOURCE } });
  });

  it("is at the same local time on both sides of a daylight-saving change, and once on a day that has 23 or 25 hours", () => {
    const rules = digestRules("America/New_York", "08:30");
    const start = record([open("acme", T0)], "2025-03-08");
    // 08:30 EST is 13:30 UTC; after the clocks go forward on 9 March, 08:30 EDT is 12:30 UTC.
    const spring = runAt(start, [Date.UTC(2025, 2, 9, 12, 29), Date.UTC(2025, 2, 9, 12, 30), Date.UTC(2025, 2, 9, 13, 30), Date.UTC(2025, 2, 10, 12, 30)], rules);
    expect(digests(spring.runs)).toEqual([0, 1, 0, 1]);
    // Back on 2 November: 08:30 EST is 13:30 UTC again.
    const autumn = runAt(record([open("acme", T0)], "2025-11-01"), [Date.UTC(2025, 10, 2, 12, 30), Date.UTC(2025, 10, 2, 13, 29), Date.UTC(2025, 10, 2, 13, 30)], rules);
    expect(digests(autumn.runs)).toEqual([0, 0, 1]);
  });

  it("at a time the clocks skip that day, comes when they jump; at one that comes twice, the first time", () => {
    // Berlin, 30 March 2025: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    const skipped = runAt(record([open("acme", T0)], "2025-03-29"), [Date.UTC(2025, 2, 30, 0, 59), Date.UTC(2025, 2, 30, 1, 0), Date.UTC(2025, 2, 30, 5, 0)], digestRules("Europe/Berlin", "02:30"));
    expect(digests(skipped.runs)).toEqual([0, 1, 0]);
    // 26 October 2025: 02:30 comes at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    const twice = runAt(record([open("acme", T0)], "2025-10-25"), [Date.UTC(2025, 9, 26, 0, 29), Date.UTC(2025, 9, 26, 0, 30), Date.UTC(2025, 9, 26, 1, 30)], digestRules("Europe/Berlin", "02:30"));
    expect(digests(twice.runs)).toEqual([0, 1, 0]);
  });

  it("follows zones with half-hour offsets and dates ahead of UTC", () => {
    // 09:00 in Kolkata (UTC+5:30) is 03:30 UTC; 07:00 in Auckland on 3 June (UTC+12) is 19:00 UTC on 2 June.
    expect(digests(runAt(record([open("acme", T0)], "2025-06-01"), [Date.UTC(2025, 5, 2, 3, 29), Date.UTC(2025, 5, 2, 3, 30)], digestRules("Asia/Kolkata")).runs)).toEqual([0, 1]);
    const auckland = runAt(record([open("acme", T0)], "2025-06-02"), [Date.UTC(2025, 5, 2, 18, 59), Date.UTC(2025, 5, 2, 19, 0)], digestRules("Pacific/Auckland", "07:00"));
    expect(auckland.runs[1]).toMatchObject([{ type: "digest", date: "2025-06-03" }]);
  });

  it("passes over the day the relay first sees after the digest's time, so starting it sends none", () => {
    const rules = digestRules("UTC");
    const late = runAt(record([open("acme", T0)]), [Date.UTC(2025, 5, 2, 15), Date.UTC(2025, 5, 3, 9)], rules);
    expect(digests(late.runs)).toEqual([0, 1]);
    const early = runAt(record([open("acme", T0)]), [Date.UTC(2025, 5, 2, 8), Date.UTC(2025, 5, 2, 9)], rules);
    expect(digests(early.runs)).toEqual([0, 1]);
  });

  it("says nothing when nothing is broken, unless told to", () => {
    const at = [Date.UTC(2025, 5, 2, 9)];
    expect(digests(runAt(record([], "2025-06-01"), at, digestRules("UTC")).runs)).toEqual([0]);
    const told = runAt(record([], "2025-06-01"), at, digestRules("UTC", "09:00", true));
    expect(told.runs[0]).toEqual([{ type: "digest", date: "2025-06-02", timeZone: "UTC", count: 0, unclaimed: 0, muted: 0, items: [] }]);
    expect(told.record.digest.lastDate).toBe("2025-06-02");
  });

  it("counts what nobody is on and what is muted, and lists the unclaimed, oldest first", () => {
    const desk: DeskSnapshot = {
      claims: [{ sourceId: "prod", accountId: "b", slug: "hubspot", member: "alice", since: T0 }],
      mutes: [{ sourceId: "prod", accountId: "c", until: Date.UTC(2025, 5, 9) }],
    };
    const items = [open("a", T0), open("b", T0 - 2 * DAY), open("c", T0 - 3 * DAY), open("d", T0 - DAY)];
    const { runs } = runAt(record(items, "2025-06-01"), [Date.UTC(2025, 5, 2, 9)], digestRules("UTC"), desk);
    expect(runs[0]!.filter((message) => message.type === "digest")).toMatchObject([{ type: "digest", count: 4, unclaimed: 2, muted: 1, oldest: { accountId: "c" }, items: [{ accountId: "d" }, { accountId: "a" }] }]);
  });
});

describe("the relay's own trouble, as time passes", () => {
  it("says Cobalt is out of reach once 15 minutes have passed with no check getting through, even with no check ending then", () => {
    const failing: AlertsRecord = { ...record([]), sources: { prod: { fingerprint: "f", open: [], trouble: { problem: "unreachable", errorKind: "network", since: T0 } } } };
    const { runs, record: after } = runAt(failing, [T0 + 15 * MINUTE - 1, T0 + 15 * MINUTE, T0 + HOUR]);
    expect(runs).toEqual([[], [{ type: "trouble", source: SOURCE, problem: "unreachable", errorKind: "network", since: T0 }], []]);
    expect(after.sources.prod!.trouble?.announced).toBe("unreachable");
  });
});

describe("when the next timed decision is due", () => {
  it("is the next reminder, the digest or trouble reaching the threshold, whichever comes first", () => {
    const base = record([open("acme", T0)], "2025-06-02");
    expect(nextTimedAt(base, REFS, T0, RULES)).toBe(T0 + DAY);
    expect(nextTimedAt({ ...base, sources: { prod: { open: [open("acme", T0, { remindedDays: 7 })] } } }, REFS, T0, RULES)).toBeUndefined();
    const withDigest = { ...RULES, digest: { minutes: 9 * 60, whenNothingBroken: false } };
    expect(nextTimedAt(base, REFS, T0, withDigest)).toBe(Date.UTC(2025, 5, 3, 9));
    const troubled = { ...base, sources: { prod: { open: [], trouble: { problem: "unreachable" as const, errorKind: "network" as const, since: T0 } } } };
    expect(nextTimedAt(troubled, REFS, T0, RULES)).toBe(T0 + 15 * MINUTE);
    expect(timed(troubled, REFS, EMPTY_DESK, T0 + 15 * MINUTE, RULES).messages).toMatchObject([{ type: "trouble", problem: "unreachable" }]);
  });
});
