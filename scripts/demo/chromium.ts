/**
 * `npm start` in Chromium: what to pass to `web-ext run`, and how to set the extension up over
 * the remote-debugging port web-ext is asked to open (playwright-core, CDP).
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page, type Worker } from "playwright-core";
import { fillField, fillLabelledInPage, formValues, saveButtonInPage, waitFor, type DemoSettings } from "./options-form.ts";
import type { DemoBadge, DemoBrowser } from "./types.ts";

const DEBIAN_CHROMIUM = "/usr/lib/chromium/chromium";

interface ChromeManifest {
  host_permissions?: string[];
  background: { service_worker: string };
  options_ui: { page: string };
}

/**
 * A copy of dist/chrome whose host_permissions also list the demo API's origin. The store build
 * asks for a self-hosted origin when the user clicks Save, and Chromium shows that request as a
 * prompt which no automation can accept; a required host permission is granted when an unpacked
 * extension loads. Only this throwaway copy differs from the package, by that one line.
 */
function prepareExtension(distDir: string, apiOrigin: string, scratchDir: string): string {
  const dir = join(scratchDir, "extension");
  cpSync(distDir, dir, { recursive: true });
  const manifestPath = join(dir, "manifest.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as ChromeManifest;
  // The pattern Save asks for: host without port, as match patterns have no ports.
  const api = new URL(apiOrigin);
  manifest.host_permissions = [...(manifest.host_permissions ?? []), `${api.protocol}//${api.hostname}/*`];
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  return dir;
}

function webExtArgs(extensionDir: string, debugPort: number, headless: boolean, profileDir: string): string[] {
  const binary = process.env.CHROMIUM_BINARY ?? (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined);
  return [
    "--target", "chromium",
    "--source-dir", extensionDir,
    ...(binary ? ["--chromium-binary", binary] : []),
    "--chromium-profile", profileDir,
    `--arg=--remote-debugging-port=${debugPort}`,
    // Chromium refuses to start its sandbox as root (containers, CI).
    ...(process.getuid?.() === 0 ? ["--arg=--no-sandbox"] : []),
    ...(headless ? ["--arg=--headless=new"] : []),
  ];
}

/** The few extension APIs used in the pages, typed here (the project types `browser`, not `chrome`). */
interface ChromeApis {
  action: { getBadgeText(details: object): Promise<string>; getTitle(details: object): Promise<string> };
  developerPrivate: { updateExtensionConfiguration(update: { extensionId: string; pinnedToToolbar: boolean }): Promise<void> };
}

async function badgeOf(worker: Worker): Promise<DemoBadge> {
  return worker.evaluate(async () => {
    const { action } = (globalThis as unknown as { chrome: ChromeApis }).chrome;
    return { text: await action.getBadgeText({}), title: await action.getTitle({}) };
  });
}

/** The extension opens its options page on install; use that tab, or open one. */
async function optionsPage(context: BrowserContext, url: string): Promise<Page> {
  const opened = await waitFor<Page>("the options page", 10_000, async () => context.pages().find((p) => p.url() === url)).catch(() => undefined);
  if (opened) return opened;
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

async function configure(extensionDir: string, debugPort: number, settings: DemoSettings, expectBadge: string): Promise<DemoBadge> {
  const manifest = JSON.parse(readFileSync(join(extensionDir, "manifest.json"), "utf8")) as ChromeManifest;
  const browser = await waitFor("Chromium's debugging port", 30_000, () => chromium.connectOverCDP(`http://127.0.0.1:${debugPort}`));
  try {
    const context = browser.contexts()[0];
    if (!context) throw new Error("Chromium has no browser context");
    const worker = await waitFor("the extension's service worker", 15_000, async () =>
      context.serviceWorkers().find((w) => w.url().endsWith(`/${manifest.background.service_worker}`)),
    );
    const id = new URL(worker.url()).host;
    // The options page first: opened on install, it takes over any blank tab opened before it.
    const options = await optionsPage(context, `chrome-extension://${id}/${manifest.options_ui.page}`);
    await options.waitForLoadState("load");
    await pinToToolbar(context, id);
    for (const [label, value] of formValues(settings)) {
      await fillField(() => options.evaluate(fillLabelledInPage, [label, value] as const), label);
    }
    const save = (await options.evaluateHandle(saveButtonInPage)).asElement();
    if (!save) throw new Error("The options page has no Save button");
    await save.click();
    await options.bringToFront();
    let last: DemoBadge | undefined;
    return await waitFor(`the badge to show ${expectBadge}`, 30_000, async () => {
      last = await badgeOf(worker);
      return last.text === expectBadge ? last : undefined;
    }).catch(async (error: unknown) => {
      const page = await options.evaluate(() => document.body.innerText).catch(() => "(unreadable)");
      throw new Error(`${String(error)}. Last badge: ${JSON.stringify(last)}. Options page says: ${page.slice(-600)}`);
    });
  } finally {
    // Disconnects; the browser stays open for the user.
    await browser.close();
  }
}

/** What a user does in chrome://extensions → Details → "Pin to toolbar", so the badge shows at once. */
async function pinToToolbar(context: BrowserContext, id: string): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto("chrome://extensions/");
    await page.evaluate(async (extensionId) => {
      const { developerPrivate } = (globalThis as unknown as { chrome: ChromeApis }).chrome;
      await developerPrivate.updateExtensionConfiguration({ extensionId, pinnedToToolbar: true });
    }, id);
  } finally {
    await page.close();
  }
}

export const chromiumDemo: DemoBrowser = {
  name: "chromium",
  distDir: "dist/chrome",
  buildMode: "chrome",
  prepareExtension,
  webExtArgs,
  // web-ext runs Chromium in a process group of its own and kills that group on SIGINT.
  stopSignal: { signal: "SIGINT", toGroup: false },
  configure,
};
