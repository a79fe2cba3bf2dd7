/**
 * `npm start -- --browser firefox`: what to pass to `web-ext run`, and how to set the extension
 * up over the WebDriver BiDi port web-ext is asked to open (puppeteer-core).
 *
 * web-ext installs dist/firefox as it is, as a temporary add-on. Saving the options asks for the
 * demo API's origin, as it does for any self-hosted Cobalt; the profile's pref
 * extensions.webextOptionalPermissionPrompts=false grants that request without a prompt.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type ElementHandle, type Page } from "puppeteer-core";
import { fillField, fillLabelledInPage, formValues, saveButtonInPage, waitFor, type DemoSettings } from "./options-form.ts";
import type { DemoBadge, DemoBrowser } from "./types.ts";

const DEBIAN_FIREFOX = "/usr/bin/firefox-esr";

interface FirefoxManifest {
  options_ui: { page: string };
  browser_specific_settings: { gecko: { id: string } };
}

function prepareExtension(distDir: string): string {
  return distDir;
}

function webExtArgs(extensionDir: string, debugPort: number, headless: boolean, profileDir: string): string[] {
  const binary = process.env.FIREFOX_BINARY ?? (existsSync(DEBIAN_FIREFOX) ? DEBIAN_FIREFOX : undefined);
  return [
    "--target", "firefox-desktop",
    "--source-dir", extensionDir,
    ...(binary ? ["--firefox", binary] : []),
    "--firefox-profile", profileDir,
    "--pref=extensions.webextOptionalPermissionPrompts=false",
    `--arg=--remote-debugging-port=${debugPort}`,
    // Lets the BiDi client run browser-chrome code: only to pin the button (pinToToolbar).
    "--arg=--remote-allow-system-access",
    ...(headless ? ["--arg=--headless"] : []),
  ];
}

/** The extension APIs used in its pages (typed here; `browser` is the polyfill's type in the project). */
interface FirefoxApis {
  action: { getBadgeText(details: object): Promise<string>; getTitle(details: object): Promise<string> };
}

async function badgeOf(page: Page): Promise<DemoBadge> {
  return page.evaluate(async () => {
    const { action } = (globalThis as unknown as { browser: FirefoxApis }).browser;
    return { text: await action.getBadgeText({}), title: await action.getTitle({}) };
  });
}

interface BidiSession {
  send(method: string, params: object): Promise<{ result: { contexts?: { context: string }[]; result?: { value?: unknown }; type?: string } }>;
}

/**
 * Firefox puts an extension's button in the extensions menu; this moves it to the toolbar, as a
 * user's "Pin to Toolbar" does, so the badge shows at once. Browser-chrome code over BiDi
 * ("moz:scope": "chrome"); puppeteer has no public call for it, so its session object is used.
 */
async function pinToToolbar(page: Page, geckoId: string): Promise<void> {
  const frame = page.mainFrame() as unknown as { browsingContext?: { userContext: { browser: { session: BidiSession } } } };
  const session = frame.browsingContext?.userContext.browser.session;
  if (!session) throw new Error("puppeteer-core did not expose its WebDriver BiDi session");
  const { result: tree } = await session.send("browsingContext.getTree", { maxDepth: 0, "moz:scope": "chrome" });
  const context = tree.contexts?.[0]?.context;
  if (!context) throw new Error("Firefox gave no browser-chrome context (is --remote-allow-system-access set?)");
  const widget = `${geckoId.toLowerCase().replace(/[^a-z0-9_-]/g, "_")}-browser-action`;
  const { result } = await session.send("script.evaluate", {
    expression: `CustomizableUI.addWidgetToArea(${JSON.stringify(widget)}, CustomizableUI.AREA_NAVBAR)`,
    target: { context },
    awaitPromise: true,
  });
  if (result.type === "exception") throw new Error(`Could not pin the toolbar button: ${JSON.stringify(result)}`);
}

async function configure(extensionDir: string, debugPort: number, settings: DemoSettings, expectBadge: string): Promise<DemoBadge> {
  const manifest = JSON.parse(readFileSync(join(extensionDir, "manifest.json"), "utf8")) as FirefoxManifest;
  const browser: Browser = await waitFor("Firefox's WebDriver BiDi port", 60_000, () =>
    puppeteer.connect({ browserWSEndpoint: `ws://127.0.0.1:${debugPort}/session`, protocol: "webDriverBiDi" }),
  );
  try {
    // The extension opens its options page on install. Navigating a tab to a moz-extension:// page
    // over BiDi is refused, so that tab is the way in.
    const options = await waitFor("the options page the extension opens on install", 30_000, async () =>
      (await browser.pages()).find((p) => p.url().startsWith("moz-extension://") && p.url().endsWith(`/${manifest.options_ui.page}`)),
    );
    await pinToToolbar(options, manifest.browser_specific_settings.gecko.id);
    for (const [label, value] of formValues(settings)) {
      await fillField(() => options.evaluate(fillLabelledInPage, [label, value] as const), label);
    }
    const save = (await options.evaluateHandle(saveButtonInPage)).asElement() as ElementHandle<Element> | null;
    if (!save) throw new Error("The options page has no Save button");
    await save.click();
    let last: DemoBadge | undefined;
    return await waitFor(`the badge to show ${expectBadge}`, 30_000, async () => {
      last = await badgeOf(options);
      return last.text === expectBadge ? last : undefined;
    }).catch(async (error: unknown) => {
      const page = await options.evaluate(() => document.body.innerText).catch(() => "(unreadable)");
      throw new Error(`${String(error)}. Last badge: ${JSON.stringify(last)}. Options page says: ${page.slice(-600)}`);
    });
  } finally {
    // Ends the BiDi session; Firefox stays open for the user.
    await browser.disconnect();
  }
}

export const firefoxDemo: DemoBrowser = {
  name: "firefox",
  distDir: "dist/firefox",
  buildMode: "firefox",
  prepareExtension,
  webExtArgs,
  // web-ext has no SIGINT/SIGTERM handler of its own for Firefox (Firefox is in its process
  // group): signal the group, and Firefox shuts down with it.
  stopSignal: { signal: "SIGTERM", toGroup: true },
  configure,
};
