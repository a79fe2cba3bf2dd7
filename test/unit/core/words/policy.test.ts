import { describe, expect, it } from "vitest";
import { applyPolicy } from "../../../../src/core/settings/org.ts";
import { parseStoredSettings } from "../../../../src/core/settings/parse.ts";
import { parsePolicy } from "../../../../src/core/settings/policy.ts";
import { orgRules } from "../../../../src/core/words/policy.ts";
import { de, en, ja } from "../../support/i18n.ts";

// What the options page says the organisation set, besides its relays, in each language.

function org(raw: Record<string, unknown>) {
  return applyPolicy(parseStoredSettings(undefined).settings, parsePolicy(raw), {}).org!;
}

describe("what the organisation set, in words", () => {
  it("says whether keys are allowed, how notifications are set and how often relays are checked", () => {
    expect(orgRules(en, org({ allowApiKeySources: false, notifications: true, notificationsLocked: true, intervalMinutes: 1, intervalMinutesLocked: true }))).toEqual([
      "Cobalt API keys are not allowed in this browser: watch your customers' apps through a team relay.",
      "Notifications are always on.",
      "Team relay sources are checked every minute.",
    ]);
    expect(orgRules(en, org({ notifications: false, intervalMinutes: 5 }))).toEqual(["Notifications are off unless you turn them on.", "Team relay sources are checked every 5 minutes unless you choose another interval."]);
    expect(orgRules(en, org({ allowApiKeySources: true }))).toEqual([]);
  });

  it("in German and Japanese too", () => {
    const set = org({ notifications: true, intervalMinutes: 5, intervalMinutesLocked: true });
    expect(orgRules(de, set)).toEqual(["Benachrichtigungen sind eingeschaltet, solange Sie sie nicht ausschalten.", "Team-Relay-Quellen werden alle 5 Minuten geprüft."]);
    expect(orgRules(ja, set)).toEqual(["オフにしない限り、通知はオンです。", "チームリレーのソースは 5 分ごとに確認されます。"]);
  });
});
