import { describe, expect, it } from "vitest";
import { buildSummary, renderSummary } from "../../../../src/core/alerts/copy-summary.ts";
import { mute } from "../../../../src/core/alerts/mutes.ts";
import { sinceText, sinceTitle, summaryFormat, timeLeftText } from "../../../../src/core/words/durations.ts";
import { account, makeSettings, makeStatus } from "../../support/fixtures.ts";
import { de, en, ja } from "../../support/i18n.ts";

// The alerts' words in the popup, from the catalogs: since when, time left, the copied summary.

const NOW = new Date(2026, 5, 30, 14, 2).getTime();
const MIN = 60_000;
const HOUR = 60 * MIN;

describe("since when", () => {
  it("says how long in the unit that reads best, whole units passed", () => {
    expect(sinceText(en, NOW - 10_000, NOW)).toBe("broken for 1 minute");
    expect(sinceText(en, NOW - 59 * MIN, NOW)).toBe("broken for 59 minutes");
    expect(sinceText(en, NOW - 3 * HOUR - 59 * MIN, NOW)).toBe("broken for 3 hours");
    expect(sinceText(en, NOW - 47 * HOUR, NOW)).toBe("broken for 47 hours");
    expect(sinceText(en, NOW - 9 * 24 * HOUR, NOW)).toBe("broken for 9 days");
    expect(sinceText(de, NOW - 3 * HOUR, NOW)).toBe("seit 3 Stunden");
    expect(sinceText(ja, NOW - 3 * HOUR, NOW)).toBe("3 時間前から");
  });

  it("gives the full moment for the tooltip", () => {
    expect(sinceTitle(en, NOW - 3 * HOUR)).toBe(`Needs re-authentication since ${en.date(NOW)}, ${en.time(NOW - 3 * HOUR)}`);
    expect(sinceTitle(de, NOW)).toContain("30. Juni");
  });
});

describe("time left of a mute", () => {
  it("never says less than is left", () => {
    expect(timeLeftText(en, 58 * MIN + 1)).toBe("59 minutes left");
    expect(timeLeftText(en, 59 * MIN + 1)).toBe("1 hour left");
    expect(timeLeftText(en, 23 * HOUR + 1)).toBe("24 hours left");
    expect(timeLeftText(en, 7 * 24 * HOUR)).toBe("7 days left");
    expect(timeLeftText(de, 30 * MIN)).toBe("noch 30 Minuten");
  });
});

describe("the copied summary in words", () => {
  const settings = makeSettings();
  const acme = account("acme", { name: "Acme Inc.", reauth: [{ slug: "hubspot", name: "HubSpot", since: NOW - HOUR }, { slug: "copper", name: "Copper" }] });
  const status = makeStatus(settings, { checkedAt: NOW, accounts: [acme, account("globex", { reauth: [{ slug: "salesforce", name: "Salesforce", since: NOW }] })] });

  it("groups by linked account, with since-when, and says which are muted", () => {
    const mutes = mute([], { sourceId: "main", account: acme, slug: "copper" }, "day", NOW);
    const text = renderSummary(buildSummary([{ id: "main", label: "Test", status }], mutes, NOW), summaryFormat(en));
    expect(text).toBe(
      [
        "3 apps need re-authentication in 2 linked accounts (1 muted)",
        "",
        "Linked account Acme Inc. (acme):",
        `- HubSpot (since ${en.date(NOW)}, ${en.time(NOW - HOUR)})`,
        "- Copper (muted)",
        "",
        "Linked account globex:",
        `- Salesforce (since ${en.date(NOW)}, ${en.time(NOW)})`,
      ].join("\n"),
    );
  });

  it("reads in German and Japanese too", () => {
    const summary = buildSummary([{ id: "main", label: "Test", status }], [], NOW);
    expect(renderSummary(summary, summaryFormat(de))).toMatch(/^3 Apps müssen in 2 verknüpften Konten erneut authentifiziert werden\n\nVerknüpftes Konto Acme Inc\. \(acme\):\n- HubSpot \(seit /);
    expect(renderSummary(summary, summaryFormat(ja))).toMatch(/^リンクされたアカウント 2 件で、アプリ 3 件の再認証が必要です\n/);
  });
});
