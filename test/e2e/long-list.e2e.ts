import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSource } from "../../src/core/settings/model.ts";
import { serializeSettings } from "../../src/core/settings/parse.ts";
import { sourceKey } from "../../src/core/settings/fingerprint.ts";
import { STATUS_VERSION, type Status } from "../../src/core/status/model.ts";
import { startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type ExtensionSession } from "./support/browsers.ts";
import { encodedResults } from "./support/stored.ts";

// A long list is painted in two goes (the apps that fill the popup's window first, all of them
// right after): every app ends up listed, in order, and the filter reaches all of them.

const APPS = 150;
let fake: FakeCobalt;
let ext: ExtensionSession;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  ext = await launchExtension();
  const source = newSource("main", { apiKey: "tk_long_list", baseUrl: fake.origin });
  // Checked just now: opening the popup asks for no check, and the list is this one.
  const status: Status = {
    schemaVersion: STATUS_VERSION,
    source: sourceKey(source),
    checkedAt: Date.now(),
    accountsTotal: APPS,
    accounts: Array.from({ length: APPS }, (_, i) => ({ id: `acct-${i}`, name: `Customer ${i}`, reauth: [{ slug: "slack", name: "Slack", authType: "oauth2" }], healthyCount: 0 })),
  };
  await ext.storageSet({ settings: serializeSettings({ sources: [source] }), ...encodedResults(status, {}) });
  await ext.waitForBadge((b) => b.text === "99+");
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

describe(`a long list in ${browserUnderTest()}`, () => {
  it("lists every app, in order, once the first screenful has painted", async () => {
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText(`${APPS} apps need re-authentication across ${APPS} of ${APPS} linked accounts`);
    await expect.poll(() => popup.count("li.app"), { timeout: 10_000 }).toBe(APPS);
    const labels = await popup.evaluate(() => [...document.querySelectorAll("section.group")].map((group) => group.getAttribute("aria-label")));
    expect(labels).toEqual(Array.from({ length: APPS }, (_, i) => `Customer ${i} (acct-${i})`));
    await popup.fillLabelled("Filter by app or linked account", "customer 149");
    await popup.waitForText("Customer 149 (acct-149)");
    expect(await popup.count("li.app")).toBe(1);
    await popup.close();
  });
});
