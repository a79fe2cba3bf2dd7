/**
 * `npm start [-- --browser chromium|firefox] [--port 8787] [--check] [--help]` (demo/args.ts reads them)
 *
 * Builds the extension, starts the demo Cobalt API (the fake server with the showcase org) on
 * 127.0.0.1, prints its address and key, and opens the browser with the extension loaded by
 * `web-ext run` and set up for that API, so the badge and the popup work at once. Ctrl+C stops
 * the browser and the API.
 *
 * The extension is set up the way a user sets it up, through its options page and Save; nothing
 * in the shipped extension accepts settings from outside. The page is driven over the browser's
 * remote-debugging port, which web-ext is asked to open on 127.0.0.1.
 *
 * --check: the same, headless, then stops and exits 0 once the badge shows the showcase org's
 * count (1 if it does not): a smoke test of the whole path.
 *
 * npm runs it as `node --import tsx`, not through the tsx command: tsx's wrapper process SIGKILLs
 * its child when the child is slow to acknowledge a Ctrl+C, which would cut the cleanup short.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeCobalt, type FakeCobalt } from "../test/fake-cobalt/server.ts";
import { seedShowcaseOrg, SHOWCASE_EXPECTED, SHOWCASE_KEY } from "../test/fake-cobalt/showcase-org.ts";
import { chromiumDemo } from "./demo/chromium.ts";
import { sleep } from "./demo/options-form.ts";
import { firefoxDemo } from "./demo/firefox.ts";
import type { DemoBrowser } from "./demo/types.ts";
import { failureHint, missingDisplay, parseStartArgs, USAGE, UsageError } from "./demo/args.ts";
import { ROOT } from "./lib/release.ts";

interface Options {
  browser: DemoBrowser;
  port: number;
  check: boolean;
}

/** The demo API on the asked port, or on any free one if that is taken. */
async function startDemoApi(port: number): Promise<FakeCobalt> {
  const fake = await startFakeCobalt({ port }).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    console.log(`Port ${port} is in use; the demo API takes a free one.`);
    return startFakeCobalt({ port: 0 });
  });
  seedShowcaseOrg(fake);
  return fake;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function startWebExt(browser: DemoBrowser, extensionDir: string, debugPort: number, headless: boolean, scratchDir: string): ChildProcess {
  // The profile lives in our scratch folder (removed on exit): web-ext, stopped by a signal,
  // does not remove a temporary profile of its own.
  const profile = browser.webExtArgs(extensionDir, debugPort, headless, join(scratchDir, "profile"));
  const args = ["run", ...profile, "--keep-profile-changes", "--profile-create-if-missing", "--no-reload", "--no-input", "--no-config-discovery"];
  // A process group of its own: Ctrl+C reaches this script only, which stops web-ext the way
  // that takes its browser down too (see DemoBrowser.stopSignal).
  return spawn(join(ROOT, "node_modules", ".bin", "web-ext"), args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], detached: true });
}

function stopWebExt(child: ChildProcess, browser: DemoBrowser): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const { signal, toGroup } = browser.stopSignal;
  try {
    process.kill(toGroup ? -child.pid : child.pid, signal);
  } catch {
    // Already gone.
  }
  return exited;
}

/** Linux: the processes whose command line mentions `dir` (the browser's, whose profile is in it). */
function processesUsing(dir: string): number[] {
  if (!existsSync("/proc")) return [];
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/**
 * After web-ext exits, its browser may still be shutting down (Firefox saves its profile on
 * SIGTERM): wait for it, end any straggler of that profile by id, then remove the scratch folder.
 */
async function removeScratch(dir: string): Promise<void> {
  for (let waited = 0; processesUsing(dir).length > 0 && waited < 10_000; waited += 100) await sleep(100);
  for (const pid of processesUsing(dir)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone meanwhile
    }
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}

/** The options, or the exit code when there is nothing to start (--help, a wrong option, no display). */
function readOptions(args: readonly string[]): Options | number {
  let parsed;
  try {
    parsed = parseStartArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`npm start: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  const noDisplay = missingDisplay(process.env, process.platform, parsed.check);
  if (noDisplay) {
    console.error(`npm start: ${noDisplay}`);
    return 2;
  }
  return { browser: parsed.browser === "firefox" ? firefoxDemo : chromiumDemo, port: parsed.port, check: parsed.check };
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2));
  if (typeof options === "number") return options;
  const { browser } = options;
  execFileSync(join(ROOT, "node_modules", ".bin", "vite"), ["build", "--mode", browser.buildMode], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const fake = await startDemoApi(options.port);
  const scratchDir = mkdtempSync(join(tmpdir(), "cobalt-demo-"));
  let webExt: ChildProcess | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (webExt) await stopWebExt(webExt, browser);
      await removeScratch(scratchDir);
      await fake.close();
    })());
  const onSignal = () => {
    console.log("\nStopping the browser and the demo API…");
    void stop()
      .catch((error: unknown) => console.error(`Could not stop cleanly: ${String(error)}`))
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  console.log(`\nDemo Cobalt API: ${fake.origin}   API key: ${SHOWCASE_KEY} (test environment)`);
  console.log(`Showcase org: ${SHOWCASE_EXPECTED.accounts} linked accounts; ${SHOWCASE_EXPECTED.badge} apps need re-authentication.\n`);
  try {
    const extensionDir = browser.prepareExtension(join(ROOT, browser.distDir), fake.origin, scratchDir);
    const debugPort = await freePort();
    webExt = startWebExt(browser, extensionDir, debugPort, options.check, scratchDir);
    const child = webExt;
    const webExtExited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const exitedEarly = webExtExited.then((code) => Promise.reject(new Error(`web-ext exited (code ${code}) before the extension was set up`)));
    exitedEarly.catch(() => undefined); // once set up, web-ext exiting is the normal end
    const badge = await Promise.race([browser.configure(extensionDir, debugPort, { apiKey: SHOWCASE_KEY, baseUrl: fake.origin }, SHOWCASE_EXPECTED.badge), exitedEarly]);
    console.log(`\nReady in ${browser.name}: the badge shows "${badge.text}" (${badge.title}).`);
    if (options.check) {
      await stop();
      console.log("npm start --check: passed.");
      return 0;
    }
    console.log("Click the toolbar button for the popup. Ctrl+C stops the browser and the demo API.");
    // Closing the browser ends web-ext; then stop the API too.
    await webExtExited;
    await stop();
    return 0;
  } catch (error) {
    console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
    const hint = failureHint(error);
    if (hint) console.error(hint);
    await stop();
    return 1;
  }
}

process.exitCode = await main();
