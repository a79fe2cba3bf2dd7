import { describe, expect, it } from "vitest";
import type { ErrorKind } from "../../../../src/core/api/errors.ts";
import { badgeFor as badgeIn, countText } from "../../../../src/core/badge/badge.ts";
import { COUNT_COLOR, FAILURE_BADGE, STALE_COUNT_COLOR } from "../../../../src/core/badge/table.ts";
import { FAILURE_TITLE } from "../../../../src/core/words/failures.ts";
import { isTransient } from "../../../../src/core/api/errors.ts";
import { errorTitle } from "../../../../src/core/words/error-text.ts";
import type { CheckSettings, Settings } from "../../../../src/core/settings/model.ts";
import type { SourceId } from "../../../../src/core/settings/source-ids.ts";
import { EMPTY_STATUS, type Status } from "../../../../src/core/status/model.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";
import { de, en, ja } from "../../support/i18n.ts";

// Local noon, so "today" is the same day in any time zone the tests run in.
const NOW = new Date(2026, 6, 1, 12, 0).getTime();
const APP_NAME = "Cobalt Integration Status";
const clockTime = (at: number) => en.time(at);
/** The title names the clock time of the check: it stays true between alarms. */
const CHECKED = `checked at ${clockTime(NOW - 10 * 60_000)}`;
const KINDS = Object.keys(FAILURE_BADGE) as ErrorKind[];
const settings = makeSettings();

const hubspot = { slug: "hubspot", name: "HubSpot" };
const slack = { slug: "slack", name: "Slack" };
const gmail = { slug: "gmail", name: "Gmail" };

/** Two accounts, three apps needing re-auth in total, checked 10 minutes ago. */
function withData(overrides: Partial<Status> = {}): Status {
  return makeStatus(settings, {
    checkedAt: NOW - 10 * 60_000,
    accounts: [account("a1", { reauth: [hubspot, slack], healthyCount: 1 }), account("a2", { reauth: [gmail] }), account("a3", { healthyCount: 4 })],
    ...overrides,
  });
}

function error(kind: ErrorKind) {
  return { kind, at: NOW - 1000 };
}

/** One source's badge in English, as most tests below read it. */
/** The badge of a browser with this one source, worded in `t`'s language. */
function sourceBadgeIn(s: CheckSettings, status: Status, now: number, t: typeof en) {
  return badgeIn({ sources: [{ id: "main", kind: "cobalt", label: "", ...s }] }, { main: status }, now, t);
}

function sourceBadge(s: CheckSettings, status: Status, now: number) {
  return sourceBadgeIn(s, status, now, en);
}

/** The badge of all sources in English. */
function badgeFor(s: Settings, statuses: Record<SourceId, Status>, now: number) {
  return badgeIn(s, statuses, now, en);
}

describe("countText", () => {
  it.each<[number, string]>([
    [0, ""],
    [-1, ""],
    [1, "1"],
    [42, "42"],
    [99, "99"],
    [100, "99+"],
    [12345, "99+"],
  ])("%i → %j", (count, text) => {
    expect(countText(count)).toBe(text);
  });
});

