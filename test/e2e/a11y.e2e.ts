import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { axeViolations, describeViolations } from "./support/axe.ts";
import { browserUnderTest, launchExtension, type ColorScheme, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { configureThroughOptions, letBackoffExpire } from "./support/setup.ts";
import { storedStatus } from "./support/stored.ts";
import { errorDetail } from "../../src/core/words/error-text.ts";
import { en } from "../unit/support/i18n.ts";

// axe-core on every state of the popup and the options page, in light and dark colour schemes:
// zero violations of any impact (contrast, names that contain the visible text, landmarks…).

const KEY = "tk_demo_key";
const APPLICATIONS = "/api/v2/public/application";

async function expectNoViolations(page: ExtPage, scheme: ColorScheme): Promise<void> {
  // The scheme must really be the one under test, or the dark run would check light colours.
  expect(await page.evaluate(`matchMedia("(prefers-color-scheme: dark)").matches`)).toBe(scheme === "dark");
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}

for (const scheme of ["light", "dark"] as const) {
  describe(`accessibility in ${browserUnderTest()}, ${scheme} colour scheme`, () => {
    let fake: FakeCobalt;
    let ext: ExtensionSession;

    beforeAll(async () => {
      fake = await startFakeCobalt({ flavor: "v3" });
      seedDemoOrg(fake);
      ext = await launchExtension({ colorScheme: scheme });
    });

    afterAll(async () => {
      await ext?.close();
      await fake?.close();
    });

    afterEach(() => fake.clearFaults());

    it("the options page and the popup before setup", async () => {
      const options = await ext.openPage(ext.optionsPath);
      await options.waitForText("No key saved yet");
      await expectNoViolations(options, scheme);
      await options.close();
      const popup = await ext.openPage(ext.popupPath);
      await popup.waitForText("Not set up");
      await expectNoViolations(popup, scheme);
      await popup.close();
    });

    it("the popup listing apps, with the healthy apps open", async () => {
      await configureThroughOptions(ext, fake, { key: KEY, ids: "acme-corp globex initech", expect: "3 apps need re-authentication" });
      const popup = await ext.openPage(ext.popupPath);
      await popup.waitForText("Hubspot");
      await popup.click("details.healthy summary");
      await popup.waitForText("Twilio");
      await expectNoViolations(popup, scheme);
      // After Copy link: the button's new text, and the note or hidden status under the row.
      await popup.clickByRole("button", "Copy link to reconnect Salesforce");
      await popup.waitForText(/Copied|select the link/);
      await expectNoViolations(popup, scheme);
      await popup.close();
    });

    it("the options page after a check, and with a field refused", async () => {
      const options = await ext.openPage(ext.optionsPath);
      await options.waitForText("Connected (test environment)");
      await expectNoViolations(options, scheme);
      await options.fillLabelled("Check every (minutes)", "0");
      await options.clickByRole("button", "Save");
      await options.waitForText("Nothing was saved");
      await expectNoViolations(options, scheme);
      await options.close();
    });

    it("the popup with a failure banner, which says the failure once", async () => {
      fake.fault({ path: APPLICATIONS }, { kind: "status", status: 500 });
      const popup = await ext.openPage(ext.popupPath);
      await popup.waitForText("Hubspot");
      await popup.clickByRole("button", "Refresh");
      await popup.waitForText("Cobalt's server is failing");
      await popup.waitForText("Showing the last good data");
      await expectNoViolations(popup, scheme);
      // Every linked account failed the same way: the banner says it, the accounts do not repeat it.
      const { error } = await storedStatus(ext);
      expect(error?.status).toBe(500);
      const detail = errorDetail(en, error!);
      expect(detail).toContain("500");
      const text = await popup.text();
      expect(text.split(detail).length - 1).toBe(1);
      expect(text).not.toContain("Could not check this linked account");
      fake.clearFaults();
      await letBackoffExpire(ext);
      await popup.waitForNoText("Cobalt's server is failing", { timeoutMs: 20_000 });
      await popup.close();
    });

    it("the popup when every connected app is healthy", async () => {
      await configureThroughOptions(ext, fake, { key: KEY, ids: "initech", expect: "no apps need re-authentication" });
      const popup = await ext.openPage(ext.popupPath);
      await popup.waitForText("All connected apps are healthy");
      await expectNoViolations(popup, scheme);
      await popup.close();
    });
  });
}
