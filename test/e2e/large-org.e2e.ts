import { afterAll, describe, expect, it } from "vitest";
import { startFakeCobalt, v3App, type FakeCobalt, type RecordedRequest } from "../fake-cobalt/server.ts";
import { PAGE_SIZE, planFullChecks } from "../../src/core/check/plan.ts";
import { newSource } from "../../src/core/settings/model.ts";
import { serializeSettings } from "../../src/core/settings/parse.ts";
import { decodeResults } from "../../src/core/store/codec.ts";
import type { Badge } from "./support/browsers.ts";
import { browserUnderTest, launchExtension, type ExtensionSession } from "./support/browsers.ts";
import { DetachedChromium } from "./support/detached-chromium.ts";
import { BADGE_EXPRESSION } from "./support/in-page.ts";
import { ALARM_NOW, inExtensionPage } from "./support/setup.ts";

// A large org's check takes minutes. The browser may stop the background in the middle of it
// (Chrome stops a service worker that made no extension call for 30 s): the check keeps its work
// as it goes, carries on from there when stopped, and keeps the worker busy while it runs.

const KEY = "tk_large_org_key";
const LISTING = "/api/v2/public/linked-account";
const APPLICATIONS = "/api/v2/public/application";
const BROKEN_EVERY = 800;

let fake: FakeCobalt | undefined;
let ext: ExtensionSession | undefined;
let detached: DetachedChromium | undefined;

afterAll(async () => {
  await ext?.close();
  await detached?.close();
  await fake?.close();
});

/** An org of healthy accounts with three apps each; every 800th has Slack to re-authorize. */
function seedLargeOrg(server: FakeCobalt, accounts: number): string[] {
  server.clearAccounts();
  const ids: string[] = [];
  for (let i = 0; i < accounts; i++) {
    const id = `acct-${String(i).padStart(5, "0")}`;
    ids.push(id);
    server.setAccount({
      account_id: id,
      name: `Customer ${i}`,
      apps: [v3App("slack", { status: "active", reauthRequired: i % BROKEN_EVERY === 7 }), v3App("hubspot", { status: "active" }), v3App("google_drive", { status: "active" })],
    });
  }
  return ids;
}

/** The accounts a first check of the org asks for in full: those the listing flags, and the first twelfth. */
function fullChecks(ids: string[]): Set<string> {
  const flagged = new Set(ids.filter((_, i) => i % BROKEN_EVERY === 7));
  return planFullChecks({ ids, flagged, cursor: 0 }).full;
}

const listingPages = (requests: readonly RecordedRequest[]) => requests.filter((r) => r.path === LISTING && r.query.limit === String(PAGE_SIZE)).map((r) => Number(r.query.page));
const accountsAsked = (requests: readonly RecordedRequest[]) => requests.filter((r) => r.path === APPLICATIONS).map((r) => r.linkedAccountId);

function repeated<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  return values.filter((value) => seen.has(value) || !seen.add(value));
}

