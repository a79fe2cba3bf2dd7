import { describe, expect, it } from "vitest";
import { environmentLabel as labelIn } from "../../../../src/core/words/environment.ts";
import { connectionSummary as summaryIn } from "../../../../src/core/words/summary.ts";
import type { CheckSettings as Settings } from "../../../../src/core/settings/model.ts";
import type { Status } from "../../../../src/core/status/model.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";
import { de, en, ja } from "../../support/i18n.ts";

const connectionSummary = (settings: Settings, status: Status) => summaryIn(en, settings, status);
const environmentLabel = (settings: Settings) => labelIn(en, settings);

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
        account("a3", { error: { kind: "server", status: 502, at: 1 } }),
      ],
    });
    expect(connectionSummary(test, status).text).toBe(
      "Connected (test environment): 1,200 linked accounts, 2 apps need re-authentication in 2 linked accounts; 1 linked account could not be checked.",
    );
  });

  it("reports the failure instead when the check failed", () => {
    const status = threeAccounts(test, { error: { kind: "unauthorized", status: 401, detail: "Invalid Credentials", at: 2 } });
    expect(connectionSummary(test, status)).toEqual({
      ok: false,
      text: 'API key rejected: enter a valid key in Options. Cobalt rejected the API key (HTTP 401): "Invalid Credentials".',
    });
  });

  it("reports not-set-up without a key", () => {
    const noKey = makeSettings({ apiKey: "" });
    const summary = connectionSummary(noKey, threeAccounts(noKey));
    expect(summary.ok).toBe(false);
    expect(summary.text).toBe("Not set up: finish the settings in Options. Add your Cobalt API key in Options to start checking.");
  });

  it("ignores a failure recorded for other settings", () => {
    const status = threeAccounts(prod, { error: { kind: "unauthorized", at: 2 } });
    expect(connectionSummary(test, status).ok).toBe(true);
  });
});

describe("connectionSummary in other languages", () => {
  it("says the same in German and Japanese, with their plurals and number formats", () => {
    const status = threeAccounts(test, {
      accountsTotal: 1200,
      accounts: [account("a1", { reauth: [HUBSPOT] }), account("a2", { reauth: [SLACK] }), account("a3", { error: { kind: "server", status: 502, at: 1 } })],
    });
    expect(summaryIn(de, test, status).text).toBe(
      "Verbunden (Testumgebung): 1.200 verknüpfte Konten, 2 Apps in 2 verknüpften Konten müssen erneut authentifiziert werden; 1 verknüpftes Konto konnte nicht geprüft werden.",
    );
    expect(summaryIn(ja, test, status).text).toBe(
      "接続済み（テスト環境）：リンクされたアカウント 1,200 件、リンクされたアカウント 2 件で、アプリ 2 件の再認証が必要です。リンクされたアカウント 1 件を確認できませんでした。",
    );
    expect(summaryIn(de, test, threeAccounts(test, { accounts: [account("a1", { reauth: [HUBSPOT] })] })).text).toBe(
      "Verbunden (Testumgebung): 1 verknüpftes Konto, 1 App muss erneut authentifiziert werden.",
    );
  });

  it("words a stored failure in German", () => {
    const status = threeAccounts(test, { error: { kind: "unauthorized", status: 401, detail: "Invalid Credentials", at: 2 } });
    expect(summaryIn(de, test, status).text).toBe(
      "API-Schlüssel abgelehnt: Geben Sie in den Optionen einen gültigen Schlüssel ein. Cobalt hat den API-Schlüssel abgelehnt (HTTP 401): „Invalid Credentials“.",
    );
  });
});
