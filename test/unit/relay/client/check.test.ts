import { describe, expect, it } from "vitest";
import { ApiError } from "../../../../src/core/api/errors.ts";
import { badgeFor } from "../../../../src/core/badge/badge.ts";
import { errorSummary } from "../../../../src/core/words/error-text.ts";
import { nextRelayStatus, relayEtag, relayLinkTarget } from "../../../../src/relay/client/check.ts";
import type { RelayStatus } from "../../../../src/relay/protocol/v1.ts";
import { shouldCheck } from "../../../../src/core/check/schedule.ts";
import { fingerprint } from "../../../../src/core/settings/fingerprint.ts";
import { newRelaySource, type RelaySource } from "../../../../src/core/settings/model.ts";
import { EMPTY_STATUS, type Status } from "../../../../src/core/status/model.ts";
import { buildListModel } from "../../../../src/core/status/list-model.ts";
import { connectionSummary } from "../../../../src/core/words/summary.ts";
import { decodeResults, planResultsWrite } from "../../../../src/core/store/codec.ts";
import { en } from "../../support/i18n.ts";

// A relay source's check: the relay's answer (or failure) and the previous status give the next
// stored status, the same Status a Cobalt source's check stores, so badge and popup need nothing new.

const SOURCE: RelaySource = newRelaySource("s0relay01", { relayUrl: "https://relay.example.com", token: "cirelay_token" });
const NOW = 1_700_000_000_000;
const random = () => 0.5;

const BODY: RelayStatus = {
  protocol: 1,
  sources: [
    {
      id: "team",
      label: "Team",
      environment: "test",
      checkedAt: NOW - 60_000,
      accountsTotal: 3,
      accounts: [
        {
          id: "acme-corp",
          name: "Acme Inc.",
          checkedAt: NOW - 60_000,
          reauth: [
            { slug: "hubspot", name: "Hubspot", icon: "https://logos.example/hubspot.png", authType: "oauth2", since: NOW - 3_600_000 },
            { slug: "copper", name: "Copper", icon: "http://evil.example/copper.png", authType: "keybased", since: NOW - 60_000 },
          ],
          healthyCount: 1,
        },
        { id: "globex", name: "Globex", checkedAt: NOW - 60_000, reauth: [{ slug: "salesforce", name: "Salesforce", since: NOW - 120_000 }], healthyCount: 1 },
        { id: "initech", checkedAt: NOW - 60_000, reauth: [], healthyCount: 2, error: { kind: "server", at: NOW - 60_000, status: 503 } },
      ],
    },
  ],
};

const ok = (body: RelayStatus = BODY, etag = '"v1"') => nextRelayStatus(SOURCE, EMPTY_STATUS, { kind: "ok", etag, body }, NOW, random);

