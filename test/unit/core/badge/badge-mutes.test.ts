import { describe, expect, it } from "vitest";
import { mute, nextExpiry, splitMuted, type Mute } from "../../../../src/core/alerts/mutes.ts";
import { badgeFor } from "../../../../src/core/badge/badge.ts";
import { newSource, type Settings } from "../../../../src/core/settings/model.ts";
import type { Status } from "../../../../src/core/status/model.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";
import { de, en } from "../../support/i18n.ts";

// Muted apps do not count on the badge; the tooltip says how many were left out. The
// badge stays a pure function: the mutes are passed in.

const NOW = new Date(2026, 6, 1, 12, 0).getTime();
const HOUR = 3_600_000;
const main = makeSettings();
const settings: Settings = { sources: [main] };
const acme = account("acme", { checkedAt: NOW - 60_000, reauth: [{ slug: "hubspot", name: "HubSpot", since: NOW - HOUR }, { slug: "slack", name: "Slack", since: NOW - HOUR }] });
const globex = account("globex", { checkedAt: NOW - 60_000, reauth: [{ slug: "gmail", name: "Gmail", since: NOW - 2 * HOUR }] });
const status: Status = makeStatus(main, { checkedAt: NOW - 60_000, accounts: [acme, globex] });

describe("the badge with mutes", () => {
  it("counts every app when nothing is muted, as before", () => {
    expect(badgeFor(settings, { main: status }, NOW, en).text).toBe("3");
    expect(badgeFor(settings, { main: status }, NOW, en, []).title).not.toContain("muted");
  });

  it("leaves out an app muted for an hour, and says so in the tooltip", () => {
    const mutes = mute([], { sourceId: "main", account: acme, slug: "hubspot" }, "hour", NOW - 1000);
    const badge = badgeFor(settings, { main: status }, NOW, en, mutes);
    expect(badge.text).toBe("2");
    expect(badge.title).toContain("2 apps need re-authentication across 2 linked accounts");
    expect(badge.title).toContain("1 muted app is not counted.");
    expect(badgeFor(settings, { main: status }, NOW, de, mutes).title).toContain("1 stummgeschaltete App wird nicht mitgezählt.");
  });

  it("counts the app again once the mute has run out (the badge is rendered when it ends)", () => {
    const mutes = mute([], { sourceId: "main", account: acme, slug: "hubspot" }, "hour", NOW - HOUR);
    expect(badgeFor(settings, { main: status }, NOW, en, mutes).text).toBe("3");
  });

  it("leaves out a whole linked account, and shows nothing when every app is muted", () => {
    let mutes: Mute[] = mute([], { sourceId: "main", account: acme }, "fixed", NOW);
    expect(badgeFor(settings, { main: status }, NOW, en, mutes).text).toBe("1");
    mutes = mute(mutes, { sourceId: "main", account: globex }, "week", NOW);
    const badge = badgeFor(settings, { main: status }, NOW, en, mutes);
    expect(badge.text).toBe("");
    expect(badge.title).toContain("3 muted apps are not counted.");
  });

  it("applies a mute to its own source only", () => {
    const other = { ...newSource("s12345678"), apiKey: "pk_other" };
    const both: Settings = { sources: [main, other] };
    const otherStatus = makeStatus(other, { checkedAt: NOW - 60_000, accounts: [account("acme", { checkedAt: NOW, reauth: [{ slug: "hubspot", name: "HubSpot", since: NOW }] })] });
    const mutes = mute([], { sourceId: "main", account: acme, slug: "hubspot" }, "day", NOW);
    const badge = badgeFor(both, { main: status, s12345678: otherStatus }, NOW, en, mutes);
    expect(badge.text).toBe("3");
    expect(badge.title).toContain("1 muted app is not counted.");
  });
});

describe("when the next mute ends", () => {
  it("is the earliest end of a timed mute still running; until-fixed mutes never end by time", () => {
    const fixed = mute([], { sourceId: "main", account: acme }, "fixed", NOW);
    expect(nextExpiry(fixed, NOW)).toBeUndefined();
    const timed = mute(mute(fixed, { sourceId: "main", account: globex }, "week", NOW), { sourceId: "main", account: acme, slug: "slack" }, "hour", NOW - 2 * HOUR);
    expect(nextExpiry(timed, NOW)).toBe(NOW + 604_800_000);
    expect(nextExpiry(mute(timed, { sourceId: "main", account: acme, slug: "hubspot" }, "day", NOW), NOW)).toBe(NOW + 86_400_000);
  });
});

describe("the time a mute has left", () => {
  it("is never more than its length, even at a moment read before it was set (a page renders with the time of its last tick)", () => {
    const mutes = mute([], { sourceId: "main", account: acme, slug: "hubspot" }, "day", NOW);
    expect(splitMuted("main", status, mutes, NOW - 20_000).muted[0]!.leftMs).toBe(86_400_000);
    expect(splitMuted("main", status, mutes, NOW + HOUR).muted[0]!.leftMs).toBe(86_400_000 - HOUR);
  });
});
