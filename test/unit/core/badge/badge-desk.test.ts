import { describe, expect, it } from "vitest";
import { badgeFor } from "../../../../src/core/badge/badge.ts";
import { fingerprint } from "../../../../src/core/settings/fingerprint.ts";
import { newRelaySource, type RelaySource, type Settings } from "../../../../src/core/settings/model.ts";
import type { TeamDesk } from "../../../../src/core/status/desk.ts";
import { STATUS_VERSION, type Status } from "../../../../src/core/status/model.ts";
import { account } from "../../support/fixtures.ts";
import { de, en, ja } from "../../support/i18n.ts";

// A relay source's badge with the team's desk: the tooltip says how many apps teammates are on and
// by whom ("you" for this member); with "count only breaks nobody is on" the badge leaves them out;
// the team's mutes count as mutes.

const NOW = new Date(2026, 6, 1, 12, 0).getTime();
const HOUR = 3_600_000;
const relay = (overrides: Partial<RelaySource> = {}): RelaySource => newRelaySource("main", { relayUrl: "https://relay.example.com", token: "cirelay_x", ...overrides });
const acme = account("acme", { checkedAt: NOW, reauth: [{ slug: "hubspot", name: "HubSpot", since: NOW - HOUR }, { slug: "slack", name: "Slack", since: NOW - HOUR }] });
const globex = account("globex", { checkedAt: NOW, reauth: [{ slug: "gmail", name: "Gmail", since: NOW - HOUR }] });

function status(source: RelaySource, desk: Partial<TeamDesk>): Status {
  return {
    schemaVersion: STATUS_VERSION,
    source: fingerprint(source),
    checkedAt: NOW - 60_000,
    accounts: [acme, globex],
    relay: { sources: ["team"], member: "bob", desk: { claims: [], mutes: [], notes: [], fixed: [], ...desk } },
  };
}

const claims = [
  { accountId: "acme", member: "alice", since: NOW },
  { accountId: "globex", slug: "gmail", member: "bob", since: NOW },
];

describe("a relay source's badge with the team's desk", () => {
  it("says how many apps teammates are on, and by whom, and counts them", () => {
    const source = relay();
    const badge = badgeFor({ sources: [source] }, { main: status(source, { claims }) }, NOW, en);
    expect(badge.text).toBe("3");
    expect(badge.title).toContain("3 are being handled: alice (2) and you (1).");
    expect(badgeFor({ sources: [source] }, { main: status(source, { claims }) }, NOW, de).title).toContain("Um 3 davon kümmert sich jemand: alice (2) und Sie (1).");
    expect(badgeFor({ sources: [source] }, { main: status(source, { claims }) }, NOW, ja).title).toContain("3 件は対応中です");
    expect(badgeFor({ sources: [source] }, { main: status(source, {}) }, NOW, en).title).not.toMatch(/handled|not counted/);
  });

  it("with \"count only breaks nobody is on\", leaves them out of the count, and says so", () => {
    const source = relay({ badgeUnclaimedOnly: true });
    const one = badgeFor({ sources: [source] }, { main: status(source, { claims: claims.slice(1) }) }, NOW, en);
    expect(one.text).toBe("2");
    expect(one.title).toContain("3 apps need re-authentication");
    expect(one.title).toContain("1 app someone is on is not counted: you (1).");
    const all = badgeFor({ sources: [source] }, { main: status(source, { claims }) }, NOW, en);
    expect(all.text).toBe("");
    expect(all.title).toContain("3 apps someone is on are not counted: alice (2) and you (1).");
  });

  it("counts the option per relay source, in the total across sources", () => {
    const on = relay({ badgeUnclaimedOnly: true });
    const off = newRelaySource("s12345678", { relayUrl: "https://other.example.com", token: "cirelay_y" });
    const settings: Settings = { sources: [on, off] };
    const badge = badgeFor(settings, { main: status(on, { claims }), s12345678: status(off, { claims }) }, NOW, en);
    expect(badge.text).toBe("3");
  });

  it("leaves a team mute out of the count, as a mute, on every member's badge", () => {
    const source = relay();
    const badge = badgeFor({ sources: [source] }, { main: status(source, { mutes: [{ accountId: "acme", slug: "hubspot", member: "alice", at: NOW - 1, until: NOW + HOUR }] }) }, NOW, en);
    expect(badge.text).toBe("2");
    expect(badge.title).toContain("1 muted app is not counted.");
    // Its time is up: counted again, before the relay's next answer.
    expect(badgeFor({ sources: [source] }, { main: status(source, { mutes: [{ accountId: "acme", slug: "hubspot", member: "alice", at: NOW - 2 * HOUR, until: NOW - HOUR }] }) }, NOW, en).text).toBe("3");
  });
});
