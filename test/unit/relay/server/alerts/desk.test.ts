import { describe, expect, it } from "vitest";
import { afterCheck } from "../../../../../src/relay/server/alerts/breaks.ts";
import { claimOf, EMPTY_DESK, isMuted, snapshotOf, type DeskSnapshot } from "../../../../../src/relay/server/alerts/desk.ts";
import type { AlertsRecord, OpenBreak } from "../../../../../src/relay/server/alerts/record.ts";
import { timed } from "../../../../../src/relay/server/alerts/timed.ts";
import type { DeskFile } from "../../../../../src/relay/server/store/desk-rules.ts";
import { account, DAY, HOUR, MINUTE, RULES, SOURCE, T0, view } from "./fixtures.ts";

/*
 * What the alerts read of the team's desk, as the relay keeps it (store/desk-rules.ts): who held
 * a break when it ended, which breaks nobody is on, and which the team muted.
 */

const file = (parts: Partial<DeskFile>): DeskFile => ({ claims: [], mutes: [], notes: [], fixed: [], ...parts });
const REFS = new Map([[SOURCE.id, SOURCE]]);
const open = (accountId: string, slug: string, since: number, remindedDays = 0): OpenBreak => ({ accountId, accountName: `${accountId} Inc.`, slug, app: slug.toUpperCase(), since, remindedDays });
const record = (items: OpenBreak[], lastDate?: string): AlertsRecord => ({ sources: { [SOURCE.id]: { fingerprint: "fingerprint-1", open: items } }, digest: lastDate === undefined ? {} : { lastDate }, outbox: [] });