describe("a 200 from the relay", () => {
  it("becomes the stored status: accounts, apps with since-when, counts, the ETag and the relay's source ids", () => {
    const status = ok();
    expect(status).toMatchObject({ source: fingerprint(SOURCE), checkedAt: NOW, accountsTotal: 3, relay: { etag: '"v1"', sources: ["team"] } });
    expect(status.error).toBeUndefined();
    expect(status.backoff).toBeUndefined();
    expect(status.accounts.map((account) => [account.id, account.reauth.map((app) => app.slug)])).toEqual([
      ["acme-corp", ["hubspot", "copper"]],
      ["globex", ["salesforce"]],
      ["initech", []],
    ]);
    expect(status.accounts[0]!.reauth[0]).toEqual({ slug: "hubspot", name: "Hubspot", icon: "https://logos.example/hubspot.png", authType: "oauth2", since: NOW - 3_600_000 });
    // The extension's own icon rule holds whatever the relay sends: plain http only from this computer.
    expect(status.accounts[0]!.reauth[1]!.icon).toBeUndefined();
    expect(status.accounts[2]!.error).toEqual({ kind: "relay-cobalt", at: NOW - 60_000, upstream: "server", status: 503 });
  });

  it("survives the storage codec whole (since-when, the ETag and the relay's ids included)", () => {
    const status = ok();
    expect(decodeResults(planResultsWrite({}, status, {}, SOURCE.id).set, SOURCE.id).status).toEqual(status);
  });

  it("gives the badge and its words as for a Cobalt source", () => {
    const badge = badgeFor({ sources: [SOURCE] }, { [SOURCE.id]: ok() }, NOW, en);
    expect(badge.text).toBe("3");
    expect(badge.title).toContain("3 apps need re-authentication across 2 linked accounts");
  });

  it("says Cobalt rate limiting the relay in its own words, with when the relay asks again", () => {
    const limited: RelayStatus = { protocol: 1, sources: [{ ...BODY.sources[0]!, error: { kind: "rate-limited", at: NOW - 1_000, status: 429 }, retryAt: NOW + 120_000 }] };
    const status = ok(limited);
    expect(status.error).toEqual({ kind: "relay-rate-limited", at: NOW - 1_000, retryAfterMs: 121_000 });
    expect(status.backoff).toBeUndefined();
    expect(errorSummary(en, status.error!)).toMatch(/^The team relay is rate limited: it catches up by itself\. Cobalt is limiting how often the team relay may ask; the relay asks again at /);
    // The relay keeps the count it had; the badge keeps showing it, greyed, and polling goes on.
    expect(badgeFor({ sources: [SOURCE] }, { [SOURCE.id]: status }, NOW, en).text).toBe("3");
    expect(shouldCheck("alarm", SOURCE, status, NOW + 60_000)).toEqual({ run: true });
  });

  it("says the relay's own key being refused by Cobalt as the relay's failure, not the user's key", () => {
    const refused: RelayStatus = { protocol: 1, sources: [{ ...BODY.sources[0]!, error: { kind: "unauthorized", at: NOW, status: 401 } }] };
    const status = ok(refused);
    expect(status.error).toEqual({ kind: "relay-cobalt", at: NOW, upstream: "unauthorized", status: 401 });
    expect(errorSummary(en, status.error!)).toBe("The team relay cannot check Cobalt: showing its last good data. Cobalt refused the team relay's API key (HTTP 401).");
    expect(badgeFor({ sources: [SOURCE] }, { [SOURCE.id]: status }, NOW, en).text).toBe("3");
  });

  it("keeps the accounts of several relay sources apart, by the relay source's id", () => {
    const two: RelayStatus = { protocol: 1, sources: [BODY.sources[0]!, { id: "prod", label: "Prod", environment: "production", accounts: [{ id: "acme-corp", reauth: [], healthyCount: 0 }] }] };
    const status = ok(two);
    expect(status.accounts.map((account) => account.id)).toEqual(["team/acme-corp", "team/globex", "team/initech", "prod/acme-corp"]);
    expect(status.relay?.sources).toEqual(["team", "prod"]);
    expect(relayLinkTarget(status, "prod/acme-corp", "slack")).toEqual({ sourceId: "prod", linkedAccountId: "acme-corp", slug: "slack" });
  });
});

describe("a 304 from the relay", () => {
  it("changes nothing but the checked time", () => {
    const before = ok();
    const after = nextRelayStatus(SOURCE, before, { kind: "not-modified" }, NOW + 60_000, random);
    expect(after).toEqual({ ...before, checkedAt: NOW + 60_000 });
  });

  it("is asked for with the stored ETag, only while the results are this source's", () => {
    const stored = ok();
    expect(relayEtag(SOURCE, stored)).toBe('"v1"');
    expect(relayEtag({ ...SOURCE, token: "cirelay_other" }, stored)).toBeUndefined();
    expect(relayEtag(SOURCE, EMPTY_STATUS)).toBeUndefined();
  });
});

