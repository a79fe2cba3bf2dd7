import { describe, expect, it } from "vitest";
import { MUTE_MS, countUnmuted, isMuted, mute, muteOf, parseMutes, pruneMutes, splitMuted, unmute, type Mute } from "../../../../src/core/alerts/mutes.ts";
import type { AppRecord } from "../../../../src/core/api/records.ts";
import type { AccountStatus, Status } from "../../../../src/core/status/model.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";

// Mute: an app or a whole linked account, for 1 hour, 1 day, 1 week, or until fixed
// (it returns if it breaks again later). Muted apps do not count on the badge or notify.

const T0 = 1_750_000_000_000;
const HOUR = 3_600_000;
const settings = makeSettings({ linkedAccountIds: ["acct-1", "acct-2"] });
const SOURCE = "main";

const broken = (slug: string, since?: number): AppRecord => {
  const record: AppRecord = { slug, name: slug.toUpperCase() };
  if (since !== undefined) record.since = since;
  return record;
};
const ACME = account("acct-1", { name: "Acme", checkedAt: T0, reauth: [broken("hubspot", T0 - HOUR), broken("slack", T0)] });
const GLOBEX = account("acct-2", { checkedAt: T0, reauth: [broken("hubspot", T0)] });
const STATUS = makeStatus(settings, { checkedAt: T0, accounts: [ACME, GLOBEX] });

const app = (accountId: string, slug: string, since?: number) => ({ sourceId: SOURCE, accountId, slug, since });
const withAccounts = (...accounts: AccountStatus[]): Status => ({ ...STATUS, accounts });

describe("muting for a while", () => {
  it.each([
    ["hour", HOUR],
    ["day", 24 * HOUR],
    ["week", 7 * 24 * HOUR],
  ] as const)("mutes an app for one %s, then it counts again", (length, ms) => {
    expect(MUTE_MS[length]).toBe(ms);
    const mutes = mute([], { sourceId: SOURCE, account: ACME, slug: "hubspot" }, length, T0);
    expect(isMuted(mutes, app("acct-1", "hubspot", T0 - HOUR), T0)).toBe(true);
    expect(isMuted(mutes, app("acct-1", "hubspot", T0 - HOUR), T0 + ms - 1)).toBe(true);
    expect(isMuted(mutes, app("acct-1", "hubspot", T0 - HOUR), T0 + ms)).toBe(false);
    // Only that app of that account of that source.
    expect(isMuted(mutes, app("acct-1", "slack", T0), T0)).toBe(false);
    expect(isMuted(mutes, app("acct-2", "hubspot", T0), T0)).toBe(false);
    expect(isMuted(mutes, { ...app("acct-1", "hubspot", T0 - HOUR), sourceId: "s0other00" }, T0)).toBe(false);
  });

  it("mutes a whole linked account for a while, apps that break meanwhile included", () => {
    const mutes = mute([], { sourceId: SOURCE, account: ACME }, "day", T0);
    expect(isMuted(mutes, app("acct-1", "hubspot", T0 - HOUR), T0 + HOUR)).toBe(true);
    expect(isMuted(mutes, app("acct-1", "gusto", T0 + HOUR), T0 + HOUR)).toBe(true);
    expect(isMuted(mutes, app("acct-2", "hubspot", T0), T0 + HOUR)).toBe(false);
  });

  it("muting the same app again replaces its mute; unmute removes it", () => {
    const once = mute([], { sourceId: SOURCE, account: ACME, slug: "hubspot" }, "week", T0);
    const again = mute(once, { sourceId: SOURCE, account: ACME, slug: "hubspot" }, "hour", T0 + HOUR);
    expect(again).toHaveLength(1);
    expect(again[0]!.until).toBe(T0 + 2 * HOUR);
    const both = mute(again, { sourceId: SOURCE, account: ACME }, "day", T0);
    expect(unmute(both, again[0]!)).toEqual([both[1]]);
  });
});

describe("muting until fixed", () => {
  it("lasts while the app stays broken, and ends when it is seen healthy: breaking again later, it counts", () => {
    const mutes = mute([], { sourceId: SOURCE, account: ACME, slug: "hubspot" }, "fixed", T0);
    expect(mutes[0]!.until).toBeUndefined();
    expect(isMuted(mutes, app("acct-1", "hubspot", T0 - HOUR), T0 + 400 * 24 * HOUR)).toBe(true);
    // Broken again later: a new since, so not the break that was muted, even if no prune ran.
    expect(isMuted(mutes, app("acct-1", "hubspot", T0 + 2 * HOUR), T0 + 2 * HOUR)).toBe(false);
    // Seen healthy: the mute is over.
    const fixed = withAccounts({ ...ACME, reauth: [broken("slack", T0)] }, GLOBEX);
    expect(pruneMutes(mutes, T0 + HOUR, new Map([[SOURCE, fixed]]))).toEqual([]);
    expect(pruneMutes(mutes, T0 + HOUR, new Map([[SOURCE, STATUS]]))).toEqual(mutes);
  });

  it("for a linked account, covers the breaks it has when muted; a later break of another app counts", () => {
    const mutes = mute([], { sourceId: SOURCE, account: ACME }, "fixed", T0);
    expect(isMuted(mutes, app("acct-1", "hubspot", T0 - HOUR), T0)).toBe(true);
    expect(isMuted(mutes, app("acct-1", "slack", T0), T0)).toBe(true);
    expect(isMuted(mutes, app("acct-1", "gusto", T0 + HOUR), T0 + HOUR)).toBe(false);
    // Ends once none of them is broken any more.
    const oneLeft = withAccounts({ ...ACME, reauth: [broken("slack", T0)] }, GLOBEX);
    expect(pruneMutes(mutes, T0 + HOUR, new Map([[SOURCE, oneLeft]]))[0]!.breaks).toEqual([{ slug: "slack", since: T0 }]);
    expect(pruneMutes(mutes, T0 + HOUR, new Map([[SOURCE, withAccounts({ ...ACME, reauth: [] }, GLOBEX)]]))).toEqual([]);
  });

  it("of an app stored without a since (older data), lasts until the app is seen healthy", () => {
    const old = { ...ACME, reauth: [broken("hubspot")] };
    const mutes = mute([], { sourceId: SOURCE, account: old, slug: "hubspot" }, "fixed", T0);
    // The next check dates it; it is still the same break.
    expect(isMuted(mutes, app("acct-1", "hubspot", T0 - HOUR), T0 + HOUR)).toBe(true);
    // Once a check has dated it, the mute knows the break by its since: breaking again later counts.
    const dated = pruneMutes(mutes, T0 + HOUR, new Map([[SOURCE, STATUS]]));
    expect(dated[0]!.breaks).toEqual([{ slug: "hubspot", since: T0 - HOUR }]);
    expect(isMuted(dated, app("acct-1", "hubspot", T0 + 2 * HOUR), T0 + 2 * HOUR)).toBe(false);
  });

  it("of an app that is not broken does nothing", () => {
    expect(mute([], { sourceId: SOURCE, account: GLOBEX, slug: "slack" }, "fixed", T0)).toEqual([]);
    expect(mute([], { sourceId: SOURCE, account: account("acct-3") }, "fixed", T0)).toEqual([]);
  });
});