describe("the desk as the alerts read it", () => {
  it("takes the desk's claims (an app's, or a whole linked account's), the claims a fix ended, and team mutes", () => {
    const desk = snapshotOf([
      {
        id: "prod",
        desk: file({
          claims: [
            { source: "prod", account: "acme", app: "hubspot", member: "alice", at: T0, broke: T0, names: {} },
            { source: "prod", account: "globex", member: "carol", at: T0, names: {} },
          ],
          fixed: [{ source: "prod", account: "initech", app: "jira", member: "bob", since: T0 + MINUTE, at: T0 + HOUR, names: {} }],
          mutes: [
            { source: "prod", account: "acme", app: "copper", member: "bob", at: T0, broke: T0, until: T0 + DAY },
            { source: "prod", account: "umbrella", member: "bob", at: T0, breaks: [{ slug: "zendesk", since: T0 }] },
          ],
        }),
      },
    ]);
    expect(claimOf(desk, { sourceId: "prod", accountId: "acme", slug: "hubspot" })?.member).toBe("alice");
    expect(claimOf(desk, { sourceId: "prod", accountId: "acme", slug: "copper" })).toBeUndefined();
    // Someone on a linked account is on each of its apps.
    expect(claimOf(desk, { sourceId: "prod", accountId: "globex", slug: "anything" })?.member).toBe("carol");
    expect(claimOf(desk, { sourceId: "other", accountId: "globex", slug: "anything" })).toBeUndefined();
    expect(isMuted(desk, { sourceId: "prod", accountId: "acme", slug: "copper", since: T0 }, T0 + HOUR)).toBe(true);
    expect(isMuted(desk, { sourceId: "prod", accountId: "acme", slug: "copper", since: T0 }, T0 + DAY)).toBe(false);
    // Until fixed: the breaks there were when it was muted, not one that began later.
    expect(isMuted(desk, { sourceId: "prod", accountId: "umbrella", slug: "zendesk", since: T0 }, T0 + 30 * DAY)).toBe(true);
    expect(isMuted(desk, { sourceId: "prod", accountId: "umbrella", slug: "zendesk", since: T0 + 2 * DAY }, T0 + 30 * DAY)).toBe(false);
    expect(isMuted(desk, { sourceId: "prod", accountId: "umbrella", slug: "hubspot", since: T0 }, T0)).toBe(false);
  });

  it("says who was on a break when it ended: the claim the fix ended, even when it was taken over after the last check", () => {
    const first = afterCheck(undefined, view([account("acme", ["hubspot"])]), EMPTY_DESK, T0, RULES);
    const alice: DeskSnapshot = { claims: [{ sourceId: "prod", accountId: "acme", slug: "hubspot", member: "alice", since: T0 + MINUTE }], mutes: [] };
    const claimed = afterCheck(first.source, view([account("acme", ["hubspot"])]), alice, T0 + 2 * MINUTE, RULES);
    expect(claimed.source.open[0]?.claimedBy).toBe("alice");
    // Bob took over, then the fix ended his claim before the alerts looked: the desk keeps it as fixed.
    const ended: DeskSnapshot = { claims: [], mutes: [], ended: [{ sourceId: "prod", accountId: "acme", slug: "hubspot", member: "bob", since: T0 + HOUR }] };
    const fixed = afterCheck(claimed.source, view([account("acme", [])]), ended, T0 + 2 * HOUR, RULES);
    expect(fixed.messages).toMatchObject([{ type: "fixed", item: { slug: "hubspot", claimedBy: "bob" } }]);
  });

  it("does not name who was on an earlier break of the same app", () => {
    const first = afterCheck(undefined, view([account("acme", [])]), EMPTY_DESK, T0, RULES);
    const broke = afterCheck(first.source, view([account("acme", ["hubspot"])], {}, T0 + 2 * HOUR), EMPTY_DESK, T0 + 2 * HOUR, RULES);
    const earlier: DeskSnapshot = { claims: [], mutes: [], ended: [{ sourceId: "prod", accountId: "acme", slug: "hubspot", member: "bob", since: T0 + HOUR }] };
    const fixed = afterCheck(broke.source, view([account("acme", [])]), earlier, T0 + 3 * HOUR, RULES);
    expect(fixed.messages).toHaveLength(1);
    expect(fixed.messages[0]).toMatchObject({ type: "fixed" });
    expect(fixed.messages[0]).not.toHaveProperty("item.claimedBy");
  });

  it("sends no reminder for a break the team muted, and reminds of the rest with who is on them", () => {
    const desk = snapshotOf([
      {
        id: "prod",
        desk: file({
          claims: [{ source: "prod", account: "globex", member: "carol", at: T0, names: {} }],
          mutes: [{ source: "prod", account: "acme", member: "bob", at: T0, breaks: [{ slug: "hubspot", since: T0 }] }],
        }),
      },
    ]);
    const out = timed(record([open("acme", "hubspot", T0), open("globex", "jira", T0), open("initech", "copper", T0)]), REFS, desk, T0 + DAY + MINUTE, RULES);
    expect(out.messages.map((message) => (message.type === "reminder" ? [message.item.accountId, message.item.claimedBy] : message.type))).toEqual([
      ["globex", "carol"],
      ["initech", undefined],
    ]);
    // Muted or not, each threshold is passed once.
    expect(out.record.sources[SOURCE.id]!.open.map((item) => item.remindedDays)).toEqual([1, 1, 1]);
  });

  it("lists in the digest the breaks nobody is on, counting the muted apart", () => {
    const desk = snapshotOf([
      {
        id: "prod",
        desk: file({
          claims: [{ source: "prod", account: "globex", app: "jira", member: "carol", at: T0, broke: T0, names: {} }],
          mutes: [{ source: "prod", account: "acme", app: "hubspot", member: "bob", at: T0, broke: T0, until: T0 + 7 * DAY }],
        }),
      },
    ]);
    const rules = { ...RULES, digest: { minutes: 9 * 60, whenNothingBroken: false } };
    const out = timed(record([open("acme", "hubspot", T0), open("globex", "jira", T0), open("initech", "copper", T0 + HOUR)], "2025-06-02"), REFS, desk, Date.UTC(2025, 5, 3, 9, 0), rules);
    const digest = out.messages.find((message) => message.type === "digest");
    expect(digest).toMatchObject({ type: "digest", count: 3, unclaimed: 1, muted: 1, items: [{ accountId: "initech", slug: "copper" }], oldest: { accountId: "acme" } });
  });
});