describe("a failed poll", () => {
  const failed = (previous: Status, error: ApiError, now = NOW + 60_000) => nextRelayStatus(SOURCE, previous, { kind: "failed", error }, now, random);

  it("keeps the last good data, records the failure, backs off and forgets the ETag", () => {
    const before = ok();
    const after = failed(before, new ApiError("relay-unreachable"));
    expect(after.accounts).toEqual(before.accounts);
    expect(after.checkedAt).toBe(NOW);
    expect(after.error).toEqual({ kind: "relay-unreachable", at: NOW + 60_000 });
    expect(after.backoff).toEqual({ failures: 1, notBefore: NOW + 60_000 + 30_000 });
    // The next answer is read whole: a 304 must never confirm data stored beside a failure.
    expect(after.relay).toEqual({ sources: ["team"] });
    expect(relayEtag(SOURCE, after)).toBeUndefined();
    expect(shouldCheck("alarm", SOURCE, after, NOW + 61_000)).toEqual({ run: false, reason: "backing off" });
  });

  it("waits for the user after a rejected token, with the badge's own word for it", () => {
    const after = failed(ok(), new ApiError("relay-token-rejected", { status: 401 }));
    expect(after.backoff).toBeUndefined();
    expect(shouldCheck("alarm", SOURCE, after, NOW + 600_000)).toEqual({ run: false, reason: "waiting for the user" });
    const badge = badgeFor({ sources: [SOURCE] }, { [SOURCE.id]: after }, NOW + 60_000, en);
    expect(badge.text).toBe("TOK");
    expect(badge.title).toContain("Team relay token rejected");
  });

  it("honours the wait the relay asked for", () => {
    const after = failed(ok(), new ApiError("relay-rate-limited", { status: 429, retryAfterMs: 6_000 }));
    expect(after.backoff).toMatchObject({ notBefore: NOW + 66_000, retryAfterUntil: NOW + 66_000 });
  });

  it("does not keep another relay's or token's accounts as this one's", () => {
    const before = ok();
    const after = nextRelayStatus({ ...SOURCE, token: "cirelay_new" }, before, { kind: "failed", error: new ApiError("relay-unreachable") }, NOW, random);
    expect(after.accounts).toEqual([]);
    expect(after.relay).toBeUndefined();
  });
});

describe("a compact status (what the extension asks for)", () => {
  // 1,000 linked accounts: the three above, and 997 healthy ones the relay counts instead of listing.
  const COMPACT: RelayStatus = { protocol: 1, sources: [{ ...BODY.sources[0]!, accountsTotal: 1_000, unlisted: { accounts: 997, healthyApps: 2_991 } }] };

  it("keeps the listed accounts and the counts of the others: the stored size follows what is broken", () => {
    const status = ok(COMPACT);
    expect(status.accounts.map((account) => account.id)).toEqual(["acme-corp", "globex", "initech"]);
    expect(status.relay).toEqual({ etag: '"v1"', sources: ["team"], unlisted: { accounts: 997, healthyApps: 2_991 } });
    expect(decodeResults(planResultsWrite({}, status, {}, SOURCE.id).set, SOURCE.id).status).toEqual(status);
  });

  it("counts everything in the popup, the options page and the badge: apps, accounts watched, healthy apps", () => {
    const status = ok(COMPACT);
    const model = buildListModel(status, "");
    expect([model.appCount, model.accountsWithApps, model.accountsWatched, model.healthyCount]).toEqual([3, 2, 1_000, 2_995]);
    expect(connectionSummary(en, SOURCE, status).text).toContain("1,000 linked accounts");
    expect(badgeFor({ sources: [SOURCE] }, { [SOURCE.id]: status }, NOW, en).text).toBe("3");
  });

  it("says all healthy, not 'no linked accounts', when nothing is to be listed", () => {
    const allHealthy: RelayStatus = { protocol: 1, sources: [{ ...BODY.sources[0]!, accountsTotal: 500, accounts: [], unlisted: { accounts: 500, healthyApps: 1_500 } }] };
    const status = ok(allHealthy);
    expect(badgeFor({ sources: [SOURCE] }, { [SOURCE.id]: status }, NOW, en).title).toContain("healthy");
    expect(buildListModel(status, "")).toMatchObject({ accountsWatched: 500, healthyCount: 1_500 });
  });

  it("adds up the counts of several relay sources, and counts accounts without accountsTotal", () => {
    const two: RelayStatus = {
      protocol: 1,
      sources: [
        { id: "team", label: "Team", environment: "test", accounts: [], unlisted: { accounts: 10, healthyApps: 20 } },
        { id: "prod", label: "Prod", environment: "production", accounts: [{ id: "a", reauth: [{ slug: "s", name: "S", since: NOW }], healthyCount: 1 }], unlisted: { accounts: 5, healthyApps: 7 } },
      ],
    };
    const status = ok(two);
    expect(status.relay?.unlisted).toEqual({ accounts: 15, healthyApps: 27 });
    expect(status.accountsTotal).toBe(16);
    expect(buildListModel(status, "").healthyCount).toBe(28);
  });

  it("keeps the counts through a failed poll (the ETag alone goes)", () => {
    const after = nextRelayStatus(SOURCE, ok(COMPACT), { kind: "failed", error: new ApiError("relay-unreachable") }, NOW + 60_000, random);
    expect(after.relay).toEqual({ sources: ["team"], unlisted: { accounts: 997, healthyApps: 2_991 } });
  });
});

