import { describe, expect, it } from "vitest";
import { ago, clockMoment, duration, nextTryText, refreshAtText, relayAsksAgainText, relayWaitText } from "../../../../src/core/words/format.ts";
import { de, en, ja } from "../../support/i18n.ts";

describe("ago", () => {
  const now = 10_000_000_000;
  it.each<[number, string, string, string]>([
    [0, "just now", "gerade eben", "たった今"],
    [44_000, "just now", "gerade eben", "たった今"],
    [-5_000, "just now", "gerade eben", "たった今"],
    [60_000, "1 minute ago", "vor 1 Minute", "1 分前"],
    [10 * 60_000, "10 minutes ago", "vor 10 Minuten", "10 分前"],
    [59 * 60_000, "59 minutes ago", "vor 59 Minuten", "59 分前"],
    [60 * 60_000, "1 hour ago", "vor 1 Stunde", "1 時間前"],
    [5 * 3_600_000, "5 hours ago", "vor 5 Stunden", "5 時間前"],
    [47 * 3_600_000, "47 hours ago", "vor 47 Stunden", "47 時間前"],
    [72 * 3_600_000, "3 days ago", "vor 3 Tagen", "3 日前"],
  ])("%i ms before → %s / %s / %s", (before, english, german, japanese) => {
    expect(ago(en, now - before, now)).toBe(english);
    expect(ago(de, now - before, now)).toBe(german);
    expect(ago(ja, now - before, now)).toBe(japanese);
  });
});

describe("duration", () => {
  it.each<[number, string, string]>([
    [0, "1 second", "1 Sekunde"],
    [1_000, "1 second", "1 Sekunde"],
    [30_000, "30 seconds", "30 Sekunden"],
    [89_000, "89 seconds", "89 Sekunden"],
    [120_000, "2 minutes", "2 Minuten"],
    [89 * 60_000, "89 minutes", "89 Minuten"],
    [3 * 3_600_000, "3.0 hours", "3,0 Stunden"],
  ])("%i ms → %s / %s", (ms, english, german) => {
    expect(duration(en, ms)).toBe(english);
    expect(duration(de, ms)).toBe(german);
  });
});

describe("clockMoment", () => {
  // Local times, so the calendar day is the same in any time zone the tests run in.
  const now = new Date(2026, 6, 1, 12, 0).getTime();

  it("is the clock time for a moment earlier today", () => {
    const at = new Date(2026, 6, 1, 0, 5).getTime();
    expect(clockMoment(en, at, now)).toBe("at 12:05 AM");
    expect(clockMoment(de, at, now)).toBe("um 00:05");
    expect(clockMoment(ja, at, now)).toBe("00:05");
  });

  it("adds the date for another day", () => {
    const at = new Date(2026, 5, 30, 23, 55).getTime();
    expect(clockMoment(en, at, now)).toBe("on Jun 30 at 11:55 PM");
    expect(clockMoment(de, at, now)).toBe("am 30. Juni um 23:55");
    expect(clockMoment(ja, at, now)).toBe("6月30日 23:55");
  });
});

// A wait that ended after midnight was said as a clock time alone ("Refresh at 00:15"), which
// reads as a time today.
describe("the end of a wait", () => {
  const now = new Date(2026, 5, 30, 23, 50).getTime();
  const tonight = new Date(2026, 5, 30, 23, 58).getTime();
  const tomorrow = new Date(2026, 6, 1, 0, 15).getTime();

  it("is a clock time on the same day", () => {
    expect(refreshAtText(en, tonight, now)).toBe("Refresh at 11:58 PM");
    expect(refreshAtText(de, tonight, now)).toBe("Aktualisieren um 23:58");
    expect(refreshAtText(ja, tonight, now)).toBe("23:58 に更新");
    expect(nextTryText(en, tonight, now)).toBe("Next try at 11:58 PM.");
    expect(relayAsksAgainText(en, tonight, now)).toBe("Cobalt is limiting how often the team relay may ask; the relay asks again at 11:58 PM");
  });

  it("names the date when the wait crosses midnight", () => {
    expect(refreshAtText(en, tomorrow, now)).toBe("Refresh on Jul 1 at 12:15 AM");
    expect(refreshAtText(de, tomorrow, now)).toBe("Aktualisieren am 1. Juli um 00:15");
    expect(refreshAtText(ja, tomorrow, now)).toBe("7月1日 00:15 に更新");
    expect(nextTryText(en, tomorrow, now)).toBe("Next try on Jul 1 at 12:15 AM.");
    expect(nextTryText(de, tomorrow, now)).toBe("Nächster Versuch am 1. Juli um 00:15.");
    expect(nextTryText(ja, tomorrow, now)).toBe("次回は 7月1日 00:15 に再試行します。");
    expect(relayAsksAgainText(en, tomorrow, now)).toBe("Cobalt is limiting how often the team relay may ask; the relay asks again on Jul 1 at 12:15 AM");
    expect(relayAsksAgainText(de, tomorrow, now)).toBe("Cobalt begrenzt, wie oft das Team-Relay anfragen darf; das Relay fragt am 1. Juli um 00:15 erneut an");
    expect(relayAsksAgainText(ja, tomorrow, now)).toBe("Cobalt がチームリレーのリクエスト頻度を制限しています。リレーは 7月1日 00:15 に再度問い合わせます");
    expect(relayWaitText(en, tonight, now)).toBe("The team relay asked this browser to wait until 11:58 PM");
    expect(relayWaitText(en, tomorrow, now)).toBe("The team relay asked this browser to wait until Jul 1 at 12:15 AM");
    expect(relayWaitText(de, tomorrow, now)).toBe("Das Team-Relay hat diesen Browser gebeten, bis 1. Juli um 00:15 zu warten");
    expect(relayWaitText(ja, tomorrow, now)).toBe("チームリレーがこのブラウザーに 7月1日 00:15 まで待つよう求めました");
  });
});
