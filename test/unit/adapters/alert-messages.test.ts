import { describe, expect, it } from "vitest";
import { requestReconnect } from "../../../src/adapters/alert-messages.ts";
import { installApi } from "../../../src/adapters/browser.ts";
import { toApiError } from "../../../src/core/api/errors.ts";
import { errorDetail } from "../../../src/core/words/error-text.ts";
import { de, en, ja } from "../support/i18n.ts";

describe("a reconnect tab the background could not open", () => {
  it("is said in the page's language, never in English written into the code", async () => {
    // The background answers that it could not open the tab.
    installApi({ runtime: { sendMessage: async () => ({ ok: false }) } } as unknown as Parameters<typeof installApi>[0]);
    const failure = toApiError(await requestReconnect("https://example.com", { sourceId: "main", accountId: "a", slug: "s", name: "S" }).catch((e: unknown) => e)).info(0);
    expect(errorDetail(en, failure)).toBe("The reconnect tab could not be opened.");
    expect(errorDetail(de, failure)).toBe("Der Tab zum Neuverbinden konnte nicht geöffnet werden.");
    expect(errorDetail(ja, failure)).toBe("再接続のタブを開けませんでした。");
  });
});
