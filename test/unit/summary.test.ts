import { describe, expect, it } from "vitest";
import { FAILURE_BADGE } from "../../src/core/badge-table.ts";
import { connectionSummary } from "../../src/core/summary.ts";
import { environmentLabel } from "../../src/core/sources.ts";
import type { Status } from "../../src/core/status.ts";
import { account, makeSettings, makeStatus } from "./support/fixtures.ts";

const HUBSPOT = { slug: "hubspot", name: "HubSpot" };
const SLACK = { slug: "slack", name: "Slack" };
const test = makeSettings({ apiKey: "tk_abc123" });
const prod = makeSettings({ apiKey: "pk_abc123" });

function threeAccounts(settings = test, overrides: Partial<Status> = {}): Status {
  return makeStatus(settings, {
    checkedAt: 1,
    accounts: [account("a1", { reauth: [HUBSPOT, SLACK] }), account("a2", { healthyCount: 2 }), account("a3")],
    ...overrides,
  });
}

describe("environmentLabel", () => {
  it.each<[string, string]>([
    ["tk_x", "test environment"],
    ["pk_x", "production environment"],
    ["sk_x", "unknown environment"],
  ])("%s → %s", (apiKey, label) => {
    expect(environmentLabel(makeSettings({ apiKey }))).toBe(label);
  });
});

describe("connectionSummary", () => {
  it("describes a test-key check", () => {
    expect(connectionSummary(test, threeAccounts())).toEqual({
      ok: true,
      text: "Connected (test environment): 3 linked accounts, 2 apps need re-authentication in 1 linked account.",
    });
  });

  it("describes a production-key check", () => {
    expect(connectionSummary(prod, threeAccounts(prod))).toEqual({
      ok: true,
      text: "Connected (production environment): 3 linked accounts, 2 apps need re-authentication in 1 linked account.",
    });
  });

  it("says when nothing needs re-authentication", () => {
    const status = threeAccounts(test, { accounts: [account("a1"), account("a2")] });
    expect(connectionSummary(test, status).text).toBe("Connected (test environment): 2 linked accounts, no apps need re-authentication.");
  });

  it("uses the singular and leaves out the spread for one account", () => {
    const status = threeAccounts(test, { accounts: [account("a1", { reauth: [HUBSPOT] })] });
    expect(connectionSummary(test, status).text).toBe("Connected (test environment): 1 linked account, 1 app needs re-authentication.");
  });

  it("counts the listing's total and the accounts that could not be checked", () => {
    const status = threeAccounts(test, {
      accountsTotal: 1200,
      accounts: [
        account("a1", { reauth: [HUBSPOT] }),
        account("a2", { reauth: [SLACK] }),
        account("a3", { error: { kind: "server", message: "502", at: 1 } }),
      ],
    });
    expect(connectionSummary(test, status).text).toBe(
      "Connected (test environment): 1,200 linked accounts, 2 apps need re-authentication in 2 linked accounts; 1 linked account could not be checked.",
    );
  });

  it("reports the failure instead when the check failed", () => {
    const status = threeAccounts(test, { error: { kind: "unauthorized", message: 'Cobalt rejected the API key (HTTP 401): "Invalid Credentials".', at: 2 } });
    expect(connectionSummary(test, status)).toEqual({
      ok: false,
      text: `${FAILURE_BADGE.unauthorized.title}. Cobalt rejected the API key (HTTP 401): "Invalid Credentials".`,
    });
  });

  it("reports not-set-up without a key", () => {
    const noKey = makeSettings({ apiKey: "" });
    const summary = connectionSummary(noKey, threeAccounts(noKey));
    expect(summary.ok).toBe(false);
    expect(summary.text).toBe(`${FAILURE_BADGE["not-set-up"].title}. Add your Cobalt API key in Options to start checking.`);
  });

  it("ignores a failure recorded for other settings", () => {
    const status = threeAccounts(prod, { error: { kind: "unauthorized", message: "old key", at: 2 } });
    expect(connectionSummary(test, status).ok).toBe(true);
  });
});
