import { afterAll, it } from "vitest";
import { seedDemoOrg, startFakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension } from "./support/browsers.ts";
import { checkNow, configureThroughOptions, setBroken } from "./support/setup.ts";

const closers: (() => Promise<void>)[] = [];
afterAll(async () => { for (const c of closers) await c(); });

for (const locale of (process.env.SHOT_LOCALES ?? "en,de,ja").split(",")) {
  it(`shot ${locale}`, async () => {
    const fake = await startFakeCobalt({ flavor: "v3" });
    seedDemoOrg(fake);
    const ext = await launchExtension(locale === "en" ? {} : { locale });
    closers.push(() => ext.close(), () => fake.close());
    const options = await ext.openPage(ext.optionsPath);
    await options.evaluate(`(async () => {
      const api = globalThis.browser ?? chrome;
      await api.permissions.request({ origins: ["http://127.0.0.1/*"] }).catch(() => {});
    })()`);
    await options.close();
    if (locale === "en") await configureThroughOptions(ext, fake, { key: "tk_demo_key", ids: "acme-corp globex initech", expect: /./ });
    else {
      await ext.storageSet({ settings: { schemaVersion: 3, sources: [{ id: "main", kind: "cobalt", label: "", apiKey: "tk_demo_key", baseUrl: fake.origin, linkedAccountIds: ["acme-corp", "globex", "initech"], intervalMinutes: 5, requestsPerMinute: 120 }] } });
      await checkNow(ext);
    }
    setBroken(fake, "acme-corp", "slack", true);
    await ext.waitForBadge((b) => /\d/.test(b.text), 30_000);
    await checkNow(ext);
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Slack");
    const height = await popup.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    await popup.screenshot(`/tmp/ext-scratch/popup-${browserUnderTest()}-${locale}.png`, { width: 400, height });
  });
}
