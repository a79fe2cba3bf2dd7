import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type ExtensionSession } from "./support/browsers.ts";
import { configureThroughOptions } from "./support/setup.ts";

// Without permission to reach the API origin, the extension says so and offers to ask again.
// Firefox lets users revoke even the manifest's host permissions; Chromium does not, so there the
// missing permission is an API origin the user never granted.

const KEY = "tk_demo_key";
let fake: FakeCobalt;
let ext: ExtensionSession;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension();
  await configureThroughOptions(ext, fake, { key: KEY, ids: "acme-corp globex initech", expect: "3 apps need re-authentication" });
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

describe(`host permission in ${browserUnderTest()}`, () => {
  if (browserUnderTest() === "firefox") {
    it("a revoked host permission is named, the data kept, and Grant access asks for it again", async () => {
      await ext.evalInBackground(`browser.permissions.remove({ origins: ["http://127.0.0.1/*"] })`);
      const badge = await ext.waitForBadge((b) => b.text === "PERM");
      expect(badge.title).toContain("Permission to reach the API is missing");
      const popup = await ext.openPage(ext.popupPath);
      await popup.waitForText("The extension is not allowed to reach http://127.0.0.1");
      await popup.waitForText("Showing the last good data");
      expect(await popup.count("li.app")).toBe(3);
      // The test profile grants optional permission requests without a prompt, as a click on "Allow" would.
      await popup.clickByRole("button", "Grant access");
      await ext.waitForBadge((b) => b.text === "3", 15_000);
      await popup.waitForNoText("Permission to reach the API is missing");
      expect(await ext.evalInBackground(`browser.permissions.contains({ origins: ["http://127.0.0.1/*"] })`)).toBe(true);
      await popup.close();
    });
  } else {
    it("an API origin the extension may not reach is named, with a button to grant it, and the data kept", async () => {
      const { settings } = await ext.storageGet("settings");
      const elsewhere = fake.origin.replace("127.0.0.1", "[::1]");
      await ext.storageSet({ settings: { ...(settings as object), baseUrl: elsewhere } });
      const popup = await ext.openPage(ext.popupPath);
      await popup.waitForText("Hubspot");
      await popup.clickByRole("button", "Refresh");
      await popup.waitForText("The extension is not allowed to reach http://[::1]");
      await popup.waitForText("Grant access");
      expect(await popup.count("li.app")).toBe(3);
      const badge = await ext.waitForBadge((b) => b.text === "PERM");
      expect(badge.title).toContain("Permission to reach the API is missing");
      // Nothing was sent to the origin without permission.
      expect(fake.requests.some((r) => r.origin.includes("[::1]"))).toBe(false);
      await ext.storageSet({ settings });
      await popup.clickByRole("button", "Refresh");
      await ext.waitForBadge((b) => b.text === "3", 15_000);
      await popup.close();
    });
  }
});