describe(`a large org's check in ${browserUnderTest()}`, () => {
  it("stopped in the middle of its listing, carries on from the last page kept, asking no page again", async () => {
    fake = await startFakeCobalt({ flavor: "v3" });
    fake.addKey(KEY, "test");
    const ids = seedLargeOrg(fake, 2_000);
    ext = await launchExtension();
    // The eighth page is held: the background is stopped while it waits for it.
    let release!: () => void;
    fake.fault({ path: LISTING, query: { page: "8", limit: String(PAGE_SIZE) } }, { kind: "hold", until: new Promise<void>((done) => (release = done)) }, 1);
    const options = await ext.openPage(ext.optionsPath);
    await options.fillLabelled("API key", KEY);
    await options.fillLabelled("API base URL", fake.origin);
    await options.fillLabelled("Linked account IDs", "");
    await options.fillLabelled("Requests per minute", "1200");
    await options.clickByRole("button", "Save");
    await waitUntil("the eighth page to be asked for", () => listingPages(fake!.requests).includes(8));
    await options.close();
    await ext.stopBackground();
    release();

    // Any event wakes the background (here its schedule's alarm): the check carries on.
    await inExtensionPage(ext, ALARM_NOW);
    const badge = await ext.waitForBadge((b) => b.text === "3", 60_000);
    expect(badge.title).toContain("3 apps need re-authentication");
    // Pages 1 to 7 were kept; page 8's answer went to the stopped background and is asked again.
    expect(listingPages(fake.requests)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(accountsAsked(fake.requests).sort()).toEqual([...fullChecks(ids)].sort());
    await ext.close();
    ext = undefined;
    await fake.close();
    fake = undefined;
  }, 120_000);

  if (browserUnderTest() === "chromium") {
    // 8,000 accounts at the default 120 requests a minute: 80 listing pages (about 40 s of
    // fetches alone) and 677 accounts in full, about six minutes. Chromium left alone used to stop
    // the worker during the listing, and every alarm started the listing over.
    it(
      "of 8,000 linked accounts at 120 requests a minute ends, with nothing attached to the worker and no page open",
      async () => {
        fake = await startFakeCobalt({ flavor: "v3", rateLimit: { requests: 150, windowMs: 60_000 } });
        fake.addKey(KEY, "test");
        const ids = seedLargeOrg(fake, 8_000);
        const expected = fullChecks(ids);
        detached = await DetachedChromium.start();

        const setup = await detached.attach();
        await detached.allowHosts(setup, ["http://127.0.0.1/*"]);
        const page = await setup.page("manifest.json");
        const settings = serializeSettings({ sources: [newSource("main", { apiKey: KEY, baseUrl: fake.origin, linkedAccountIds: [], requestsPerMinute: 120, intervalMinutes: 5 })] });
        const granted = await page.evaluate(async (stored) => {
          const api = (globalThis as unknown as { chrome: ChromeApi }).chrome;
          const ok = await api.permissions.request({ origins: ["http://127.0.0.1/*"] });
          await api.storage.local.set({ settings: stored });
          // The background sets the source's alarm (in 5 minutes); then it is moved to a few
          // seconds from now, so the check starts once nothing is attached.
          while (!(await api.alarms.get("check.main"))) await new Promise((done) => setTimeout(done, 50));
          await api.alarms.create("check.main", { when: Date.now() + 3_000, periodInMinutes: 5 });
          return ok;
        }, settings);
        expect(granted).toBe(true);
        await setup.closeExtensionPages();
        await setup.detach();

        // Watched from outside only: the fake server's log.
        await waitUntil(
          `the check to ask for the ${expected.size} accounts it checks in full`,
          () => {
            const again = repeated(listingPages(fake!.requests));
            if (again.length > 0) throw new Error(`The listing started over (page ${again[0]} was asked for twice): the worker was stopped in the middle of the check.`);
            return new Set(accountsAsked(fake!.requests)).size >= expected.size;
          },
          14 * 60_000,
          1_000,
        );

        const look = await detached.attach();
        const reader = await look.page("manifest.json");
        const badge = await waitFor("the badge to count the 10 apps", 60_000, async () => {
          const shown = (await reader.evaluate(BADGE_EXPRESSION)) as Badge;
          return shown.text === "10" ? shown : undefined;
        });
        expect(badge.title).toContain("10 apps need re-authentication across 10 linked accounts");
        const stored = (await reader.evaluate("chrome.storage.local.get(null)")) as Record<string, unknown>;
        const { status } = decodeResults(stored);
        expect(status.error).toBeUndefined();
        expect(status.accountsTotal).toBe(8_000);
        expect(status.accounts).toHaveLength(8_000);
        expect(status.checkedAt).toBeGreaterThan(0);
        // Each page and each account asked once; never past Cobalt's limit.
        expect(listingPages(fake.requests)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
        expect(accountsAsked(fake.requests).sort()).toEqual([...expected].sort());
        expect(fake.throttled).toEqual([]);
        await look.detach();
      },
      16 * 60_000,
    );
  }
});

/** The few extension APIs the set-up calls in its page. */
interface ChromeApi {
  permissions: { request(permissions: { origins: string[] }): Promise<boolean> };
  storage: { local: { set(items: Record<string, unknown>): Promise<void> } };
  alarms: { get(name: string): Promise<unknown>; create(name: string, info: { when: number; periodInMinutes: number }): Promise<void> };
}

async function waitUntil(what: string, done: () => boolean, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  await waitFor(what, timeoutMs, async () => (done() ? true : undefined), everyMs);
}

async function waitFor<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
