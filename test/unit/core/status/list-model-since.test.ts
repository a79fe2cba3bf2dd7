import { describe, expect, it } from "vitest";
import { buildListModel } from "../../../../src/core/status/list-model.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";

// Since when: the popup lists the oldest breaks first, in each linked account and
// across them; apps stored before since-when existed come after the dated ones.

const T = 1_750_000_000_000;
const HOUR = 3_600_000;
const app = (slug: string, since?: number) => (since === undefined ? { slug, name: slug } : { slug, name: slug, since });

describe("the list, oldest break first", () => {
  const status = makeStatus(makeSettings(), {
    checkedAt: T,
    accounts: [
      account("new", { reauth: [app("a", T), app("b", T - HOUR)] }),
      account("failed", { error: { kind: "server", at: T } }),
      account("old", { reauth: [app("c"), app("d", T - 5 * HOUR), app("e", T - 3 * HOUR)] }),
      account("undated", { reauth: [app("f")] }),
    ],
  });

  it("sorts each account's apps by since, undated last", () => {
    const model = buildListModel(status, "");
    expect(model.groups.find((g) => g.id === "new")!.apps.map((a) => a.slug)).toEqual(["b", "a"]);
    expect(model.groups.find((g) => g.id === "old")!.apps.map((a) => a.slug)).toEqual(["d", "e", "c"]);
  });

  it("puts the account with the oldest break first; accounts without a dated break keep their order after", () => {
    expect(buildListModel(status, "").groups.map((g) => g.id)).toEqual(["old", "new", "failed", "undated"]);
  });

  it("keeps the stored order among equals (one check saw them all break)", () => {
    const same = makeStatus(makeSettings(), { checkedAt: T, accounts: [account("x", { reauth: [app("p", T), app("q", T)] }), account("y", { reauth: [app("r", T)] })] });
    const model = buildListModel(same, "");
    expect(model.groups.map((g) => g.id)).toEqual(["x", "y"]);
    expect(model.groups[0]!.apps.map((a) => a.slug)).toEqual(["p", "q"]);
  });
});
