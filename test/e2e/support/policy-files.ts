import { expect } from "vitest";
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { chromiumExtensionIdFor, defaultExtensionDir, launchExtension, type ExtensionSession, type LaunchOptions } from "./browsers.ts";

/*
 * Browser policy for the extension, written as an administrator writes it, where the browsers on
 * this machine read it (Debian's packages, as CI installs them; CI runs as root):
 *
 * - Chromium: a JSON file in /etc/chromium/policies/managed/ with
 *   {"3rdparty": {"extensions": {"<extension id>": {…}}}}. An unpacked extension's id comes from
 *   its folder's path, so the file names this checkout's build only: no other checkout's tests see
 *   it. Chromium reads the folder at start and again when told (chrome://policy's Reload), so the
 *   file stays while the browser runs, and goes when the test is done.
 * - Firefox ESR: the policies file in the distribution folder of its install (FIREFOX_POLICY_FILE), with
 *   {"policies": {"3rdparty": {"Extensions": {"<gecko id>": {…}}}}}. The gecko id is the same in
 *   every checkout and Firefox reads the file only at start, so the file is written right before
 *   the launch and removed as soon as Firefox has read it (its access time moves), or at the
 *   latest once the launch is over, whatever happens: other Firefox tests on this machine must
 *   never see it.
 */

export type PolicyValues = Record<string, unknown>;

export const CHROMIUM_POLICY_DIR = process.env.E2E_CHROMIUM_POLICY_DIR ?? "/etc/chromium/policies/managed";
export const FIREFOX_POLICY_FILE = process.env.E2E_FIREFOX_POLICY_FILE ?? "/usr/lib/firefox-esr/distribution/policies.json";

/** Files this process wrote and has not removed yet: removed at exit too, should a test be cut short. */
const written = new Map<string, string>();
process.once("exit", () => {
  for (const [file, content] of written) removeOwn(file, content);
});

function removeOwn(file: string, content: string): void {
  // Only the file this test wrote: never one someone else put there meanwhile.
  if (existsSync(file) && readFileSync(file, "utf8") === content) rmSync(file);
  written.delete(file);
}

/** The Chromium policy file of this checkout's build: written now, rewritten by `set`, gone after `remove`. */
export class ChromiumPolicy {
  readonly extensionId: string;
  readonly file: string;
  private content = "";
  private createdDirs: string[] = [];

  constructor(extensionDir = defaultExtensionDir("chromium")) {
    const manifest = JSON.parse(readFileSync(join(extensionDir, "manifest.json"), "utf8")) as Record<string, unknown>;
    this.extensionId = chromiumExtensionIdFor(resolve(extensionDir), manifest);
    this.file = join(CHROMIUM_POLICY_DIR, `cobalt-status-e2e-${this.extensionId}.json`);
  }

  /** Writes the policy as an administrator would (replacing this test's earlier one). */
  set(values: PolicyValues): void {
    if (!existsSync(CHROMIUM_POLICY_DIR)) this.createdDirs = makeDirs(CHROMIUM_POLICY_DIR);
    this.content = `${JSON.stringify({ "3rdparty": { extensions: { [this.extensionId]: values } } }, null, 2)}\n`;
    writeFileSync(this.file, this.content);
    written.set(this.file, this.content);
  }

  /**
   * Takes this test's policy away. The folders stay until `dispose`: a Chromium started while the
   * policy folder is missing never finishes a "Reload policies" (its button stays disabled), so a
   * policy written after it starts would never reach it. An administrator's folder stays too.
   */
  remove(): void {
    removeOwn(this.file, this.content);
  }

  /** Takes the policy away, and the folders this test made if nobody else put anything in them meanwhile. */
  dispose(): void {
    this.remove();
    for (const dir of this.createdDirs.reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        break;
      }
    }
    this.createdDirs = [];
  }
}

/** Makes `dir` and its missing parents; returns the ones it made, outermost first. */
function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = dirname(at)) missing.unshift(at);
  mkdirSync(dir, { recursive: true });
  return missing;
}

/** Chromium reads its policy again now, as chrome://policy's "Reload policies" button makes it do. */
export async function reloadChromiumPolicy(ext: ExtensionSession): Promise<void> {
  if (ext.raw.kind !== "playwright") throw new Error("reloadChromiumPolicy: Chromium only");
  const page = await ext.raw.context.newPage();
  try {
    await page.goto("chrome://policy");
    const button = page.locator("#reload-policies");
    await button.click();
    // The button is disabled until Chromium has read the folder again: closing the page sooner can lose the reload.
    await expect.poll(() => button.isEnabled(), { timeout: 20_000 }).toBe(true);
  } finally {
    await page.close();
  }
}

const POLL_MS = 10;
/** Someone else's file (another checkout's test) is given this long to go before the test fails. */
const WAIT_FOR_OTHERS_MS = 60_000;

/**
 * Launches Firefox with `values` as the extension's policy in Firefox's policies file, present only
 * from right before the launch until Firefox has read it. Checks that this Firefox took it in.
 */
export async function launchFirefoxWithPolicy(values: PolicyValues, opts: LaunchOptions = {}): Promise<ExtensionSession> {
  const manifest = JSON.parse(readFileSync(join(opts.extensionDir ?? defaultExtensionDir("firefox"), "manifest.json"), "utf8")) as { browser_specific_settings: { gecko: { id: string } } };
  const geckoId = manifest.browser_specific_settings.gecko.id;
  const content = `${JSON.stringify({ policies: { "3rdparty": { Extensions: { [geckoId]: values } } } }, null, 2)}\n`;
  await writeWhenFree(FIREFOX_POLICY_FILE, content);
  const created = statSync(FIREFOX_POLICY_FILE).atimeMs;
  let launching = true;
  const watch = (async () => {
    while (launching && existsSync(FIREFOX_POLICY_FILE) && statSync(FIREFOX_POLICY_FILE).atimeMs === created) await new Promise((r) => setTimeout(r, POLL_MS));
    removeOwn(FIREFOX_POLICY_FILE, content);
  })();
  let ext: ExtensionSession;
  try {
    ext = await launchExtension({ ...opts, browser: "firefox" });
  } finally {
    launching = false;
    await watch;
    removeOwn(FIREFOX_POLICY_FILE, content);
  }
  const taken = JSON.parse(String(await ext.privilegedEval(`JSON.stringify(Services.policies.getExtensionPolicy(${JSON.stringify(geckoId)}) ?? null)`))) as unknown;
  if (JSON.stringify(taken) !== JSON.stringify(values)) {
    await ext.close();
    throw new Error(`Firefox did not take in the policy written to ${FIREFOX_POLICY_FILE} (it has ${JSON.stringify(taken)}): did another process read the file first?`);
  }
  return ext;
}

/** Creates the file only if there is none (another checkout's test may be using it for a moment). */
async function writeWhenFree(file: string, content: string): Promise<void> {
  const end = Date.now() + WAIT_FOR_OTHERS_MS;
  for (;;) {
    try {
      writeFileSync(file, content, { flag: "wx" });
      written.set(file, content);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new Error(`Cannot write ${file} (CI runs the policy tests as root): ${(error as Error).message}`);
      if (Date.now() > end) throw new Error(`${file} is there and is not this test's: it was left behind, or another test is using it`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
