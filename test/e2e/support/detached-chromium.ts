/**
 * A Chromium the test starts itself, with a remote-debugging port, for tests of the service
 * worker's lifetime. Chrome stops an idle worker after 30 s, but never one that is being
 * inspected, and Playwright attaches to every worker of a context it holds (the harness's
 * launchExtension does): a test there could never see a worker stopped. So these tests connect
 * only to set the extension up and, at the end, to read what it did; in between nothing is
 * attached, and they watch from outside (the fake server's request log).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { allowHostsInChromiumSettings, chromiumExtensionIdFor, CHROMIUM_EXECUTABLE, defaultExtensionDir } from "./browsers.ts";

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** One connection to the browser: what the test does while it is attached. */
export interface Attached {
  readonly context: BrowserContext;
  /** Opens an extension page (path inside the extension) in a new tab and waits for its load. */
  page(path: string): Promise<Page>;
  /** Closes every tab of the extension's origin (the options page it opens at install, say). */
  closeExtensionPages(): Promise<void>;
  /** Lets go of the browser, which goes on running with nothing attached. */
  detach(): Promise<void>;
}

export class DetachedChromium {
  private constructor(
    private readonly process: ChildProcess,
    private readonly profile: string,
    readonly port: number,
    readonly extensionId: string,
  ) {}

  static async start(extensionDir = defaultExtensionDir("chromium")): Promise<DetachedChromium> {
    const dir = resolve(extensionDir);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<string, unknown>;
    const profile = mkdtempSync(join(tmpdir(), "detached-chromium-"));
    const args = [
      "--headless",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      `--disable-extensions-except=${dir}`,
      `--load-extension=${dir}`,
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-sync",
      "--disable-quic",
      ...(process.getuid?.() === 0 ? ["--no-sandbox"] : []),
      "about:blank",
    ];
    const child = spawn(CHROMIUM_EXECUTABLE, args, { stdio: "ignore" });
    try {
      const port = await devToolsPort(profile, child);
      return new DetachedChromium(child, profile, port, chromiumExtensionIdFor(dir, manifest));
    } catch (error) {
      child.kill("SIGKILL");
      rmSync(profile, { recursive: true, force: true });
      throw error;
    }
  }

  get origin(): string {
    return `chrome-extension://${this.extensionId}`;
  }

  /** Attaches over CDP until detach(): set up, or read what happened. */
  async attach(): Promise<Attached> {
    const browser: Browser = await chromium.connectOverCDP(`http://127.0.0.1:${this.port}`);
    const context = browser.contexts()[0];
    if (!context) throw new Error("The started Chromium has no default context");
    const origin = this.origin;
    return {
      context,
      page: (path) => openTab(context, `${origin}/${path}`),
      closeExtensionPages: async () => {
        for (const page of context.pages()) if (page.url().startsWith(origin)) await page.close();
      },
      detach: () => browser.close(),
    };
  }

  /**
   * What a user does in chrome://extensions → Site access, so that the extension's own
   * permissions.request for these hosts is granted without a prompt (see browsers.ts).
   */
  async allowHosts(attached: Attached, hosts: string[]): Promise<void> {
    const page = await openTab(attached.context, `chrome://extensions/?id=${this.extensionId}`);
    await allowHostsInChromiumSettings(page, this.extensionId, hosts);
    await page.close();
  }

  async close(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise<void>((done) => this.process.once("exit", () => done()));
      this.process.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill("SIGKILL");
    }
    // Its helper processes may still be writing to the profile for a while after it exits (a
    // removal then meets a folder that is not empty): try again until they are gone.
    for (let tries = 1; ; tries++) {
      try {
        rmSync(this.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
        return;
      } catch (error) {
        if (tries >= 30 || !["ENOTEMPTY", "EBUSY"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
        await sleep(1_000);
      }
    }
  }
}

/**
 * A new tab on `url`. A freshly installed extension opens its options page by itself, and Chromium
 * may give it a blank tab just opened: then the navigation is interrupted, and another tab is tried.
 */
async function openTab(context: BrowserContext, url: string): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    const page = await context.newPage();
    try {
      await page.goto(url);
      if (page.url() === url) return page;
    } catch (error) {
      if (attempt >= 3 || !/interrupted by another navigation/.test(String(error))) throw error;
    }
    if (attempt >= 3) throw new Error(`Could not open ${url}: the tab ended on ${page.url()}`);
  }
}

/** Chromium writes the port it chose to DevToolsActivePort in its profile. */
async function devToolsPort(profile: string, child: ChildProcess): Promise<number> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    if (child.exitCode !== null) throw new Error(`Chromium exited at start (code ${child.exitCode})`);
    try {
      const port = Number(readFileSync(join(profile, "DevToolsActivePort"), "utf8").split("\n")[0]);
      if (port > 0) return port;
    } catch {
      // Not written yet.
    }
    await sleep(100);
  }
  throw new Error("Chromium did not open its remote-debugging port within 30 s");
}
