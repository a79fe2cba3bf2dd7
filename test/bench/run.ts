/**
 * `npm run bench`: measures the built Chrome extension against the fake Cobalt server and prints
 * figures beside the floors they are judged against. Not a test: nothing here passes or fails.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { allowHostsInChromiumSettings } from "../e2e/support/browsers.ts";
import { PAGE_SIZE, planFullChecks } from "../../src/core/check/plan.ts";
import { newSource, type CobaltSource } from "../../src/core/settings/model.ts";
import { serializeSettings } from "../../src/core/settings/parse.ts";
import { sourceKey } from "../../src/core/settings/fingerprint.ts";
import { STATUS_VERSION, type Status } from "../../src/core/status/model.ts";
import { planResultsWrite } from "../../src/core/store/codec.ts";
import { REAUTH_EVERY, seedOrg } from "./org.ts";
import { gzipBytes, pageScripts } from "./sizes.ts";
import { BYTES_PER_ACCOUNT_TARGET, bytesInUse, changeOnePercent, recordWrites, storedStatus, takeWrites, type Writes } from "./storage.ts";

const DIST = resolve(process.env.BENCH_DIST ?? "dist/chrome");
const LATENCY_MS = 30;
const BUDGET = 1200; // requests per minute: the highest the options allow, so the big org finishes
const ORGS = (process.env.BENCH_ORGS ?? "100,1000,10000").split(",").filter((n) => n !== "").map(Number);
/** Orgs whose storage is measured too: two more checks each. */
const STORAGE_ORGS = new Set([1000, 10000]);
/** The popup's first paint is measured with a long list and with a short one. */
const PAINT_SIZES = (process.env.BENCH_PAINT ?? "1000,20").split(",").filter((n) => n !== "").map(Number);
const PAINT_RUNS = Number(process.env.BENCH_PAINT_RUNS ?? 15);

