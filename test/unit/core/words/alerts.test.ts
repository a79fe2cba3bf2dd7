import { describe, expect, it } from "vitest";
import { alertText } from "../../../../src/core/words/alerts.ts";
import { type Message } from "../../../../src/core/alerts/messages.ts";
import { de, en, ja } from "../../support/i18n.ts";

// The notification plan is data (core/alerts/notify.ts); these are its words in each language.

describe("alert texts", () => {
  it("word a new break with the app and its linked account, and the source when there are several", () => {
    expect(alertText(en, { key: "notifyBreakTitle", params: { app: "Hubspot" } })).toBe("Hubspot needs re-authentication");
    expect(alertText(en, { key: "notifyBreakMessage", params: { account: "Acme (acme)" } })).toBe("Linked account: Acme (acme)");
    expect(alertText(en, { key: "notifyBreakMessageInSource", params: { account: "Acme (acme)", source: "Production" } })).toBe("Linked account: Acme (acme) (Production)");
    expect(alertText(de, { key: "notifyBreakTitle", params: { app: "Hubspot" } })).toBe("Hubspot muss erneut authentifiziert werden");
    expect(alertText(ja, { key: "notifyBreakTitle", params: { app: "Hubspot" } })).toBe("Hubspot の再認証が必要です");
  });

  it("take a summary's plural form from the number it is about: apps in the title, linked accounts in the body", () => {
    expect(alertText(en, { key: "notifySummaryTitle", params: { count: 5 } })).toBe("5 apps need re-authentication");
    expect(alertText(en, { key: "notifySummaryMessage", params: { count: 5, accounts: 1 } })).toBe("In 1 linked account. Open the list to reconnect them.");
    expect(alertText(en, { key: "notifySummaryMessage", params: { count: 5, accounts: 2 } })).toBe("In 2 linked accounts. Open the list to reconnect them.");
    expect(alertText(de, { key: "notifySummaryMessageInSource", params: { count: 4, accounts: 1, source: "Test" } })).toBe(
      "In 1 verknüpften Konto von Test. Öffnen Sie die Liste, um sie neu zu verbinden.",
    );
    expect(alertText(ja, { key: "notifySummaryTitle", params: { count: 1200 } })).toBe("アプリ 1,200 件の再認証が必要です");
  });

  it("have a text in every language for every message the plan can hold", () => {
    const messages: Message[] = [
      { key: "notifyKeyRejectedTitle" },
      { key: "notifyKeyRejectedMessage" },
      { key: "notifyKeyRejectedMessageInSource", params: { source: "S" } },
      { key: "notifyAccessRefusedTitle" },
      { key: "notifyAccessRefusedMessage" },
      { key: "notifyAccessRefusedMessageInSource", params: { source: "S" } },
    ];
    for (const t of [en, de, ja]) {
      for (const message of messages) {
        const text = alertText(t, message);
        expect(text, message.key).not.toBe(message.key);
        expect(text, message.key).not.toMatch(/\$|\ue000/);
        if (message.params?.source) expect(text).toContain("S");
      }
    }
  });
});
