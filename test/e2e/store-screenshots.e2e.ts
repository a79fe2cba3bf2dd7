import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pngSize, renderPng, storeShotHtml } from "../../scripts/lib/store-image.ts";
import { startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { seedShowcaseOrg, SHOWCASE_EXPECTED, SHOWCASE_KEY } from "../fake-cobalt/showcase-org.ts";
import { screenshotPath } from "./support/screenshots.ts";
import { browserUnderTest, launchExtension, REPO_ROOT, type Badge, type ExtensionSession, type ExtPage } from "./support/browsers.ts";

// The store listing's screenshots, taken from the real extension against the fake server with the
// showcase org: store/screenshots/chrome/ (Chrome Web Store, Edge Add-ons) from Chromium and
// store/screenshots/firefox/ (addons.mozilla.org) from Firefox. Every run takes them (under
// test-results/); `npm run screenshots` writes them into store/ (see support/screenshots.ts). 1280×800 is the size both stores
// take; the popup is shown at its real size in a frame with a caption (scripts/lib/store-image.ts).

const STORE_SIZE = { width: 1280, height: 800 };
const OUT_DIR = screenshotPath("store", "screenshots", browserUnderTest() === "chromium" ? "chrome" : "firefox");
const ICON = readFileSync(join(REPO_ROOT, "public", "icons", "icon-32.png"));

let fake: FakeCobalt;
let ext: ExtensionSession;
let scratch: string;

beforeAll(async () => {
  fake = await startFakeCobalt();
  seedShowcaseOrg(fake);
  ext = await launchExtension();
  scratch = mkdtempSync(join(tmpdir(), "store-shots-"));
  mkdirSync(OUT_DIR, { recursive: true });
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function expectStoreSize(path: string): void {
  expect(pngSize(readFileSync(path))).toEqual(STORE_SIZE);
}

/** Every app icon has loaded (or was hidden after failing), so the shot shows the icons. */
async function iconsLoaded(page: ExtPage): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => [...document.querySelectorAll<HTMLImageElement>(".icon img")].every((img) => img.hidden || (img.complete && img.naturalWidth > 0))), { timeout: 10_000 })
    .toBe(true);
}

const cssColor = (b: Badge) => `rgba(${b.color[0]}, ${b.color[1]}, ${b.color[2]}, ${b.color[3] / 255})`;

/** The popup at its own size, framed into a 1280×800 store screenshot with a caption. */
async function framedPopupShot(popup: ExtPage, name: string, caption: { title: string; detail: string }): Promise<string> {
  await iconsLoaded(popup);
  const height = await popup.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
  expect(height).toBeLessThanOrEqual(STORE_SIZE.height - 120);
  const raw = join(scratch, `${name}-popup.png`);
  await popup.screenshot(raw, { width: 400, height });
  const badge = await ext.badge();
  const out = join(OUT_DIR, `${name}.png`);
  await renderPng({ html: storeShotHtml({ popup: readFileSync(raw), ...caption, badge: badge.text, badgeColor: cssColor(badge), icon: ICON }) }, STORE_SIZE, out);
  return out;
}

describe(`store screenshots in ${browserUnderTest()}`, () => {
  it("the options page, set up and connected", async () => {
    const options = await ext.openPage(ext.optionsPath);
    await options.fillLabelled("API key", SHOWCASE_KEY);
    await options.fillLabelled("API base URL", fake.origin);
    await options.fillLabelled("Linked account IDs", "");
    await options.clickByRole("button", "Save");
    await options.waitForText(`Connected (test environment): ${SHOWCASE_EXPECTED.accounts} linked accounts`, { timeoutMs: 30_000 });
    const { raw } = options;
    if (raw.kind === "playwright") await raw.page.setViewportSize(STORE_SIZE);
    else await raw.page.setViewport(STORE_SIZE);
    // Saving leaves the focus (and Firefox's scroll position) further down; the shot starts at the top.
    await options.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    });
    const out = join(OUT_DIR, "3-options.png");
    await options.screenshot(out);
    expectStoreSize(out);
    await options.close();
  });

  it("the popup with apps to reconnect", async () => {
    await ext.waitForBadge((b) => b.text === SHOWCASE_EXPECTED.badge);
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText(`${SHOWCASE_EXPECTED.badge} apps need re-authentication`);
    const out = await framedPopupShot(popup, "1-popup", {
      title: "Apps that need re\u2011authentication, by customer", // a hyphen that does not break the line
      detail: "The badge counts them; the popup lists them by customer, each one click from the fix: Reconnect opens the app's consent page or Cobalt's portal, Copy link gives you a link to send.",
    });
    expectStoreSize(out);
    await popup.close();
  });

  it("a failure state: the server fails, the last good data stays", async () => {
    fake.fault({ path: /^\/api\/v2\/public\// }, { kind: "status", status: 503 });
    const popup = await ext.openPage(ext.popupPath);
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("Cobalt's server is failing", { timeoutMs: 30_000 });
    await popup.waitForText("Showing the last good data");
    const out = await framedPopupShot(popup, "2-failure", {
      title: "When something fails, it says what to do",
      detail: "A banner names the problem and the next step; the last good data stays listed with its age, and checks retry by themselves with backoff.",
    });
    expectStoreSize(out);
    fake.clearFaults();
    await popup.close();
  });
});
