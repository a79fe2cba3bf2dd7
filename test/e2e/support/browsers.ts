/**
 * One API over Chromium (playwright-core, CDP) and Firefox (puppeteer-core, WebDriver BiDi), so
 * each e2e test file is written once and runs in both vitest projects (`e2e-chromium`,
 * `e2e-firefox`; they set E2E_BROWSER).
 *
 *   const s = await launchExtension();                  // dist/chrome or dist/firefox
 *   const popup = await s.openPage(s.popupPath);
 *   await popup.clickByRole("button", "Refresh");
 *   await s.waitForBadge((b) => b.text === "3");
 *   await s.close();
 *
 * Differences between the browsers that tests can see (everything else behaves the same):
 * - evalInBackground: Chromium runs the code in the extension's service worker (its globals are
 *   visible). Firefox runs it in an extension page (the `manifest.json` helper tab), not in the
 *   background page: it has the same storage/alarms/action/permissions/runtime APIs, but not the
 *   background's globals.
 * - Background lifetime: Playwright stays attached to the Chromium service worker, so Chromium
 *   never idles it out on its own; use stopBackground()/restartBackground() to put it to sleep.
 *   Firefox still suspends an idle background page after its normal 30 s.
 * - runtime.onInstalled: a Firefox extension is installed as a temporary add-on at every launch,
 *   so with a reused userDataDir it gets onInstalled (reason "install") again; Chromium does not.
 * - The harness opens one extra background tab on `<baseUrl>manifest.json` (extension origin, no
 *   script of the extension runs there) to read the badge and storage without waking the
 *   background. It is visible to tabs.query(). Tabs are opened directly on their URL, never on a
 *   blank page first: an extension calling runtime.openOptionsPage() at install would take over a
 *   blank tab in Chromium.
 * - A missing extension file: Chromium shows an error page, Firefox an empty page; the harness
 *   throws "could not load" in both.
 *
 * Host permissions: the shipped manifest asks for no loopback host, so the extension reaches the
 * fake server only after the options page's Save has asked for its origin (permissions.request,
 * inside the click), as for a user with a local Cobalt.
 * - Firefox: the profile grants such requests without a prompt (extensions.webextOptionalPermissionPrompts
 *   is false): the real click grants it.
 * - Chromium shows a prompt that automation cannot answer (no switch auto-accepts it:
 *   --apps-gallery-install-auto-confirm-for-tests covers web store installs only). So at launch
 *   the harness allows the loopback hosts (`hostsAllowedInSettings`) the way a user can in
 *   chrome://extensions (developerPrivate.addHostPermission, what the Site access controls call).
 *   That alone gives the extension nothing (permissions.contains stays false); it only makes
 *   Chromium grant the extension's own permissions.request for those hosts without a prompt, so
 *   Save still takes the real path. The loaded build is dist/chrome exactly as shipped.
 *
 * Requests: by default the browser is started behind a local recording proxy (request-log.ts),
 * so session.requests() lists every HTTP request the browser made, in both browsers, and nothing
 * leaves the machine (the proxy resets connections to non-loopback hosts: a network error).
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { BrowserContext, CDPSession, ElementHandle as PwElementHandle, JSHandle as PwJSHandle, Page as PwPage, Worker as PwWorker } from "playwright-core";
import puppeteer from "puppeteer-core";
import type { Browser as PpBrowser, ElementHandle as PpElementHandle, JSHandle as PpJSHandle, Page as PpPage } from "puppeteer-core";
import {
  BADGE_EXPRESSION,
  describeName,
  innerTextExpression,
  nameMatcher,
  pickExpression,
  storageGetExpression,
  storageSetExpression,
  userCodeExpression,
  type PickArg,
} from "./in-page.ts";
import { startRequestLogProxy, type RecordedRequest, type RequestLogProxy } from "./request-log.ts";

export type { RecordedRequest } from "./request-log.ts";

export type BrowserName = "chromium" | "firefox";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const CHROMIUM_EXECUTABLE = process.env.E2E_CHROMIUM_PATH ?? "/usr/lib/chromium/chromium";
export const FIREFOX_EXECUTABLE = process.env.E2E_FIREFOX_PATH ?? "/usr/bin/firefox-esr";
/** Default for every wait of the harness (actions, waitForText, waitForBadge, waitForTab). */
export const DEFAULT_TIMEOUT_MS = 10_000;
const POLL_MS = 100;

export function browserUnderTest(): BrowserName {
  const value = process.env.E2E_BROWSER ?? "chromium";
  if (value !== "chromium" && value !== "firefox") {
    throw new Error(`E2E_BROWSER must be "chromium" or "firefox", got ${JSON.stringify(value)}`);
  }
  return value;
}

/** dist/chrome or dist/firefox in the repo. */
export function defaultExtensionDir(browser: BrowserName): string {
  return join(REPO_ROOT, "dist", browser === "chromium" ? "chrome" : "firefox");
}

export interface Badge {
  text: string;
  color: [number, number, number, number];
  title: string;
}

export interface ExtPage {
  /** The URL the browser shows for this tab now. */
  url(): string;
  /** Extension-relative path ("src/ui/popup/popup.html") or an absolute URL; waits for the load event. */
  goto(urlOrExtensionPath: string): Promise<void>;
  reload(): Promise<void>;
  /** Clicks the first visible element matching the CSS selector (waits up to 10 s for one). */
  click(selector: string, opts?: ActionOptions): Promise<void>;
  /**
   * Clicks the only visible element with that role and accessible name (aria-labelledby,
   * aria-label, <label>, then text content; whitespace collapsed). A string must match the whole
   * name; use a RegExp for part of it. Throws if several elements match.
   */
  clickByRole(role: "button" | "link" | "checkbox" | "textbox", name: string | RegExp, opts?: ActionOptions): Promise<void>;
  /** The input/textarea whose <label> text (trimmed, whitespace collapsed) is `label`: clears it, then types `value`; `input` events fire. */
  fillLabelled(label: string, value: string, opts?: ActionOptions): Promise<void>;
  valueOfLabelled(label: string, opts?: Pick<ActionOptions, "within">): Promise<string>;
  /** innerText of the first element matching selector (default body); throws if there is none. */
  text(selector?: string): Promise<string>;
  /** Polls innerText until it contains the string (or matches the RegExp). A missing element counts as empty text. */
  waitForText(text: string | RegExp, opts?: { selector?: string; timeoutMs?: number }): Promise<void>;
  /** Polls innerText until it no longer contains the string / matches. A missing element counts as no text. */
  waitForNoText(text: string | RegExp, opts?: { selector?: string; timeoutMs?: number }): Promise<void>;
  count(selector: string): Promise<number>;
  /** Attribute of the first element matching selector; null if it has no such attribute; throws if no element matches. */
  attr(selector: string, name: string): Promise<string | null>;
  /**
   * Runs in the page (an extension page has `browser`/`chrome`). A function is serialized with
   * toString() (it cannot close over test variables); a string is an expression, and if it
   * evaluates to a function that function is called. Promises are awaited; the result must be
   * JSON-like.
   */
  evaluate<T>(fn: string | (() => T | Promise<T>)): Promise<T>;
  /** The whole viewport, or only its top-left `clip` (the size a popup shows at). */
  screenshot(path: string, clip?: { width: number; height: number }): Promise<void>;
  close(): Promise<void>;
  /** Escape hatch: the driver's own page object. */
  readonly raw: { kind: "playwright"; page: PwPage } | { kind: "puppeteer"; page: PpPage };
}