describe("FAILURE_BADGE", () => {
  it("has a short text, a colour and a title for every kind", () => {
    expect(KINDS).toHaveLength(19);
    for (const kind of KINDS) {
      const row = FAILURE_BADGE[kind];
      expect(row.text.length, kind).toBeGreaterThan(0);
      expect(row.text.length, kind).toBeLessThanOrEqual(4);
      expect(row.color, kind).toMatch(/^#[0-9a-f]{6}$/);
      expect(en.msg(FAILURE_TITLE[kind]).length, kind).toBeGreaterThan(0);
    }
  });

  it("keeps a known count for transient failures", () => {
    for (const kind of KINDS) {
      if (isTransient(kind)) expect(FAILURE_BADGE[kind].keepsCount, kind).toBe(true);
    }
    expect(FAILURE_BADGE.unauthorized.keepsCount).toBe(false);
    expect(FAILURE_BADGE["not-set-up"].keepsCount).toBe(false);
  });
});

describe("badgeFor", () => {
  it("shows the count in red with a title naming apps and accounts", () => {
    const badge = sourceBadge(settings, withData(), NOW);
    expect(badge).toEqual({
      text: "3",
      color: COUNT_COLOR,
      title: `${APP_NAME}: 3 apps need re-authentication across 2 linked accounts (${CHECKED}).`,
    });
  });

  it("uses the singular for one app in one account", () => {
    const badge = sourceBadge(settings, withData({ accounts: [account("a1", { reauth: [hubspot] })] }), NOW);
    expect(badge.text).toBe("1");
    expect(badge.title).toBe(`${APP_NAME}: 1 app needs re-authentication across 1 linked account (${CHECKED}).`);
  });

  it("shows 99+ above 99 apps", () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ slug: `app${i}`, name: `App ${i}` }));
    const badge = sourceBadge(settings, withData({ accounts: [account("a1", { reauth: many })] }), NOW);
    expect(badge.text).toBe("99+");
    expect(badge.title).toContain("150 apps need re-authentication");
  });

  it("is empty when everything is healthy", () => {
    const badge = sourceBadge(settings, withData({ accounts: [account("a1", { healthyCount: 3 })], checkedAt: NOW }), NOW);
    expect(badge).toEqual({ text: "", color: COUNT_COLOR, title: `${APP_NAME}: all connected apps are healthy (checked at ${clockTime(NOW)}).` });
  });

  it("shows … before the first check", () => {
    const badge = sourceBadge(settings, makeStatus(settings), NOW);
    expect(badge).toEqual({ text: "…", color: STALE_COUNT_COLOR, title: `${APP_NAME}: checking for the first time.` });
  });

  it.each(KINDS)("with no data, %s shows its row's text, colour and title", (kind) => {
    const badge = sourceBadge(settings, makeStatus(settings, { error: error(kind) }), NOW);
    const row = FAILURE_BADGE[kind];
    expect(badge).toEqual({ text: row.text, color: row.color, title: `${APP_NAME}: ${errorTitle(en, kind)}.` });
  });

  it.each(KINDS.filter((kind) => isTransient(kind)))(
    "a transient %s failure keeps the last count in grey and says so in the title",
    (kind) => {
      const badge = sourceBadge(settings, withData({ error: error(kind) }), NOW);
      expect(badge.text).toBe("3");
      expect(badge.color).toBe(STALE_COUNT_COLOR);
      expect(badge.title).toBe(
        `${APP_NAME}: ${errorTitle(en, kind)}. Last known: 3 apps need re-authentication across 2 linked accounts (${CHECKED}).`,
      );
    },
  );

  it("a transient failure with last good data but a zero count shows the failure symbol", () => {
    const badge = sourceBadge(settings, withData({ accounts: [account("a1", { healthyCount: 2 })], error: error("network") }), NOW);
    expect(badge.text).toBe("OFF");
    expect(badge.color).toBe(FAILURE_BADGE.network.color);
    expect(badge.title).toBe(`${APP_NAME}: ${errorTitle(en, "network")}. Last known: No apps need re-authentication (${CHECKED}).`);
  });

  it("a rejected key shows KEY even with a count, and the title still gives the last known count", () => {
    const badge = sourceBadge(settings, withData({ error: error("unauthorized") }), NOW);
    expect(badge.text).toBe("KEY");
    expect(badge.color).toBe(FAILURE_BADGE.unauthorized.color);
    expect(badge.title).toContain("API key rejected");
    expect(badge.title).toContain("Last known: 3 apps need re-authentication");
  });

  it("shows SET whenever the key is empty, whatever the status says", () => {
    const noKey = makeSettings({ apiKey: "" });
    for (const status of [EMPTY_STATUS, withData(), withData({ error: error("server") }), makeStatus(noKey, { error: error("unauthorized") })]) {
      const badge = sourceBadge(noKey, status, NOW);
      expect(badge.text).toBe("SET");
      expect(badge.color).toBe(FAILURE_BADGE["not-set-up"].color);
      expect(badge.title.startsWith(`${APP_NAME}: Not set up: finish the settings in Options. Add your Cobalt API key in Options to start checking.`)).toBe(true);
    }
    expect(sourceBadge(makeSettings({ apiKey: "   " }), withData(), NOW).text).toBe("SET");
  });

  describe("after a settings change, until the new settings are checked", () => {
    const changes: [string, Partial<CheckSettings>][] = [
      ["the key", { apiKey: "tk_another_key" }],
      ["the base URL", { baseUrl: "https://app.refold.ai" }],
      ["the linked account IDs", { linkedAccountIds: ["a1", "a9"] }],
    ];

    it.each(changes)("after a change of %s, says the new settings are being checked, not the old count", (_what, change) => {
      const changed = makeSettings(change);
      for (const status of [withData(), withData({ error: error("unauthorized") }), withData({ error: error("server") })]) {
        const badge = sourceBadge(changed, status, NOW);
        expect(badge).toEqual({ text: "…", color: STALE_COUNT_COLOR, title: `${APP_NAME}: checking the new settings. The last results were for the previous settings.` });
      }
    });

    it("an interval or budget change keeps the count: the same data is fetched", () => {
      const badge = sourceBadge(makeSettings({ intervalMinutes: 30, requestsPerMinute: 600 }), withData(), NOW);
      expect(badge.text).toBe("3");
      expect(badge.color).toBe(COUNT_COLOR);
    });
  });

  describe("the time in the title", () => {
    it("stays true between checks: the same clock time minutes later", () => {
      const first = sourceBadge(settings, withData(), NOW);
      const later = sourceBadge(settings, withData(), NOW + 9 * 60_000);
      expect(later.title).toBe(first.title);
      expect(first.title).toContain(`(${CHECKED})`);
    });

    it("gives the date too when the check was not today", () => {
      const checkedAt = NOW - 26 * 3_600_000;
      const badge = sourceBadge(settings, withData({ checkedAt }), NOW);
      const date = new Date(checkedAt).toLocaleDateString([], { month: "short", day: "numeric" });
      expect(badge.title).toContain(`(checked on ${date} at ${clockTime(checkedAt)})`);
    });
  });

  it("keeps counting the other accounts when some accounts failed", () => {
    const status = withData({
      accounts: [account("a1", { reauth: [hubspot, slack] }), account("a2", { error: error("not-found") }), account("a3", { error: error("server") })],
    });
    const badge = sourceBadge(settings, status, NOW);
    expect(badge.text).toBe("2");
    expect(badge.color).toBe(COUNT_COLOR);
    expect(badge.title).toBe(
      `${APP_NAME}: 2 apps need re-authentication across 1 linked account (${CHECKED}). 2 linked accounts could not be checked (Linked account not found).`,
    );
  });

  it("shows the first failed account's symbol when the others have nothing to count", () => {
    const status = withData({ accounts: [account("a1", { healthyCount: 1 }), account("a2", { error: error("timeout") })] });
    const badge = sourceBadge(settings, status, NOW);
    expect(badge.text).toBe("SLOW");
    expect(badge.color).toBe(FAILURE_BADGE.timeout.color);
    expect(badge.title.startsWith(`${APP_NAME}: No apps need re-authentication (${CHECKED}). 1 linked account could not be checked (`)).toBe(true);
    expect(badge.title).toContain("(Cobalt did not answer in time: retrying).");
  });

  it("always gives a non-empty title", () => {
    const statuses: Status[] = [EMPTY_STATUS, makeStatus(settings), withData(), withData({ accounts: [] })];
    for (const kind of KINDS) {
      statuses.push(makeStatus(settings, { error: error(kind) }), withData({ error: error(kind) }));
      statuses.push(withData({ accounts: [account("x", { error: error(kind) })] }));
    }
    for (const s of [settings, makeSettings({ apiKey: "" })]) {
      for (const status of statuses) {
        const badge = sourceBadge(s, status, NOW);
        expect(badge.title.length).toBeGreaterThan(APP_NAME.length + 2);
        expect(badge.title.startsWith(`${APP_NAME}: `)).toBe(true);
      }
    }
  });
});