describe("forgetting mutes", () => {
  const mutes = [
    ...mute([], { sourceId: SOURCE, account: ACME, slug: "hubspot" }, "hour", T0),
    ...mute([], { sourceId: SOURCE, account: GLOBEX }, "week", T0),
    ...mute([], { sourceId: "s0other00", account: ACME }, "week", T0),
  ];

  it("drops expired mutes, mutes of sources that no longer exist, and of linked accounts no longer there", () => {
    expect(pruneMutes(mutes, T0 + HOUR, new Map([[SOURCE, STATUS]]))).toEqual([mutes[1]]);
    expect(pruneMutes(mutes, T0, new Map([[SOURCE, withAccounts(ACME)], ["s0other00", STATUS]]))).toEqual([mutes[0], mutes[2]]);
  });

  it("keeps the timed mutes of an account a relay's compact status leaves out (it is healthy, not gone), and ends its until-fixed ones", () => {
    const untilFixed = mute([], { sourceId: SOURCE, account: GLOBEX }, "fixed", T0);
    const compact: Status = { ...withAccounts(ACME), relay: { sources: ["team"], unlisted: { accounts: 1, healthyApps: 3 } } };
    expect(pruneMutes([mutes[1]!, ...untilFixed], T0, new Map([[SOURCE, compact]]))).toEqual([mutes[1]]);
  });

  it("keeps account mutes of a source whose results are not known yet (settings just changed, say)", () => {
    expect(pruneMutes(mutes, T0, new Map([[SOURCE, undefined]]))).toEqual([mutes[0], mutes[1]]);
  });
});

describe("the list and the badge", () => {
  it("splits a source's list into what counts and what is muted, with the time left", () => {
    const mutes = [...mute([], { sourceId: SOURCE, account: ACME, slug: "hubspot" }, "hour", T0), ...mute([], { sourceId: SOURCE, account: GLOBEX }, "fixed", T0)];
    const split = splitMuted(SOURCE, STATUS, mutes, T0 + 15 * 60_000);
    expect(split.counted.map((a) => [a.id, a.reauth.map((r) => r.slug)])).toEqual([
      ["acct-1", ["slack"]],
      ["acct-2", []],
    ]);
    expect(split.muted).toEqual([
      { accountId: "acct-1", account: "Acme (acct-1)", app: ACME.reauth[0], mute: mutes[0], leftMs: 45 * 60_000 },
      { accountId: "acct-2", account: "acct-2", app: GLOBEX.reauth[0], mute: mutes[1] },
    ]);
    expect(muteOf(mutes, app("acct-2", "hubspot", T0), T0)).toBe(mutes[1]);
  });

  it("counts on the badge only the apps that are not muted", () => {
    expect(countUnmuted(SOURCE, STATUS, [], T0)).toBe(3);
    const mutes = mute([], { sourceId: SOURCE, account: ACME }, "hour", T0);
    expect(countUnmuted(SOURCE, STATUS, mutes, T0)).toBe(1);
    expect(countUnmuted(SOURCE, STATUS, mutes, T0 + HOUR)).toBe(3);
  });
});

describe("stored mutes (untrusted storage)", () => {
  it("read back what was stored, through JSON", () => {
    const mutes = [...mute([], { sourceId: SOURCE, account: ACME, slug: "hubspot" }, "hour", T0), ...mute([], { sourceId: SOURCE, account: ACME }, "fixed", T0)];
    expect(parseMutes(JSON.parse(JSON.stringify(mutes)))).toEqual(mutes);
  });

  it("tolerate unknown fields and drop a damaged entry alone", () => {
    const good: Mute = { sourceId: SOURCE, accountId: "acct-1", slug: "hubspot", at: T0, until: T0 + HOUR };
    const raw = [good, { ...good, slug: 5 }, { sourceId: SOURCE, accountId: "acct-2", at: T0 }, { ...good, accountId: "acct-3", later: "yes" }, null, "x"];
    expect(parseMutes(raw)).toEqual([good, { ...good, accountId: "acct-3" }]);
    expect(parseMutes(undefined)).toEqual([]);
    expect(parseMutes({ not: "a list" })).toEqual([]);
  });
});