async function launch(dir = DIST): Promise<{ ctx: BrowserContext; id: string }> {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "bench-")), {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium",
    headless: true,
    args: [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`, "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
  });
  const worker = ctx.serviceWorkers()[0] ?? (await ctx.waitForEvent("serviceworker"));
  // A fresh install opens the options page by itself; let that happen before opening our own
  // pages, or it takes over the tab we open.
  for (let waited = 0; waited < 10_000 && !ctx.pages().some((page) => page.url().includes("options.html")); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { ctx, id: new URL(worker.url()).host };
}

async function extensionPage(ctx: BrowserContext, id: string, path: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`chrome-extension://${id}/${path}`);
  return page;
}

/**
 * The build asks for no loopback host, and the settings are written straight to storage here
 * (no Save): allow the fake server in chrome://extensions as a user can, then let the extension
 * ask for it, which Chromium then grants without its prompt (see test/e2e/support/browsers.ts).
 */
async function grantLocalServer(ctx: BrowserContext, id: string, page: Page): Promise<void> {
  const settingsTab = await ctx.newPage();
  await settingsTab.goto(`chrome://extensions/?id=${id}`);
  await allowHostsInChromiumSettings(settingsTab, id, ["http://127.0.0.1/*"]);
  await settingsTab.close();
  if (!(await page.evaluate(() => browser.permissions.request({ origins: ["http://127.0.0.1/*"] })))) throw new Error("bench: permission for http://127.0.0.1 was not granted");
}

/** Until every open options page has checked the key it shows (src/ui/options/key-check.ts). */
async function waitForKeyCheck(fake: FakeCobalt, ctx: BrowserContext): Promise<void> {
  const pages = ctx.pages().filter((page) => page.url().includes("options.html")).length;
  const keyChecks = () => fake.requests.filter((r) => r.path.endsWith("/linked-account") && r.query.limit === "1").length;
  for (let waited = 0; keyChecks() < pages; waited += 50) {
    if (waited > 10_000) throw new Error(`bench: ${keyChecks()} of ${pages} options pages checked the key`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface CheckRow { accounts: number; requests: number; requestFloor: number; ms: number; backgroundMs: number; msFloor: number; storage?: StorageRow }

interface StorageRow {
  /** storage.local in use after the first check of the org. */
  bytes: number;
  /** What the first check wrote, and a second one where nothing changed, and a third where 1 % of accounts changed. */
  first: Writes;
  unchanged: Writes;
  onePercent: Writes;
  changedAccounts: number;
}

const check = (page: Page) => page.evaluate(() => browser.runtime.sendMessage({ type: "check", trigger: "settings" }));

async function measureCheck(accounts: number): Promise<CheckRow> {
  const fake = await startFakeCobalt({ latencyMs: LATENCY_MS, flavor: "v3" });
  fake.addKey("tk_bench_key", "test");
  const { ctx, id } = await launch();
  try {
    const page = await extensionPage(ctx, id, "src/ui/options/options.html");
    await grantLocalServer(ctx, id, page);
    const settings = newSource("main", { apiKey: "tk_bench_key", baseUrl: fake.origin, intervalMinutes: 60, requestsPerMinute: BUDGET });
    await page.evaluate((stored) => browser.storage.local.set({ settings: stored }), serializeSettings({ sources: [settings] }));
    // The options page checks a key it is shown (one request, 600 ms after it appears): let that
    // happen now, or it lands in the measured check as two requests of no strategy's.
    await waitForKeyCheck(fake, ctx);
    // A warm-up check on a one-account org, so the measured one is not the browser's first fetch.
    fake.clearAccounts();
    fake.setAccount({ account_id: "warm-up", apps: [] });
    await page.evaluate(() => browser.runtime.sendMessage({ type: "check", trigger: "settings" }));
    const cursor = (await storedStatus(page)).fullCheckCursor ?? 0;
    seedOrg(fake, accounts);
    await recordWrites(page);
    fake.clearRequests();
    const started = Date.now();
    await check(page);
    const ms = Date.now() - started;
    const requests = fake.requests.filter((r) => r.path.startsWith("/api/")).length;
    const status = await storedStatus(page);
    if (status.error) throw new Error(`check failed: ${JSON.stringify(status.error)}`);
    const storage = STORAGE_ORGS.has(accounts) ? await measureStorage(page, fake, accounts) : undefined;

    // The strategy's own floor: every listing page, every account the listing flags, and this
    // cycle's share of the rotation of full checks.
    const ids = Array.from({ length: accounts }, (_, i) => `acct-${String(i).padStart(5, "0")}`);
    const flagged = new Set(ids.filter((_, i) => i % REAUTH_EVERY === 0));
    const plan = planFullChecks({ ids, flagged, cursor });
    const requestFloor = Math.ceil(accounts / PAGE_SIZE) + plan.full.size;
    const msFloor = ((requestFloor - 1) * 60_000) / BUDGET + LATENCY_MS;
    const row: CheckRow = { accounts, requests, requestFloor, ms, backgroundMs: status.lastRun?.ms ?? Number.NaN, msFloor };
    if (storage) row.storage = storage;
    return row;
  } finally {
    await ctx.close();
    await fake.close();
  }
}

/** Right after the org's first check: its size, then what a second and a third check write. */
async function measureStorage(page: Page, fake: FakeCobalt, accounts: number): Promise<StorageRow> {
  const bytes = await bytesInUse(page);
  const first = await takeWrites(page);
  await check(page);
  const unchanged = await takeWrites(page);
  const changedAccounts = changeOnePercent(fake, accounts);
  await check(page);
  const onePercent = await takeWrites(page);
  const status = await storedStatus(page);
  if (status.error || status.accounts.length !== accounts) throw new Error(`storage checks failed: ${status.error ? JSON.stringify(status.error) : status.accounts.length}`);
  return { bytes, first, unchanged, onePercent, changedAccounts };
}

function paintStatus(settings: CobaltSource, items: number): Status {
  return {
    schemaVersion: STATUS_VERSION,
    source: sourceKey(settings),
    checkedAt: Date.now(),
    accountsTotal: items,
    accounts: Array.from({ length: items }, (_, i) => ({
      id: `acct-${i}`,
      name: `Customer ${i}`,
      checkedAt: Date.now(),
      reauth: [{ slug: "slack", name: `Slack ${i}`, authType: "oauth2" }],
      healthyCount: 2,
    })),
  };
}

/**
 * The popup as it looks with its apps listed, frozen: its rendered DOM with the same
 * stylesheets and no script. Served from the extension too (a copy of the build with this one
 * extra file), so both pages load the same way and differ only in how the list gets there.
 */
function staticPage(renderedBody: string, head: string): string {
  return `<!doctype html><html lang="en"><head>${head.replace(/<script[^>]*><\/script>|<link rel="modulepreload"[^>]*>/g, "")}</head><body>${renderedBody}</body></html>`;
}

/**
 * The same DOM again, drawn by a module script that carries it whole (no storage read, no
 * framework, nothing to compute): the earliest any popup whose list is drawn by script can paint.
 */
function scriptedPage(head: string): string {
  return `<!doctype html><html lang="en"><head>${head.replace(/<script[^>]*><\/script>|<link rel="modulepreload"[^>]*>/g, "")}<script type="module" src="bench-scripted.js"></script></head><body></body></html>`;
}

async function firstContentfulPaint(page: Page, url: string, ready: string): Promise<number> {
  await page.goto(url);
  await page.waitForFunction((selector) => document.querySelectorAll(selector).length > 0, ready);
  return page.evaluate(() => new Promise<number>((done) => {
    new PerformanceObserver((list) => {
      const fcp = list.getEntries().find((entry) => entry.name === "first-contentful-paint");
      if (fcp) done(fcp.startTime);
    }).observe({ type: "paint", buffered: true });
  }));
}

/**
 * When every app of the list is in the popup's DOM, from the start of its navigation (a long list
 * is built after its first paint): timed in the page by an observer set up before its scripts run,
 * on a page of its own so that the observer never slows the paint measurements.
 */
async function wholeListBuilt(ctx: BrowserContext, url: string, items: number, runs: number): Promise<number> {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 400, height: 600 });
  await page.addInitScript((count) => {
    const observer = new MutationObserver(() => {
      if (document.querySelectorAll("li.app").length !== count) return;
      (globalThis as unknown as { wholeListAt: number }).wholeListAt = performance.now();
      observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true });
  }, items);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    await page.goto(url);
    times.push(await page.waitForFunction(() => (globalThis as unknown as { wholeListAt?: number }).wholeListAt ?? 0).then((found) => found.jsonValue() as Promise<number>));
  }
  await page.close();
  return median(times);
}

interface PaintRow { items: number; popup: number; staticPage: number; scripted: number; wholeList: number }

async function measurePaint(items: number): Promise<PaintRow> {
  const fake = await startFakeCobalt();
  const settings = newSource("main", { apiKey: "tk_bench_key", baseUrl: fake.origin });
  const store = async (ctx: BrowserContext, id: string) => {
    const setup = await extensionPage(ctx, id, "src/ui/options/options.html");
    const results = planResultsWrite({}, paintStatus(settings, items), {}).set;
    await setup.evaluate((items) => browser.storage.local.set(items), { settings: serializeSettings({ sources: [settings] }), ...results });
    await setup.close();
  };
  // 1. Render the popup once and freeze what it shows.
  const copy = mkdtempSync(join(tmpdir(), "bench-dist-"));
  cpSync(DIST, copy, { recursive: true });
  {
    const { ctx, id } = await launch();
    try {
      await store(ctx, id);
      const page = await extensionPage(ctx, id, "src/ui/popup/popup.html");
      // The whole list: a long one is painted in two goes (its first screenful, then the rest).
      await page.waitForFunction((count) => document.querySelectorAll("li.app").length === count, items);
      const [head, body] = await page.evaluate(() => [document.head.innerHTML, document.body.innerHTML]);
      writeFileSync(join(copy, "src/ui/popup/bench-static.html"), staticPage(body, head));
      writeFileSync(join(copy, "src/ui/popup/bench-scripted.html"), scriptedPage(head));
      writeFileSync(join(copy, "src/ui/popup/bench-scripted.js"), `document.body.insertAdjacentHTML("beforeend", ${JSON.stringify(body)});\n`);
    } finally {
      await ctx.close();
    }
  }
  // 2. Measure both pages, alternating, in the copy.
  const { ctx, id } = await launch(copy);
  try {
    await store(ctx, id);
    const page = await ctx.newPage();
    await page.setViewportSize({ width: 400, height: 600 });
    const popup: number[] = [];
    const statics: number[] = [];
    const scripted: number[] = [];
    for (let run = 0; run < PAINT_RUNS; run++) {
      popup.push(await firstContentfulPaint(page, `chrome-extension://${id}/src/ui/popup/popup.html`, "li.app"));
      statics.push(await firstContentfulPaint(page, `chrome-extension://${id}/src/ui/popup/bench-static.html`, "li.app"));
      scripted.push(await firstContentfulPaint(page, `chrome-extension://${id}/src/ui/popup/bench-scripted.html`, "li.app"));
    }
    const listed = await page.locator("li.app").count();
    if (listed !== items) throw new Error(`the static page lists ${listed} apps, expected ${items}`);
    const wholeList = await wholeListBuilt(ctx, `chrome-extension://${id}/src/ui/popup/popup.html`, items, PAINT_RUNS);
    return { items, popup: median(popup), staticPage: median(statics), scripted: median(scripted), wholeList };
  } finally {
    await ctx.close();
    await fake.close();
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ratio = (value: number, floor: number) => (value / floor).toFixed(2);

const checks: CheckRow[] = [];
for (const accounts of ORGS) checks.push(await measureCheck(accounts));
const paints: PaintRow[] = [];
for (const items of PAINT_SIZES) paints.push(await measurePaint(items));
const popupJs = pageScripts(DIST, "src/ui/popup/popup.html");
const optionsJs = pageScripts(DIST, "src/ui/options/options.html");

const lines = [
  `Benchmark, ${new Date().toISOString().slice(0, 10)}, Chromium ${ctxVersion()}, ${cpus().length} × ${cpus()[0]?.model.trim()}, ${LATENCY_MS} ms latency per request, budget ${BUDGET} requests/min`,
  "",
  "Full check: from the page's request to the background's reply (storage writes included); the fetching part alone in brackets.",
  "",
  "| linked accounts | requests | floor | ratio (target ≤ 1.10) | full check (fetching) | floor | ratio (target ≤ 1.20) |",
  "|---:|---:|---:|---:|---:|---:|---:|",
  ...checks.map((c) => `| ${c.accounts.toLocaleString("en-US")} | ${c.requests} | ${c.requestFloor} | ${ratio(c.requests, c.requestFloor)} | ${(c.ms / 1000).toFixed(2)} s (${(c.backgroundMs / 1000).toFixed(2)} s) | ${(c.msFloor / 1000).toFixed(2)} s | ${ratio(c.ms, c.msFloor)} (${ratio(c.backgroundMs, c.msFloor)}) |`),
  "",
  "| measure | value | reference | ratio or target |",
  "|---|---:|---:|---:|",
  ...paints.flatMap((paint) => [
    `| popup first paint, ${paint.items.toLocaleString("en-US")} apps from storage (median of ${PAINT_RUNS}; whole list in the DOM at ${paint.wholeList.toFixed(0)} ms) | ${paint.popup.toFixed(0)} ms | the same DOM as static HTML: ${paint.staticPage.toFixed(0)} ms | ${ratio(paint.popup, paint.staticPage)} (target ≤ ${paint.items > 100 ? "1.20" : "1.10"}) |`,
    `| … the floor for a list drawn by script: the same DOM inserted by a module script that carries it whole | ${paint.scripted.toFixed(0)} ms | static: ${paint.staticPage.toFixed(0)} ms | ${ratio(paint.scripted, paint.staticPage)} |`,
  ]),
  `| popup JavaScript at open, gzip (${popupJs.initial.length} files) | ${kb(gzipBytes(DIST, popupJs.initial))} | | target ≤ 10 KB |`,
  `| popup JavaScript loaded on use (Reconnect/Copy, a failure's words, the sample data), gzip | ${kb(gzipBytes(DIST, popupJs.lazy))} | | |`,
  `| options page JavaScript, gzip | ${kb(gzipBytes(DIST, [...optionsJs.initial, ...optionsJs.lazy]))} | | |`,
  `| background, gzip | ${kb(gzipBytes(DIST, ["src/background/index.js"]))} | | |`,
  ...storageLines(checks),
];
console.log(lines.join("\n"));

function storageLines(rows: CheckRow[]): string[] {
  const measured = rows.filter((row): row is CheckRow & { storage: StorageRow } => row.storage !== undefined);
  if (measured.length === 0) return [];
  const perAccount = (bytes: number, accounts: number) => (bytes / accounts).toFixed(1);
  const written = (writes: Writes, more = "") => `${kb(writes.results)} (${writes.keys} ${writes.keys === 1 ? "key" : "keys"}${more})`;
  return [
    "",
    "Storage: storage.local in use after a check (key + JSON value, as Chrome counts it against its quota), and what later checks write (sent to every open page by storage.onChanged; `progress` and the background's few-byte `lastDecision` apart). The checkpoint a check keeps as it goes is in storage.session (memory): not in use afterwards.",
    "",
    `| linked accounts | in use | bytes per account | ratio (target ≤ ${BYTES_PER_ACCOUNT_TARGET} B: ≤ 1.00) | first check writes | second check, nothing changed | third check, 1 % changed | progress per check | checkpoint per check (storage.session) |`,
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...measured.map(({ accounts, storage: s }) =>
      `| ${accounts.toLocaleString("en-US")} | ${kb(s.bytes)} | ${perAccount(s.bytes, accounts)} | ${ratio(s.bytes / accounts, BYTES_PER_ACCOUNT_TARGET)} | ${written(s.first)} | ${written(s.unchanged)} | ${written(s.onePercent, `, ${s.changedAccounts} accounts`)} | ${kb(s.onePercent.progress)} | ${kb(s.onePercent.checkpoint)} |`,
    ),
  ];
}

function ctxVersion(): string {
  return execFileSync(process.env.CHROMIUM_PATH ?? "/usr/lib/chromium/chromium", ["--version"], { encoding: "utf8" }).trim().replace(/^Chromium /, "");
}