describe("badgeFor in other languages", () => {
  it("words the same stored status in German and Japanese, with their plurals and clock times", () => {
    const status = withData();
    const time = (t: typeof de) => t.time(NOW - 10 * 60_000);
    expect(sourceBadgeIn(settings, status, NOW, de).title).toBe(
      `Cobalt-Integrationsstatus: 3 Apps in 2 verknüpften Konten müssen erneut authentifiziert werden (geprüft um ${time(de)}).`,
    );
    expect(sourceBadgeIn(settings, status, NOW, ja).title).toBe(`Cobalt 連携ステータス：リンクされたアカウント 2 件で、アプリ 3 件の再認証が必要です（${time(ja)} に確認）。`);
    const one = withData({ accounts: [account("a1", { reauth: [hubspot] })] });
    expect(sourceBadgeIn(settings, one, NOW, de).title).toContain("1 App in 1 verknüpften Konto muss erneut authentifiziert werden");
  });

  it("words a stored failure in the language of the moment", () => {
    const failed = withData({ error: { kind: "server", at: NOW - 1000, status: 500, detail: "Something broke" } });
    expect(sourceBadgeIn(settings, failed, NOW, de).title).toBe(
      `Cobalt-Integrationsstatus: Der Server von Cobalt meldet Fehler: neuer Versuch folgt. Zuletzt bekannt: 3 Apps in 2 verknüpften Konten müssen erneut authentifiziert werden (geprüft um ${de.time(NOW - 10 * 60_000)}).`,
    );
    expect(sourceBadgeIn(settings, failed, NOW, en).title).toContain("Cobalt's server is failing: retrying. Last known:");
  });
});