/** How long an action waits for its element to appear (default DEFAULT_TIMEOUT_MS), and where. */
export interface ActionOptions {
  timeoutMs?: number;
  /** Only inside the one region (section, fieldset, role region or group) with this accessible name. */
  within?: string;
}

export type BackgroundStatus = "starting" | "running" | "stopping" | "stopped";

export interface ExtensionSession {
  readonly browser: BrowserName;
  /** Chromium extension id, or the fixed moz-extension UUID in Firefox. */
  readonly extensionId: string;
  /** "chrome-extension://ID/" or "moz-extension://UUID/". */
  readonly baseUrl: string;
  readonly manifest: Record<string, unknown>;
  /** manifest action.default_popup ("" if none). */
  readonly popupPath: string;
  /** manifest options_ui.page (or options_page; "" if none). */
  readonly optionsPath: string;
  /** The unpacked extension directory that was loaded. */
  readonly extensionDir: string;
  /** Opens a new tab on an extension path (or absolute URL) and waits for it to load. */
  openPage(path: string): Promise<ExtPage>;
  /** action.getBadgeText/getBadgeBackgroundColor/getTitle({}) (Chromium: in the service worker if it is running, else the helper tab; Firefox: the helper tab). Never wakes the background. */
  badge(): Promise<Badge>;
  /** Polls badge() until pred is true; on timeout throws with the last badge seen. */
  waitForBadge(pred: (b: Badge) => boolean, timeoutMs?: number): Promise<Badge>;
  /**
   * Runs code "in the background". Chromium: in the service worker (woken first if it was
   * stopped). Firefox: in an extension page (the helper tab), NOT the background page — same
   * extension APIs, but not the background's globals. `fn` is an expression; if it evaluates to a
   * function, that is called. Promises are awaited.
   */
  evalInBackground<T>(fn: string): Promise<T>;
  /** browser.storage.local.get (all keys if omitted). Never wakes the background. */
  storageGet(keys?: string | string[]): Promise<Record<string, unknown>>;
  /** browser.storage.local.set; values must be JSON-serializable. */
  storageSet(items: Record<string, unknown>): Promise<void>;
  /** URLs of all open tabs, as the browser reports them (not through extension APIs). */
  tabUrls(): Promise<string[]>;
  /** Resolves with the URL of a tab (new or existing) whose URL satisfies pred, from the browser's own view of its tabs. */
  waitForTab(pred: (url: string) => boolean, timeoutMs?: number): Promise<string>;
  /** navigator.clipboard.readText() in that page (Chromium: clipboard-read is granted to the page's origin first). */
  readClipboard(page: ExtPage): Promise<string>;
  /**
   * Firefox only (Chromium throws): runs privileged code in the browser's own chrome scope, for
   * what no extension page can reach (standing in for the desktop's notification service, say).
   * The expression must evaluate to a string, a number or a promise of one.
   */
  privilegedEval(expression: string): Promise<unknown>;
  /** State of the background (Chromium service worker / Firefox event page). */
  backgroundStatus(): Promise<BackgroundStatus>;
  /** Puts the background to sleep as the browser would when idle (Chromium: CDP ServiceWorker.stopWorker; Firefox: the add-on manager's terminateBackground). Events the extension listens to wake it again. */
  stopBackground(): Promise<void>;
  /** stopBackground(), then starts it again (its top-level code runs again) and waits until it is running. */
  restartBackground(): Promise<void>;
  /** Every HTTP request the browser made since launch (or clearRequests()), with request headers. Needs recordRequests (the default). */
  requests(): RecordedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
  /** Escape hatch: the driver's own objects. */
  readonly raw: { kind: "playwright"; context: BrowserContext } | { kind: "puppeteer"; browser: PpBrowser };
}

export interface LaunchOptions {
  browser?: BrowserName;
  /** Unpacked extension directory (manifest.json at its root). Default dist/chrome or dist/firefox. */
  extensionDir?: string;
  /** Persistent profile directory, to test a browser restart. Default: a fresh temporary profile. */
  userDataDir?: string;
  /** Start the browser behind the recording proxy (default true). */
  recordRequests?: boolean;
  /**
   * Chromium only: host patterns allowed for the extension in chrome://extensions before the test
   * starts, so that its permissions.request for them needs no prompt (see the file comment).
   * Default TEST_SERVER_HOSTS. Firefox ignores it: its profile grants requests without a prompt.
   */
  hostsAllowedInSettings?: string[];
  /** The `prefers-color-scheme` every page sees (default: the browser's own, light when headless). */
  colorScheme?: ColorScheme;
  /**
   * The browser's UI language, which picks the extension's catalog (i18n.getUILanguage()), like
   * "de". Default: the browser's own (English on the test machines). Chromium: `--lang` and the
   * pages' locale. Firefox: the `intl.locale.requested` pref, which takes effect only with that
   * language's pack installed (Debian's firefox-esr-l10n-<lang>, which .ci/run installs for German);
   * without it Firefox stays in English, which the launch reports.
   */
  locale?: string;
}

export type ColorScheme = "light" | "dark";

/** Where the fake Cobalt server listens (its origin and altOrigin); `http://[::1]/*` is left out on purpose, for a host the user never allowed. */
export const TEST_SERVER_HOSTS = ["http://127.0.0.1/*", "http://localhost/*"];

