import { describe, expect, it } from "vitest";
import { accountLabel, buildListModel } from "../../../../src/core/status/list-model.ts";
import type { Status } from "../../../../src/core/status/model.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";

const HUBSPOT = { slug: "hubspot", name: "HubSpot" };
const SLACK = { slug: "slack", name: "Slack" };
const GMAIL = { slug: "google_mail", name: "Gmail" };
const NOT_FOUND = { kind: "not-found" as const, at: 5 };

function status(overrides: Partial<Status> = {}): Status {
  return makeStatus(makeSettings(), {
    checkedAt: 100,
    accounts: [
      account("acct-1", { name: "Acme Inc.", checkedAt: 100, reauth: [HUBSPOT, SLACK], healthyCount: 3 }),
      account("acct-2", { checkedAt: 100, healthyCount: 2 }),
      account("user_42", { name: "Globex", checkedAt: 90, reauth: [GMAIL], healthyCount: 1 }),
      account("gone", { name: "Gone Corp", error: NOT_FOUND }),
    ],
    ...overrides,
  });
}

describe("accountLabel", () => {
  it.each<[{ id: string; name?: string }, string]>([
    [{ id: "acct-1", name: "Acme" }, "Acme (acct-1)"],
    [{ id: "acct-1" }, "acct-1"],
    [{ id: "acct-1", name: "" }, "acct-1"],
    [{ id: "acct-1", name: "acct-1" }, "acct-1"],
  ])("%j → %j", (input, label) => {
    expect(accountLabel(input)).toBe(label);
  });
});

describe("buildListModel", () => {
  it("groups apps needing re-auth by account and lists failed accounts; healthy accounts are left out", () => {
    const model = buildListModel(status(), "");
    expect(model.groups).toEqual([
      { id: "acct-1", label: "Acme Inc. (acct-1)", apps: [HUBSPOT, SLACK], checkedAt: 100 },
      { id: "user_42", label: "Globex (user_42)", apps: [GMAIL], checkedAt: 90 },
      { id: "gone", label: "Gone Corp (gone)", apps: [], error: NOT_FOUND },
    ]);
    expect(model).toMatchObject({ appCount: 3, accountsWithApps: 2, accountsWatched: 4, healthyCount: 6, shownApps: 3 });
  });

  it("keeps an account with apps and an error, showing both", () => {
    const model = buildListModel(status({ accounts: [account("a", { reauth: [SLACK], error: { kind: "server", at: 9 } })] }), "");
    expect(model.groups).toEqual([{ id: "a", label: "a", apps: [SLACK], error: { kind: "server", at: 9 } }]);
  });

  it("uses the listing's total for accounts watched when known", () => {
    expect(buildListModel(status({ accountsTotal: 250 }), "").accountsWatched).toBe(250);
  });

  it.each<[string, string, string[]]>([
    ["app name", "hub", ["acct-1:hubspot"]],
    ["app name, any case", "sLaCk", ["acct-1:slack"]],
    ["slug", "google_mail", ["user_42:google_mail"]],
    ["account name", "globex", ["user_42:google_mail"]],
    ["account id", "ACCT-1", ["acct-1:hubspot", "acct-1:slack"]],
    ["surrounding spaces", "  gmail  ", ["user_42:google_mail"]],
  ])("filters by %s", (_label, query, shown) => {
    const model = buildListModel(status(), query);
    expect(model.groups.flatMap((g) => g.apps.map((a) => `${g.id}:${a.slug}`))).toEqual(shown);
    expect(model.shownApps).toBe(shown.length);
  });

  it("shows an account with only an error when the query matches the account", () => {
    expect(buildListModel(status(), "gone corp").groups.map((g) => g.id)).toEqual(["gone"]);
    expect(buildListModel(status(), "hubspot").groups.map((g) => g.id)).toEqual(["acct-1"]);
  });

  it("does not change the totals when filtering", () => {
    const all = buildListModel(status(), "");
    const some = buildListModel(status(), "slack");
    const none = buildListModel(status(), "no such thing");
    for (const model of [some, none]) {
      expect(model.appCount).toBe(all.appCount);
      expect(model.accountsWithApps).toBe(all.accountsWithApps);
      expect(model.accountsWatched).toBe(all.accountsWatched);
      expect(model.healthyCount).toBe(all.healthyCount);
    }
    expect(some.shownApps).toBe(1);
    expect(none.groups).toEqual([]);
    expect(none.shownApps).toBe(0);
  });

  describe("when the whole check failed, shown once in the banner", () => {
    const SERVER = { kind: "server" as const, status: 500, at: 9 };

    it("does not repeat the banner's failure under each account", () => {
      const failedAll = status({
        error: SERVER,
        accounts: [
          account("acct-1", { checkedAt: 100, reauth: [HUBSPOT], error: SERVER }),
          account("acct-2", { checkedAt: 100, healthyCount: 2, error: SERVER }),
          account("gone", { error: NOT_FOUND }),
        ],
      });
      const model = buildListModel(failedAll, "", SERVER);
      // acct-2 had nothing to fix and only the banner's failure: it adds nothing.
      expect(model.groups).toEqual([
        { id: "acct-1", label: "acct-1", apps: [HUBSPOT], checkedAt: 100 },
        { id: "gone", label: "gone", apps: [], error: NOT_FOUND },
      ]);
    });

    it("keeps an account's failure that says something else, even of the same kind", () => {
      const other = { kind: "server" as const, status: 503, at: 9 };
      const model = buildListModel(status({ error: SERVER, accounts: [account("a", { reauth: [SLACK], error: other })] }), "", SERVER);
      expect(model.groups[0]?.error).toEqual(other);
    });

    it("without a banner, every account's failure is shown", () => {
      const model = buildListModel(status({ accounts: [account("a", { healthyCount: 1, error: SERVER })] }), "");
      expect(model.groups).toEqual([{ id: "a", label: "a", apps: [], error: SERVER }]);
    });
  });

  it("is empty for an empty status", () => {
    expect(buildListModel(makeStatus(makeSettings()), "")).toEqual({
      groups: [],
      appCount: 0,
      accountsWithApps: 0,
      accountsWatched: 0,
      healthyCount: 0,
      shownApps: 0,
    });
  });
});