describe("badgeFor, with one source", () => {
  it("is that source's badge, word for word", () => {
    for (const status of [withData(), withData({ error: error("unauthorized") }), makeStatus(settings), EMPTY_STATUS]) {
      expect(badgeFor({ sources: [settings] }, { main: status }, NOW)).toEqual(sourceBadge(settings, status, NOW));
    }
    // No status stored yet for it: as before the first check.
    expect(badgeFor({ sources: [settings] }, {}, NOW)).toEqual(sourceBadge(settings, EMPTY_STATUS, NOW));
  });
});

describe("badgeFor, with several sources", () => {
  const test = makeSettings({ id: "main" });
  const production = makeSettings({ id: "s1", apiKey: "pk_live_0123456789", label: "Acme prod" });
  const both = { sources: [test, production] };
  /** One app needing re-authentication in one account, for the production source. */
  const prodData = (overrides: Partial<Status> = {}) =>
    makeStatus(production, { checkedAt: NOW - 10 * 60_000, accounts: [account("p1", { reauth: [gmail] })], ...overrides });

  it("counts across all sources, and the title breaks the count down per source (label + environment)", () => {
    const badge = badgeFor(both, { main: withData(), s1: prodData() }, NOW);
    expect(badge).toEqual({
      text: "4",
      color: COUNT_COLOR,
      title: [
        `${APP_NAME}: 4 apps need re-authentication across 2 sources.`,
        `Test: 3 apps need re-authentication across 2 linked accounts (${CHECKED}).`,
        `Acme prod (production environment): 1 app needs re-authentication across 1 linked account (${CHECKED}).`,
      ].join("\n"),
    });
  });

  it("a source whose key is rejected does not hide the others' count: the count takes the failure's colour and the title names it", () => {
    const badge = badgeFor(both, { main: withData(), s1: prodData({ error: error("unauthorized") }) }, NOW);
    expect(badge.text).toBe("4");
    expect(badge.color).toBe(FAILURE_BADGE.unauthorized.color);
    expect(badge.color).not.toBe(COUNT_COLOR);
    const [headline, testLine, prodLine] = badge.title.split("\n");
    expect(headline).toBe(`${APP_NAME}: 4 apps need re-authentication across 2 sources; “Acme prod” could not be checked.`);
    expect(testLine).toBe(`Test: 3 apps need re-authentication across 2 linked accounts (${CHECKED}).`);
    expect(prodLine).toBe(`Acme prod (production environment): ${errorTitle(en, "unauthorized")}. Last known: 1 app needs re-authentication across 1 linked account (${CHECKED}).`);
  });

  it("a failing source that never had data leaves the others' count, in the failure's colour", () => {
    const badge = badgeFor(both, { main: withData(), s1: makeStatus(production, { error: error("network") }) }, NOW);
    expect(badge.text).toBe("3");
    expect(badge.color).toBe(FAILURE_BADGE.network.color);
    expect(badge.title).toContain("“Acme prod” could not be checked");
  });

  it("with nothing to count anywhere, a failing source shows its word", () => {
    const healthy = withData({ accounts: [account("a1", { healthyCount: 2 })] });
    const badge = badgeFor(both, { main: healthy, s1: makeStatus(production, { error: error("forbidden") }) }, NOW);
    expect(badge.text).toBe("DENY");
    expect(badge.color).toBe(FAILURE_BADGE.forbidden.color);
    expect(badge.title.startsWith(`${APP_NAME}: No apps need re-authentication across 2 sources; “Acme prod” could not be checked.`)).toBe(true);
  });

  it("names every failing source, and takes the first one's colour", () => {
    const badge = badgeFor(both, { main: withData({ error: error("server") }), s1: prodData({ error: error("unauthorized") }) }, NOW);
    expect(badge.text).toBe("4");
    expect(badge.color).toBe(FAILURE_BADGE.server.color);
    expect(badge.title.split("\n")[0]).toBe(`${APP_NAME}: 4 apps need re-authentication across 2 sources; “Test” and “Acme prod” could not be checked.`);
  });

  it("a source not checked yet (just added) adds nothing to the count and says so in its line", () => {
    const badge = badgeFor(both, { main: withData() }, NOW);
    expect(badge.text).toBe("3");
    expect(badge.color).toBe(COUNT_COLOR);
    expect(badge.title.split("\n")[2]).toBe("Acme prod (production environment): checking for the first time.");
  });

  it("shows … while nothing is known yet, and nothing when every source is healthy", () => {
    expect(badgeFor(both, {}, NOW).text).toBe("…");
    const healthy = (source: typeof test) => makeStatus(source, { checkedAt: NOW, accounts: [account("x", { healthyCount: 1 })] });
    const badge = badgeFor(both, { main: healthy(test), s1: healthy(production) }, NOW);
    expect(badge.text).toBe("");
    expect(badge.title.split("\n")[0]).toBe(`${APP_NAME}: No apps need re-authentication across 2 sources.`);
  });

  it("a source's results from before a settings change are not counted as current", () => {
    const changed = { sources: [test, { ...production, apiKey: "pk_other_key_999" }] };
    const badge = badgeFor(changed, { main: withData(), s1: prodData() }, NOW);
    expect(badge.text).toBe("3");
    expect(badge.title.split("\n")[2]).toContain("checking the new settings");
  });

  it("is a pure function: the same settings, statuses and time give the same badge", () => {
    const statuses = { main: withData(), s1: prodData({ error: error("timeout") }) };
    expect(badgeFor(both, statuses, NOW)).toEqual(badgeFor(both, structuredClone(statuses), NOW));
  });
});

describe("an org with no linked accounts yet", () => {
  it("says so on the badge title, not that every connected app is healthy", () => {
    const everyAccount = makeSettings({ linkedAccountIds: [] });
    const empty = makeStatus(everyAccount, { checkedAt: NOW - 10 * 60_000, accounts: [], notes: [{ code: "no-accounts" }] });
    const badge = sourceBadgeIn(everyAccount, empty, NOW, en);
    expect(badge.text).toBe("");
    expect(badge.title).toBe(`${APP_NAME}: no linked accounts yet; every check looks again (${CHECKED}).`);
    expect(sourceBadgeIn(everyAccount, empty, NOW, de).title).toContain("Noch keine verknüpften Konten");
  });
});