describe("links", () => {
  it("name the relay's source for a link, and nothing for an account the relay did not list", () => {
    const status = ok();
    expect(relayLinkTarget(status, "acme-corp", "hubspot")).toEqual({ sourceId: "team", linkedAccountId: "acme-corp", slug: "hubspot" });
    expect(relayLinkTarget(EMPTY_STATUS, "acme-corp", "hubspot")).toBeUndefined();
  });
});

describe("a relay source without a token", () => {
  it("is not set up, and the badge says what is missing in a relay's words", () => {
    const bare = newRelaySource("main", { relayUrl: "https://relay.example.com" });
    expect(shouldCheck("alarm", bare, EMPTY_STATUS, NOW)).toEqual({ run: false, reason: "not set up" });
    const badge = badgeFor({ sources: [bare] }, { main: EMPTY_STATUS }, NOW, en);
    expect(badge.text).toBe("SET");
    expect(badge.title).toContain("Add the team relay's member token in Options to start checking");
  });

  it("keeps the team's desk of every served source with its ids as stored, the member's own name, and notes as text only", () => {
    const desk = {
      claims: [{ account: "acme-corp", app: "hubspot", member: "alice", since: NOW - 5, from: "bob" }],
      mutes: [{ account: "globex", member: "bob", at: NOW - 9, breaks: [{ slug: "salesforce", since: NOW - 120_000 }] }],
      notes: [{ account: "acme-corp", app: "hubspot", member: "bob", at: NOW - 3, text: `on\u202e hold\n${"x".repeat(400)}` }],
      fixed: [{ account: "acme-corp", app: "copper", member: "alice", since: NOW - 50, at: NOW - 1, name: "Copper", accountName: "Acme Inc." }],
    };
    const status = ok({ ...BODY, member: "bob", sources: [{ ...BODY.sources[0]!, desk }] });
    expect(status.relay?.member).toBe("bob");
    expect(status.relay?.desk?.claims).toEqual([{ accountId: "acme-corp", slug: "hubspot", member: "alice", since: NOW - 5, from: "bob" }]);
    expect(status.relay?.desk?.mutes).toEqual([{ accountId: "globex", member: "bob", at: NOW - 9, breaks: [{ slug: "salesforce", since: NOW - 120_000 }] }]);
    expect(status.relay?.desk?.notes[0]?.text).toBe(`on hold ${"x".repeat(272)}`);
    expect(status.relay?.desk?.fixed).toEqual([{ accountId: "acme-corp", slug: "copper", member: "alice", since: NOW - 50, at: NOW - 1, name: "Copper", accountName: "Acme Inc." }]);
    // Kept whole through the storage codec, in the results' header.
    expect(decodeResults(planResultsWrite({}, status, {}, SOURCE.id).set, SOURCE.id).status.relay).toEqual(status.relay);
    // Prefixed as the accounts are, when the relay serves several sources.
    const two = ok({ ...BODY, member: "bob", sources: [{ ...BODY.sources[0]!, desk }, { ...BODY.sources[0]!, id: "prod" }] });
    expect(two.relay?.desk?.claims.map((claim) => claim.accountId)).toEqual(["team/acme-corp"]);
    // A relay without a desk names no member and keeps none.
    expect(ok().relay?.desk).toBeUndefined();
    expect(ok({ ...BODY, member: "bob" }).relay?.desk).toEqual({ claims: [], mutes: [], notes: [], fixed: [] });
  });
});
