import { describe, expect, it } from "vitest";
import { checkDurationMs, expectedRequests } from "../../../../src/core/check/estimate.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";

const APP = { slug: "hubspot", name: "HubSpot" };

describe("expectedRequests", () => {
  it("is one request per listed account", () => {
    const settings = makeSettings({ linkedAccountIds: ["a", "b", "c"] });
    expect(expectedRequests(settings, makeStatus(settings, { accountsTotal: 500 }))).toBe(3);
  });

  it("is unknown in every-account mode until the listing has been read", () => {
    const settings = makeSettings();
    expect(expectedRequests(settings, makeStatus(settings))).toBeUndefined();
  });

  it("counts listing pages, flagged accounts and the rotation share", () => {
    const settings = makeSettings();
    const status = makeStatus(settings, {
      accountsTotal: 250,
      accounts: [account("a", { reauth: [APP] }), account("b", { reauth: [APP, APP] }), account("c", { reauth: [APP] }), account("d")],
    });
    // 3 pages of 100 + 3 flagged + ceil(250 / 12) = 21 rotation.
    expect(expectedRequests(settings, status)).toBe(27);
  });

  it("never counts more detail requests than accounts", () => {
    const settings = makeSettings();
    const accounts = ["a", "b", "c", "d", "e"].map((id) => account(id, { reauth: [APP] }));
    expect(expectedRequests(settings, makeStatus(settings, { accountsTotal: 5, accounts }))).toBe(6);
  });

  it("is nothing for an environment with no accounts", () => {
    const settings = makeSettings();
    expect(expectedRequests(settings, makeStatus(settings, { accountsTotal: 0 }))).toBe(0);
  });
});

describe("checkDurationMs", () => {
  it.each<[number, number, number]>([
    [60, 120, 30_000],
    [120, 120, 60_000],
    [1, 60, 1_000],
    [0, 120, 0],
    [27, 10, 162_000],
  ])("%i requests at %i/min take %i ms", (requests, rpm, ms) => {
    expect(checkDurationMs(requests, rpm)).toBe(ms);
  });
});