export async function launchExtension(opts: LaunchOptions = {}): Promise<ExtensionSession> {
  const browser = opts.browser ?? browserUnderTest();
  const extensionDir = resolve(opts.extensionDir ?? defaultExtensionDir(browser));
  const manifestPath = join(extensionDir, "manifest.json");
  if (!existsSync(manifestPath)) {
    throw new Error(
      `No extension at ${extensionDir} (no manifest.json).` +
        (opts.extensionDir ? "" : " Build it first: npm run build."),
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
  const proxy = opts.recordRequests === false ? undefined : await startRequestLogProxy();
  let session: ExtensionSession;
  try {
    session =
      browser === "chromium"
        ? await ChromiumSession.launch(extensionDir, manifest, opts.userDataDir, proxy, opts.hostsAllowedInSettings ?? TEST_SERVER_HOSTS, opts.colorScheme, opts.locale)
        : await FirefoxSession.launch(extensionDir, manifest, opts.userDataDir, proxy, opts.colorScheme, opts.locale);
  } catch (err) {
    await proxy?.close();
    throw err;
  }
  if (opts.locale) await expectUiLanguage(session, opts.locale);
  return session;
}

/** A browser that ignored the language asked for (Firefox without its language pack) fails here, saying why. */
async function expectUiLanguage(session: ExtensionSession, locale: string): Promise<void> {
  const language = await session.evalInBackground<string>("(globalThis.browser ?? chrome).i18n.getUILanguage()");
  const primary = (tag: string) => tag.split(/[-_]/)[0]!.toLowerCase();
  if (primary(language) === primary(locale)) return;
  await session.close();
  const hint = session.browser === "firefox" ? ` Is Firefox's language pack installed (apt-get install firefox-esr-l10n-${primary(locale)})?` : "";
  throw new Error(`The browser's UI language is ${language}, not ${locale}.${hint}`);
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function manifestPages(manifest: Record<string, unknown>): { popupPath: string; optionsPath: string } {
  const action = (manifest.action ?? manifest.browser_action) as { default_popup?: string } | undefined;
  const optionsUi = manifest.options_ui as { page?: string } | undefined;
  const strip = (p: string | undefined) => (p ?? "").replace(/^\//, "");
  return {
    popupPath: strip(action?.default_popup),
    optionsPath: strip(optionsUi?.page ?? (manifest.options_page as string | undefined)),
  };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  promise.catch(() => undefined); // a late rejection after the timeout is not "unhandled"
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function textMatches(haystack: string, needle: string | RegExp): boolean {
  if (typeof needle === "string") return haystack.includes(needle);
  needle.lastIndex = 0;
  return needle.test(haystack);
}

function clip(text: string, max = 600): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

async function poll<T>(
  what: string,
  timeoutMs: number,
  attempt: () => Promise<{ done: true; value: T } | { done: false; detail: string }>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let detail = "";
  for (;;) {
    const r = await attempt();
    if (r.done) return r.value;
    detail = r.detail;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. ${detail}`);
    await sleep(POLL_MS);
  }
}

/** Chrome's id for an unpacked extension: from manifest.key if present, else from its absolute path. */
export function chromiumExtensionIdFor(dir: string, manifest: Record<string, unknown>): string {
  const hash = createHash("sha256");
  if (typeof manifest.key === "string") hash.update(Buffer.from(manifest.key, "base64"));
  else hash.update(realpathSync(dir));
  return [...hash.digest("hex").slice(0, 32)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join("");
}

/** A stable moz-extension UUID for a gecko id, so the extension's origin (and its storage) is the same at every launch. */
export function firefoxUuidFor(geckoId: string): string {
  const h = createHash("sha256").update(`e2e:${geckoId}`).digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function geckoIdOf(manifest: Record<string, unknown>): string {
  const bss = (manifest.browser_specific_settings ?? manifest.applications) as { gecko?: { id?: string } } | undefined;
  const id = bss?.gecko?.id;
  if (!id) throw new Error("The Firefox manifest has no browser_specific_settings.gecko.id; the harness needs it to pin the extension's UUID.");
  return id;
}

/**
 * Opens the helper tab on `url`. An extension that opens a page at install (e.g.
 * runtime.openOptionsPage() in onInstalled) may take over a tab while it loads; that tab is then
 * left to the extension and another one is tried.
 */
async function openHelperTab<P>(
  attempt: (url: string) => Promise<{ value: P; landed: string }>,
  url: string,
  failure: () => string,
): Promise<P> {
  let lastError = "";
  for (let i = 0; i < 3; i++) {
    try {
      const { value, landed } = await attempt(url);
      if (landed === url) return value;
      lastError = `the tab ended up on ${landed}`;
    } catch (err) {
      lastError = (err as Error).message;
      if (!/interrupted by another navigation|NS_BINDING_ABORTED|navigation.*(aborted|canceled|cancelled)/i.test(lastError)) break;
    }
  }
  throw new Error(`${failure()}: could not open ${url}: ${lastError}`);
}

/** Finds an element with PICK_SOURCE, polling until found, timeout, or a fatal error. */
async function pickElement<H>(
  what: string,
  arg: PickArg,
  evaluateHandle: (expression: string) => Promise<{ handle: H | null; info: () => Promise<unknown> }>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<H> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { handle, info } = await evaluateHandle(pickExpression(arg));
    if (handle) return handle;
    const detail = (await info()) as { error?: string; fatal?: boolean } | null;
    const message = detail?.error ?? "not found";
    if (detail?.fatal) throw new Error(`${what}: ${message}`);
    if (Date.now() >= deadline) throw new Error(`${what}: timed out after ${timeoutMs} ms: ${message}`);
    await sleep(POLL_MS);
  }
}

const scope = (opts: Pick<ActionOptions, "within">) => (opts.within === undefined ? {} : { within: opts.within });
const inRegion = (opts: Pick<ActionOptions, "within">) => (opts.within === undefined ? "" : ` within ${JSON.stringify(opts.within)}`);

/** The parts of ExtPage that are the same in both drivers, built on a few primitives. */
abstract class BasePage implements Omit<ExtPage, "raw"> {
  constructor(protected readonly baseUrl: string) {}
  abstract url(): string;
  abstract goto(urlOrExtensionPath: string): Promise<void>;
  abstract reload(): Promise<void>;
  abstract evaluate<T>(fn: string | (() => T | Promise<T>)): Promise<T>;
  abstract screenshot(path: string, clip?: { width: number; height: number }): Promise<void>;
  abstract close(): Promise<void>;
  protected abstract clickPicked(what: string, arg: PickArg, timeoutMs: number): Promise<void>;
  protected abstract fillPicked(what: string, arg: PickArg, value: string, timeoutMs: number): Promise<void>;

  protected resolveUrl(urlOrPath: string): string {
    return /^[a-z][a-z0-9+.-]*:/i.test(urlOrPath) ? urlOrPath : new URL(urlOrPath.replace(/^\//, ""), this.baseUrl).href;
  }

  click(selector: string, opts: ActionOptions = {}): Promise<void> {
    return this.clickPicked(`click(${JSON.stringify(selector)})`, { op: "css", selector, ...scope(opts) }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  clickByRole(role: "button" | "link" | "checkbox" | "textbox", name: string | RegExp, opts: ActionOptions = {}): Promise<void> {
    return this.clickPicked(`clickByRole(${role}, ${describeName(name)}${inRegion(opts)})`, { op: "role", role, name: nameMatcher(name), ...scope(opts) }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  fillLabelled(label: string, value: string, opts: ActionOptions = {}): Promise<void> {
    return this.fillPicked(`fillLabelled(${JSON.stringify(label)}${inRegion(opts)})`, { op: "label", label, ...scope(opts) }, value, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  async valueOfLabelled(label: string, opts: Pick<ActionOptions, "within"> = {}): Promise<string> {
    const arg: PickArg = { op: "label", label, ...scope(opts) };
    const result = await this.evaluate<{ value?: string; error?: string }>(
      `(() => { const r = ${pickExpression(arg)}; return r instanceof Element ? { value: r.value } : r; })()`,
    );
    if (result.error !== undefined || result.value === undefined) {
      throw new Error(`valueOfLabelled(${JSON.stringify(label)}): ${result.error ?? "no value"}`);
    }
    return result.value;
  }

  private innerText(selector: string): Promise<string | null> {
    return this.evaluate<string | null>(innerTextExpression(selector));
  }

  async text(selector = "body"): Promise<string> {
    const t = await this.innerText(selector);
    if (t === null) throw new Error(`text(${JSON.stringify(selector)}): no element matches on ${this.url()}`);
    return t;
  }

  async waitForText(text: string | RegExp, opts: { selector?: string; timeoutMs?: number } = {}): Promise<void> {
    const selector = opts.selector ?? "body";
    await poll(`text ${describeName(text)} in ${selector}`, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, async () => {
      const t = await this.innerText(selector);
      if (t !== null && textMatches(t, text)) return { done: true, value: undefined };
      return { done: false, detail: t === null ? `No element matches ${selector} on ${this.url()}.` : `Last text of ${selector} on ${this.url()}: ${JSON.stringify(clip(t))}` };
    });
  }

  async waitForNoText(text: string | RegExp, opts: { selector?: string; timeoutMs?: number } = {}): Promise<void> {
    const selector = opts.selector ?? "body";
    await poll(`text ${describeName(text)} to disappear from ${selector}`, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, async () => {
      const t = await this.innerText(selector);
      if (t === null || !textMatches(t, text)) return { done: true, value: undefined };
      return { done: false, detail: `Last text of ${selector} on ${this.url()}: ${JSON.stringify(clip(t))}` };
    });
  }

  count(selector: string): Promise<number> {
    return this.evaluate<number>(`document.querySelectorAll(${JSON.stringify(selector)}).length`);
  }

  async attr(selector: string, name: string): Promise<string | null> {
    const r = await this.evaluate<{ found: boolean; value: string | null }>(
      `(() => { const el = document.querySelector(${JSON.stringify(selector)}); return el ? { found: true, value: el.getAttribute(${JSON.stringify(name)}) } : { found: false, value: null }; })()`,
    );
    if (!r.found) throw new Error(`attr(${JSON.stringify(selector)}, ${JSON.stringify(name)}): no element matches on ${this.url()}`);
    return r.value;
  }
}

// ---------------------------------------------------------------------------------------------
// Chromium (playwright-core)

class ChromiumPage extends BasePage implements ExtPage {
  readonly raw: { kind: "playwright"; page: PwPage };
  constructor(private readonly page: PwPage, baseUrl: string) {
    super(baseUrl);
    this.raw = { kind: "playwright", page };
  }
  url(): string {
    return this.page.url();
  }
  async goto(urlOrExtensionPath: string): Promise<void> {
    await this.page.goto(this.resolveUrl(urlOrExtensionPath), { waitUntil: "load" });
  }
  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: "load" });
  }
  evaluate<T>(fn: string | (() => T | Promise<T>)): Promise<T> {
    if (typeof fn === "string") return this.page.evaluate(userCodeExpression(fn)) as Promise<T>;
    return this.page.evaluate(fn);
  }
  private async pick(what: string, arg: PickArg, timeoutMs: number): Promise<PwElementHandle> {
    return pickElement(what, arg, async (expression) => {
      const handle: PwJSHandle = await this.page.evaluateHandle(expression);
      const el = handle.asElement();
      return { handle: el as PwElementHandle | null, info: () => handle.jsonValue() };
    }, timeoutMs);
  }
  protected async clickPicked(what: string, arg: PickArg, timeoutMs: number): Promise<void> {
    const el = await this.pick(what, arg, timeoutMs);
    try {
      await el.click({ timeout: timeoutMs });
    } finally {
      await el.dispose();
    }
  }
  protected async fillPicked(what: string, arg: PickArg, value: string, timeoutMs: number): Promise<void> {
    const el = await this.pick(what, arg, timeoutMs);
    try {
      // Focuses, selects the content and inserts the text: `input` events fire.
      await el.fill(value, { timeout: timeoutMs });
    } finally {
      await el.dispose();
    }
  }
  async screenshot(path: string, clip?: { width: number; height: number }): Promise<void> {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    await this.page.screenshot(clip ? { path, clip: { x: 0, y: 0, ...clip } } : { path });
  }
  async close(): Promise<void> {
    if (!this.page.isClosed()) await this.page.close();
  }
}

interface SwVersion {
  versionId: string;
  scriptURL: string;
  runningStatus: BackgroundStatus;
  status: string;
}

class ChromiumSession implements ExtensionSession {
  readonly browser = "chromium" as const;
  readonly popupPath: string;
  readonly optionsPath: string;
  readonly raw: { kind: "playwright"; context: BrowserContext };
  private readonly versions = new Map<string, SwVersion>();
  private clipboardGranted = new Set<string>();
  private closed = false;

  private constructor(
    private readonly context: BrowserContext,
    readonly extensionId: string,
    readonly manifest: Record<string, unknown>,
    readonly extensionDir: string,
    private readonly helper: PwPage,
    private readonly cdp: CDPSession,
    private readonly browserCdp: CDPSession,
    private readonly proxy: RequestLogProxy | undefined,
  ) {
    ({ popupPath: this.popupPath, optionsPath: this.optionsPath } = manifestPages(manifest));
    this.raw = { kind: "playwright", context };
    cdp.on("ServiceWorker.workerVersionUpdated", (event) => {
      for (const v of event.versions) {
        if (!v.scriptURL.startsWith(this.baseUrl)) continue;
        if (v.status === "redundant") this.versions.delete(v.versionId);
        else this.versions.set(v.versionId, { versionId: v.versionId, scriptURL: v.scriptURL, runningStatus: v.runningStatus as BackgroundStatus, status: v.status });
      }
    });
  }

  get baseUrl(): string {
    return `chrome-extension://${this.extensionId}/`;
  }

  static async launch(
    extensionDir: string,
    manifest: Record<string, unknown>,
    userDataDir: string | undefined,
    proxy: RequestLogProxy | undefined,
    hostsAllowedInSettings: string[],
    colorScheme?: ColorScheme,
    locale?: string,
  ): Promise<ChromiumSession> {
    const args = [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      // This machine has no outside network: keep Chromium from trying.
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
      "--disable-quic",
    ];
    if (process.getuid?.() === 0) args.push("--no-sandbox");
    if (proxy) args.push(`--proxy-server=http://127.0.0.1:${proxy.port}`, "--proxy-bypass-list=<-loopback>");
    // The UI language the extension's catalog follows; `locale` sets navigator.language alike.
    if (locale) args.push(`--lang=${locale}`);
    const context = await chromium.launchPersistentContext(userDataDir ?? "", {
      executablePath: CHROMIUM_EXECUTABLE,
      headless: true,
      args,
      // Playwright emulates it in every page of the context, extension pages included.
      ...(colorScheme ? { colorScheme } : {}),
      ...(locale ? { locale } : {}),
    });
    try {
      const expectedId = chromiumExtensionIdFor(extensionDir, manifest);
      const isOurs = (w: PwWorker) => w.url().startsWith(`chrome-extension://${expectedId}/`);
      const hasWorker = manifestHasServiceWorker(manifest);
      let worker = context.serviceWorkers().find(isOurs);
      if (!worker && hasWorker) {
        // A fresh profile starts the worker on install (well under 1 s); a reused one may not
        // start it until an event arrives, so it is started below.
        worker = await context.waitForEvent("serviceworker", { predicate: isOurs, timeout: 5_000 }).catch(() => undefined);
      }
      const extensionId = expectedId;
      const browserCdp = await context.browser()?.newBrowserCDPSession();
      if (!browserCdp) throw new Error("Chromium: no browser-level CDP session");
      const helper = await openHelperTab(
        async (url) => {
          const page = await createChromiumTab(context, browserCdp, url, { background: true });
          return { value: page, landed: page.url() };
        },
        `chrome-extension://${extensionId}/manifest.json`,
        () => `The extension from ${extensionDir} did not load in Chromium (expected id ${extensionId}; service workers seen: ${JSON.stringify(context.serviceWorkers().map((w) => w.url()))})`,
      );
      const cdp = await context.newCDPSession(helper);
      const session = new ChromiumSession(context, extensionId, manifest, extensionDir, helper, cdp, browserCdp, proxy);
      await cdp.send("ServiceWorker.enable");
      if (hasWorker) {
        if (!worker) {
          await cdp.send("ServiceWorker.startWorker", { scopeURL: session.baseUrl });
          await context.waitForEvent("serviceworker", { predicate: isOurs, timeout: DEFAULT_TIMEOUT_MS });
        }
        // Stopping a worker that is still installing breaks it: wait until it is activated.
        await session.waitForWorker((v) => v.status === "activated" && v.runningStatus === "running", "the service worker to be activated");
      }
      if (hostsAllowedInSettings.length > 0) {
        const settingsTab = await createChromiumTab(context, browserCdp, `chrome://extensions/?id=${extensionId}`, { background: true });
        try {
          await allowHostsInChromiumSettings(settingsTab, extensionId, hostsAllowedInSettings);
        } finally {
          await settingsTab.close();
        }
      }
      return session;
    } catch (err) {
      await context.close().catch(() => undefined);
      throw err;
    }
  }

  private worker(): PwWorker | undefined {
    return this.context.serviceWorkers().find((w) => w.url().startsWith(this.baseUrl));
  }

  private currentVersion(): SwVersion | undefined {
    const all = [...this.versions.values()];
    return all.find((v) => v.status === "activated") ?? all[0];
  }

  private waitForWorker(pred: (v: SwVersion) => boolean, what: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<SwVersion> {
    return poll(what, timeoutMs, async () => {
      const v = this.currentVersion();
      if (v && pred(v)) return { done: true, value: v };
      return { done: false, detail: `Service worker: ${v ? `${v.runningStatus}/${v.status}` : "none registered"}.` };
    });
  }

  private async evaluateInExtension<T>(expression: string): Promise<T> {
    const worker = this.worker();
    if (worker && this.currentVersion()?.runningStatus === "running") {
      return (await worker.evaluate(expression)) as T;
    }
    return (await this.helper.evaluate(expression)) as T;
  }

  async openPage(path: string): Promise<ExtPage> {
    const url = /^[a-z][a-z0-9+.-]*:/i.test(path) ? path : new URL(path.replace(/^\//, ""), this.baseUrl).href;
    return new ChromiumPage(await createChromiumTab(this.context, this.browserCdp, url, { background: false }), this.baseUrl);
  }

  badge(): Promise<Badge> {
    return this.evaluateInExtension<Badge>(BADGE_EXPRESSION);
  }

  waitForBadge(pred: (b: Badge) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Badge> {
    return waitForBadge(this, pred, timeoutMs);
  }

  async evalInBackground<T>(fn: string): Promise<T> {
    if (this.currentVersion()?.runningStatus !== "running") await this.startWorker();
    const worker = this.worker();
    if (!worker) throw new Error("evalInBackground: the extension has no service worker");
    return (await worker.evaluate(userCodeExpression(fn))) as T;
  }

  storageGet(keys?: string | string[]): Promise<Record<string, unknown>> {
    return this.evaluateInExtension(storageGetExpression(keys));
  }

  async storageSet(items: Record<string, unknown>): Promise<void> {
    await this.evaluateInExtension(storageSetExpression(items));
  }

  async tabUrls(): Promise<string[]> {
    return this.context.pages().map((p) => p.url());
  }

  waitForTab(pred: (url: string) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    return waitForTab(this, pred, timeoutMs);
  }

  async readClipboard(page: ExtPage): Promise<string> {
    const url = page.url();
    const origin = url.startsWith("chrome-extension://") ? `chrome-extension://${new URL(url).host}` : new URL(url).origin;
    if (!this.clipboardGranted.has(origin)) {
      // Playwright's grantPermissions() rejects chrome-extension:// origins as opaque; CDP accepts
      // them. The grant lasts only while this CDP session stays attached, so it is kept.
      await this.browserCdp.send("Browser.grantPermissions", { permissions: ["clipboardReadWrite"], origin });
      this.clipboardGranted.add(origin);
    }
    return withTimeout(page.evaluate<string>("navigator.clipboard.readText()"), 5_000, "readClipboard: navigator.clipboard.readText() did not answer in 5 s");
  }

  privilegedEval(): Promise<unknown> {
    return Promise.reject(new Error("privilegedEval: Firefox only (Chromium has no chrome scope to reach)"));
  }

  async backgroundStatus(): Promise<BackgroundStatus> {
    return this.currentVersion()?.runningStatus ?? "stopped";
  }

  async stopBackground(): Promise<void> {
    const v = await this.waitForWorker((x) => x.status === "activated", "an activated service worker");
    if (v.runningStatus === "stopped") return;
    await this.cdp.send("ServiceWorker.stopWorker", { versionId: v.versionId });
    await this.waitForWorker((x) => x.runningStatus === "stopped", "the service worker to stop");
  }

  private async startWorker(): Promise<void> {
    await this.cdp.send("ServiceWorker.startWorker", { scopeURL: this.baseUrl });
    await this.waitForWorker((x) => x.runningStatus === "running" && x.status === "activated", "the service worker to start");
  }

  async restartBackground(): Promise<void> {
    await this.stopBackground();
    await this.startWorker();
  }

  requests(): RecordedRequest[] {
    return requestsOf(this.proxy);
  }

  clearRequests(): void {
    this.proxy?.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.context.close();
    } finally {
      await this.proxy?.close();
    }
  }
}

/**
 * Opens a tab directly on `url` (CDP Target.createTarget) rather than on about:blank first: a
 * blank tab can be taken over by an extension's runtime.openOptionsPage() while it loads.
 */
async function createChromiumTab(context: BrowserContext, browserCdp: CDPSession, url: string, opts: { background: boolean }): Promise<PwPage> {
  const before = new Set(context.pages());
  const { targetId } = await browserCdp.send("Target.createTarget", { url, background: opts.background });
  const checked = new Set<PwPage>();
  const page = await poll(`the new tab on ${url}`, DEFAULT_TIMEOUT_MS, async () => {
    for (const p of context.pages()) {
      if (before.has(p) || checked.has(p)) continue;
      checked.add(p);
      const s = await context.newCDPSession(p);
      try {
        const { targetInfo } = await s.send("Target.getTargetInfo");
        if (targetInfo.targetId === targetId) return { done: true, value: p };
      } finally {
        await s.detach().catch(() => undefined);
      }
    }
    return { done: false, detail: "Playwright has not reported the tab yet." };
  });
  await page.waitForLoadState("load");
  if (page.url().startsWith("chrome-error://")) {
    await page.close().catch(() => undefined);
    throw new Error(`Chromium could not load ${url} (it showed an error page)`);
  }
  return page;
}

/**
 * What a user does in chrome://extensions → Details → Site access: allows the extension on these
 * hosts. `page` must show chrome://extensions (its developerPrivate API is what that page uses).
 * For hosts the manifest lists as optional this grants nothing by itself: Chromium then grants the
 * extension's own permissions.request for them without showing its prompt.
 */
export async function allowHostsInChromiumSettings(page: PwPage, extensionId: string, hosts: string[]): Promise<void> {
  const failures = await page.evaluate(
    async ([id, patterns]) => {
      const dev = (globalThis as unknown as { chrome: { developerPrivate?: { addHostPermission(id: string, host: string): Promise<void> } } }).chrome.developerPrivate;
      if (!dev) return ["chrome.developerPrivate is missing: is this page chrome://extensions?"];
      const out: string[] = [];
      for (const host of patterns) await dev.addHostPermission(id, host).catch((e: Error) => out.push(`${host}: ${e.message}`));
      return out;
    },
    [extensionId, hosts] as const,
  );
  if (failures.length > 0) throw new Error(`Could not allow hosts for ${extensionId} in chrome://extensions: ${failures.join("; ")}`);
}

function manifestHasServiceWorker(manifest: Record<string, unknown>): boolean {
  return typeof (manifest.background as { service_worker?: unknown } | undefined)?.service_worker === "string";
}

// ---------------------------------------------------------------------------------------------
// Firefox (puppeteer-core over WebDriver BiDi)

/** The parts of puppeteer's internal BiDi objects the harness uses (page.mainFrame().browsingContext). */
interface BidiSessionLike {
  send(method: string, params: object): Promise<{ result: any }>;
}
interface BidiContextLike {
  readonly id: string;
  navigate(url: string, wait?: "none" | "interactive" | "complete"): Promise<void>;
  reload(options?: { wait?: "none" | "interactive" | "complete" }): Promise<void>;
  readonly userContext: { readonly browser: { readonly session: BidiSessionLike } };
}
function bidiContextOf(page: PpPage): BidiContextLike {
  const ctx = (page.mainFrame() as unknown as { browsingContext?: BidiContextLike }).browsingContext;
  if (!ctx) throw new Error("puppeteer page has no BiDi browsingContext (is Firefox running over WebDriver BiDi?)");
  return ctx;
}

class FirefoxPage extends BasePage implements ExtPage {
  readonly raw: { kind: "puppeteer"; page: PpPage };
  private readonly ctx: BidiContextLike;
  private lastUrl: string;
  constructor(private readonly page: PpPage, baseUrl: string, private readonly extensionDir: string) {
    super(baseUrl);
    this.raw = { kind: "puppeteer", page };
    this.ctx = bidiContextOf(page);
    this.lastUrl = page.url();
  }
  /** Puppeteer does not follow navigations to moz-extension:// pages, so ask the browser. */
  async refreshUrl(): Promise<string> {
    const { result } = await this.ctx.userContext.browser.session.send("browsingContext.getTree", { root: this.ctx.id, maxDepth: 0 });
    this.lastUrl = (result.contexts[0]?.url as string | undefined) ?? this.lastUrl;
    return this.lastUrl;
  }
  url(): string {
    return this.lastUrl;
  }
  async goto(urlOrExtensionPath: string): Promise<void> {
    const url = this.resolveUrl(urlOrExtensionPath);
    if (url.startsWith(this.baseUrl)) {
      // Firefox shows an empty page, not an error, for a missing extension file: fail like Chromium does.
      const file = decodeURIComponent(new URL(url).pathname).replace(/^\//, "");
      if (file && !existsSync(join(this.extensionDir, file))) throw new Error(`Firefox could not load ${url}: the extension has no file ${file}`);
    }
    // page.goto() never sees moz-extension:// pages finish loading; the raw BiDi command does.
    await this.ctx.navigate(url, "complete");
    await this.refreshUrl();
  }
  async reload(): Promise<void> {
    await this.ctx.reload({ wait: "complete" });
    await this.refreshUrl();
  }
  async evaluate<T>(fn: string | (() => T | Promise<T>)): Promise<T> {
    const result = typeof fn === "string" ? await this.page.evaluate(userCodeExpression(fn)) : await this.page.evaluate(fn);
    void this.refreshUrl().catch(() => undefined);
    return result as T;
  }
  private async pick(what: string, arg: PickArg, timeoutMs: number): Promise<PpElementHandle> {
    return pickElement(what, arg, async (expression) => {
      const handle: PpJSHandle = await this.page.evaluateHandle(expression);
      const el = handle.asElement();
      return { handle: el as PpElementHandle | null, info: () => handle.jsonValue() };
    }, timeoutMs);
  }
  protected async clickPicked(what: string, arg: PickArg, timeoutMs: number): Promise<void> {
    const el = await this.pick(what, arg, timeoutMs);
    try {
      await el.click();
    } finally {
      await el.dispose();
    }
    await this.refreshUrl().catch(() => undefined);
  }
  protected async fillPicked(what: string, arg: PickArg, value: string, timeoutMs: number): Promise<void> {
    const el = await this.pick(what, arg, timeoutMs);
    try {
      // Clear with real keys (select all, Backspace), then type: `input` events fire as for a user.
      await el.focus();
      await el.evaluate(selectAllFn);
      await this.page.keyboard.press("Backspace");
      if (value) await el.type(value);
      const now = await el.evaluate(valueFn);
      if (now !== value) throw new Error(`${what}: typed ${JSON.stringify(value)} but the field holds ${JSON.stringify(now)}`);
    } finally {
      await el.dispose();
    }
  }
  async screenshot(path: string, clip?: { width: number; height: number }): Promise<void> {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    await this.page.screenshot(clip ? { path: path as `${string}.png`, clip: { x: 0, y: 0, ...clip } } : { path: path as `${string}.png` });
  }
  async close(): Promise<void> {
    if (!this.page.isClosed()) await this.page.close();
  }
}

// Built with new Function so their source is sent to the page exactly as written (see in-page.ts).
const selectAllFn = new Function("el", "if (typeof el.select === 'function') el.select();") as (el: Element) => void;
const valueFn = new Function("el", "return el.value;") as (el: Element) => string;

class FirefoxSession implements ExtensionSession {
  readonly browser = "firefox" as const;
  readonly popupPath: string;
  readonly optionsPath: string;
  readonly raw: { kind: "puppeteer"; browser: PpBrowser };
  private closed = false;

  private constructor(
    private readonly pp: PpBrowser,
    readonly extensionId: string,
    private readonly geckoId: string,
    readonly manifest: Record<string, unknown>,
    readonly extensionDir: string,
    private readonly helper: FirefoxPage,
    private readonly session: BidiSessionLike,
    private readonly proxy: RequestLogProxy | undefined,
  ) {
    ({ popupPath: this.popupPath, optionsPath: this.optionsPath } = manifestPages(manifest));
    this.raw = { kind: "puppeteer", browser: pp };
  }

  get baseUrl(): string {
    return `moz-extension://${this.extensionId}/`;
  }

  static async launch(
    extensionDir: string,
    manifest: Record<string, unknown>,
    userDataDir: string | undefined,
    proxy: RequestLogProxy | undefined,
    colorScheme?: ColorScheme,
    locale?: string,
  ): Promise<FirefoxSession> {
    const geckoId = geckoIdOf(manifest);
    const uuid = firefoxUuidFor(geckoId);
    const prefs: Record<string, unknown> = {
      // Pins moz-extension://UUID/, so pages and storage have the same origin at every launch.
      "extensions.webextensions.uuids": JSON.stringify({ [geckoId]: uuid }),
      // Remote settings would otherwise poll Mozilla's servers (there is no outside network here).
      "services.settings.server": "data:,#remote-settings-dummy/v1",
      // permissions.request() resolves as if the user clicked "Allow", so a test can press the
      // extension's own "Grant access" button (there is no way to click Firefox's doorhanger).
      "extensions.webextOptionalPermissionPrompts": false,
    };
    // Puppeteer's emulateMediaFeatures is CDP-only; over BiDi the content pref does it (0 dark, 1 light).
    if (colorScheme) prefs["layout.css.prefers-color-scheme.content-override"] = colorScheme === "dark" ? 0 : 1;
    // The UI language (with its language pack installed): the extension's catalog follows it.
    if (locale) prefs["intl.locale.requested"] = locale;
    if (proxy) {
      Object.assign(prefs, {
        "network.proxy.type": 1,
        "network.proxy.http": "127.0.0.1",
        "network.proxy.http_port": proxy.port,
        "network.proxy.ssl": "127.0.0.1",
        "network.proxy.ssl_port": proxy.port,
        "network.proxy.share_proxy_settings": true,
        "network.proxy.no_proxies_on": "",
        "network.proxy.allow_hijacking_localhost": true,
      });
    }
    const pp = await puppeteer.launch({
      browser: "firefox",
      executablePath: FIREFOX_EXECUTABLE,
      headless: true,
      // Without it, navigating to moz-extension:// is refused; it also gives the chrome scope
      // used for stopBackground/restartBackground.
      args: ["--remote-allow-system-access"],
      extraPrefsFirefox: prefs,
      // Lets services.settings.server (above) take effect in a release build.
      env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: "1" },
      ...(userDataDir ? { userDataDir } : {}),
    });
    try {
      // A temporary add-on: its host permissions are granted; it is removed when Firefox exits.
      const installedId = await pp.installExtension(extensionDir);
      if (installedId !== geckoId) throw new Error(`Firefox installed the extension as ${installedId}, expected ${geckoId}`);
      const baseUrl = `moz-extension://${uuid}/`;
      const helper = await openHelperTab(
        async (url) => {
          const page = new FirefoxPage(await pp.newPage({ background: true }), baseUrl, extensionDir);
          await page.goto(url);
          return { value: page, landed: page.url() };
        },
        `${baseUrl}manifest.json`,
        () => `The extension from ${extensionDir} did not load in Firefox (UUID ${uuid})`,
      );
      const session = new FirefoxSession(pp, uuid, geckoId, manifest, extensionDir, helper, bidiContextOf(helper.raw.page).userContext.browser.session, proxy);
      // Let the background script finish starting (onInstalled etc.) before the test begins.
      await session.chromeEval(`(async () => { const e = ${session.extensionRef()}; if (e.promiseBackgroundStarted) await e.promiseBackgroundStarted(); return e.backgroundState; })()`);
      return session;
    } catch (err) {
      await pp.close().catch(() => undefined);
      throw err;
    }
  }

  /** Runs privileged code in Firefox's browser window (WebDriver BiDi "moz:scope": "chrome"). Returns a string or number. */
  private async chromeEval(expression: string): Promise<unknown> {
    const { result: tree } = await this.session.send("browsingContext.getTree", { maxDepth: 0, "moz:scope": "chrome" });
    const context = tree.contexts[0]?.context as string | undefined;
    if (!context) throw new Error("Firefox: no chrome-scope browsing context (is --remote-allow-system-access set?)");
    const { result } = await this.session.send("script.evaluate", {
      expression,
      target: { context },
      awaitPromise: true,
      resultOwnership: "none",
    });
    if (result.type === "exception") throw new Error(`Firefox chrome-scope script failed: ${result.exceptionDetails?.text ?? JSON.stringify(result)}`);
    return result.result?.value;
  }

  private extensionRef(): string {
    return `ChromeUtils.importESModule("resource://gre/modules/ExtensionParent.sys.mjs").ExtensionParent.GlobalManager.getExtension(${JSON.stringify(this.geckoId)})`;
  }

  async openPage(path: string): Promise<ExtPage> {
    const page = new FirefoxPage(await this.pp.newPage(), this.baseUrl, this.extensionDir);
    try {
      await page.goto(path);
    } catch (err) {
      await page.close().catch(() => undefined);
      throw err;
    }
    return page;
  }

  badge(): Promise<Badge> {
    return this.helper.evaluate<Badge>(BADGE_EXPRESSION);
  }

  waitForBadge(pred: (b: Badge) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Badge> {
    return waitForBadge(this, pred, timeoutMs);
  }

  /** Runs in the helper extension page, not in the background page (see the file comment). */
  evalInBackground<T>(fn: string): Promise<T> {
    return this.helper.evaluate<T>(fn);
  }

  storageGet(keys?: string | string[]): Promise<Record<string, unknown>> {
    return this.helper.evaluate(storageGetExpression(keys));
  }

  async storageSet(items: Record<string, unknown>): Promise<void> {
    await this.helper.evaluate(storageSetExpression(items));
  }

  async tabUrls(): Promise<string[]> {
    const { result } = await this.session.send("browsingContext.getTree", { maxDepth: 0 });
    return (result.contexts as Array<{ url: string }>).map((c) => c.url);
  }

  waitForTab(pred: (url: string) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<string> {
    return waitForTab(this, pred, timeoutMs);
  }

  async readClipboard(page: ExtPage): Promise<string> {
    // Works in extension pages without extra prefs or permissions (checked on Firefox ESR 153).
    return withTimeout(
      page.evaluate<string>("navigator.clipboard.readText()"),
      5_000,
      "readClipboard: navigator.clipboard.readText() did not answer in 5 s (Firefox may be showing its paste prompt: read from an extension page)",
    );
  }

  privilegedEval(expression: string): Promise<unknown> {
    return this.chromeEval(expression);
  }

  async backgroundStatus(): Promise<BackgroundStatus> {
    return (await this.chromeEval(`${this.extensionRef()}.backgroundState`)) as BackgroundStatus;
  }

  async stopBackground(): Promise<void> {
    const state = await this.chromeEval(
      `(async () => { const e = ${this.extensionRef()}; if (e.backgroundState !== "stopped") await e.terminateBackground({ ignoreDevToolsAttached: true, disableResetIdleForTest: true }); return e.backgroundState; })()`,
    );
    if (state !== "stopped") {
      await poll("the Firefox background to stop", DEFAULT_TIMEOUT_MS, async () => {
        const s = await this.backgroundStatus();
        return s === "stopped" ? { done: true, value: s } : { done: false, detail: `State: ${s}.` };
      });
    }
  }

  async restartBackground(): Promise<void> {
    await this.stopBackground();
    await this.chromeEval(`(async () => { const e = ${this.extensionRef()}; await e.wakeupBackground(); return e.backgroundState; })()`);
    await poll("the Firefox background to run", DEFAULT_TIMEOUT_MS, async () => {
      const s = await this.backgroundStatus();
      return s === "running" ? { done: true, value: s } : { done: false, detail: `State: ${s}.` };
    });
  }

  requests(): RecordedRequest[] {
    return requestsOf(this.proxy);
  }

  clearRequests(): void {
    this.proxy?.clear();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.pp.close();
    } finally {
      await this.proxy?.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Shared session helpers

function requestsOf(proxy: RequestLogProxy | undefined): RecordedRequest[] {
  if (!proxy) throw new Error("requests(): the request log is off; launch with recordRequests: true (the default)");
  return proxy.requests();
}

async function waitForBadge(session: ExtensionSession, pred: (b: Badge) => boolean, timeoutMs: number): Promise<Badge> {
  return poll("the badge", timeoutMs, async () => {
    const b = await session.badge();
    return pred(b) ? { done: true, value: b } : { done: false, detail: `Last badge: ${JSON.stringify(b)}` };
  });
}

async function waitForTab(session: ExtensionSession, pred: (url: string) => boolean, timeoutMs: number): Promise<string> {
  return poll("a tab", timeoutMs, async () => {
    const urls = await session.tabUrls();
    const hit = urls.find(pred);
    return hit !== undefined ? { done: true, value: hit } : { done: false, detail: `Open tabs: ${JSON.stringify(urls)}` };
  });
}
