import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt, type Fault } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type Badge, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { configureThroughOptions, fireCheckAlarm, letBackoffExpire } from "./support/setup.ts";
import { patchStoredHeader, storedStatus } from "./support/stored.ts";

// Each failure is injected through the fake server; the extension must name it, keep the last
// good data and the settings, and recover once the fault clears.

const KEY = "tk_demo_key";
const IDS = "acme-corp globex initech";
const APPLICATIONS = "/api/v2/public/application";
let fake: FakeCobalt;
let ext: ExtensionSession;
let settingsBefore: unknown;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension();
  await configureThroughOptions(ext, fake, { key: KEY, ids: IDS, expect: "3 apps need re-authentication" });
  await ext.waitForBadge((b) => b.text === "3");
  settingsBefore = (await ext.storageGet("settings")).settings;
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

afterEach(async () => {
  fake.clearFaults();
  // Every test must leave the settings exactly as the user saved them.
  expect((await ext.storageGet("settings")).settings).toEqual(settingsBefore);
});

async function refreshInPopup(): Promise<ExtPage> {
  const popup = await ext.openPage(ext.popupPath);
  await popup.waitForText("Hubspot");
  await popup.clickByRole("button", "Refresh");
  return popup;
}

async function refreshButton(popup: ExtPage): Promise<{ text: string; disabled: boolean }> {
  return popup.evaluate(() => {
    const button = document.querySelector<HTMLButtonElement>("header button")!;
    return { text: button.textContent ?? "", disabled: button.disabled };
  });
}

async function expectLastGoodDataListed(popup: ExtPage): Promise<void> {
  await popup.waitForText("Showing the last good data");
  expect(await popup.count("li.app")).toBe(3);
  for (const name of ["Hubspot", "Copper", "Salesforce"]) expect(await popup.text()).toContain(name);
}

async function expectRecovered(timeoutMs = 20_000): Promise<Badge> {
  const badge = await ext.waitForBadge((b) => b.text === "3" && !/could not|failing|limiting|rejected|refused|unexpected|in time|reach/i.test(b.title), timeoutMs);
  expect(badge.title).toContain("3 apps need re-authentication across 2 linked accounts");
  return badge;
}

interface TransientCase {
  name: string;
  fault: Fault;
  banner: string | RegExp;
  detail: string | RegExp;
  title: RegExp;
}

const transient: TransientCase[] = [
  { name: "a 500 with Cobalt's JSON error", fault: { kind: "status", status: 500 }, banner: "Cobalt's server is failing", detail: /HTTP 500/, title: /server is failing/ },
  {
    name: "an HTML 502 page from a proxy",
    fault: { kind: "status", status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>" },
    banner: "Cobalt's server is failing",
    detail: "the answer was not Cobalt's JSON",
    title: /server is failing/,
  },
  { name: "a body that is not the documented shape", fault: { kind: "body", body: JSON.stringify({ apps: [] }) }, banner: "unexpected shape", detail: "was not a list", title: /unexpected shape/ },
  { name: "a body that is not JSON at all", fault: { kind: "body", body: "<!doctype html><p>maintenance</p>", contentType: "text/html" }, banner: "unexpected shape", detail: "not JSON", title: /unexpected shape/ },
  { name: "offline or DNS failure (connection reset)", fault: { kind: "reset" }, banner: "Cannot reach Cobalt", detail: "Could not reach the Cobalt API", title: /Cannot reach Cobalt/ },
  {
    // Not "offline": the browser stops at the redirect (the key never follows it) and says so.
    name: "a redirect to another origin",
    fault: { kind: "status", status: 302, body: "", headers: { location: "https://login.example.invalid/wifi?next=api" } },
    banner: "The API base URL redirects elsewhere",
    detail: "answered with a redirect",
    title: /redirects elsewhere/,
  },
];

describe(`failures in ${browserUnderTest()}`, () => {
  for (const c of transient) {
    it(`${c.name}: named, last good data kept, retried with backoff, recovered`, async () => {
      fake.fault({ path: APPLICATIONS }, c.fault);
      const popup = await refreshInPopup();
      await popup.waitForText(c.banner);
      await popup.waitForText(c.detail);
      await popup.waitForText(/Next try at/);
      await expectLastGoodDataListed(popup);
      const badge = await ext.waitForBadge((b) => c.title.test(b.title));
      // The count is still shown, greyed, and the title gives it with its age.
      expect(badge.text).toBe("3");
      expect(badge.title).toMatch(/Last known: 3 apps need re-authentication/);
      const status = await storedStatus(ext);
      expect(status.backoff?.failures).toBe(1);
      expect(status.backoff!.notBefore - Date.now()).toBeGreaterThan(15_000);
      // The redirect's target was never asked (the browser's own traffic aside, nothing goes elsewhere).
      expect(ext.requests().filter((r) => r.url.includes("example.invalid"))).toEqual([]);
      fake.clearFaults();
      await letBackoffExpire(ext);
      await expectRecovered();
      await popup.waitForNoText("Showing the last good data");
      await popup.close();
    });
  }

  it("retries by itself after a server error, without any click", async () => {
    fake.fault({ path: APPLICATIONS }, { kind: "status", status: 503 }, 3);
    const popup = await refreshInPopup();
    await popup.waitForText("Cobalt's server is failing");
    await popup.close();
    // The first retry comes 30 s ±20 % later, from the retry alarm alone.
    await expectRecovered(50_000);
  }, 90_000);

  it("no answer within 20 seconds is a timeout, named as such", async () => {
    fake.fault({ path: APPLICATIONS }, { kind: "hang" });
    const popup = await refreshInPopup();
    await popup.waitForText("Cobalt did not answer in time", { timeoutMs: 40_000 });
    await popup.waitForText("did not answer within 20 seconds");
    await expectLastGoodDataListed(popup);
    expect((await ext.badge()).title).toContain("did not answer in time");
    fake.clearFaults();
    await letBackoffExpire(ext);
    await expectRecovered();
    await popup.close();
  }, 90_000);

  it("rate limited (429 with Retry-After): waits as long as asked, keeps data, then resumes", async () => {
    fake.fault({ path: APPLICATIONS }, { kind: "status", status: 429, headers: { "retry-after": "300" } });
    const popup = await refreshInPopup();
    await popup.waitForText("Cobalt is rate limiting");
    await expectLastGoodDataListed(popup);
    const status = await storedStatus(ext);
    const wait = status.backoff!.notBefore - Date.now();
    expect(wait).toBeGreaterThan(290_000);
    expect(wait).toBeLessThanOrEqual(300_000);
    const badge = await ext.waitForBadge((b) => /rate limiting/.test(b.title));
    expect(badge.text).toBe("3");
    // While Cobalt asked us to wait, Refresh says until when instead of silently doing nothing.
    await popup.waitForText(/Refresh at \d{1,2}:\d{2}/);
    expect(await refreshButton(popup)).toEqual({ text: expect.stringMatching(/^Refresh at \d{1,2}:\d{2}/), disabled: true });
    // The schedule's tick is handled (proved by its stored decision) and asks nothing.
    const before = fake.requests.length;
    expect(await fireCheckAlarm(ext)).toMatchObject({ run: false, reason: "rate limited" });
    expect(fake.requests.slice(before).filter((r) => r.path === APPLICATIONS)).toEqual([]);
    fake.clearFaults();
    await letBackoffExpire(ext);
    await expectRecovered();
    await popup.close();
  });

  // After a minute of 429s without Retry-After the backoff had grown to the
  // check interval, and Refresh stayed refused for 267 s after the limit was gone.
  it("rate limited without Retry-After: the extension's own backoff holds Refresh back for 30 s at most", async () => {
    fake.fault({ path: APPLICATIONS }, { kind: "status", status: 429 });
    const popup = await refreshInPopup();
    await popup.waitForText("Cobalt is rate limiting", { timeoutMs: 20_000 });
    fake.clearFaults();
    const throttled = await storedStatus(ext);
    expect(throttled.error?.kind).toBe("rate-limited");
    expect(throttled.backoff?.retryAfterUntil).toBeUndefined();
    // As after several such checks: a backoff grown to 267 s, the last throttling answer 31 s ago.
    const now = Date.now();
    await patchStoredHeader(ext, { backoff: { failures: 5, notBefore: now + 267_000, throttledAt: now - 31_000 } });
    expect((await storedStatus(ext)).backoff?.notBefore).toBe(now + 267_000);
    await popup.waitForText("Next try at");
    // The popup re-renders from storage: wait for that, then the button must be the plain, enabled
    // Refresh (with the old rule it stays "Refresh at …", disabled, for the 267 s).
    await popup.waitForText(/^Refresh$/, { selector: "header button" });
    expect(await refreshButton(popup)).toEqual({ text: "Refresh", disabled: false });
    await popup.clickByRole("button", "Refresh");
    await expectRecovered();
    await popup.close();
  });

  it("a 403 that speaks of a rate limit is rate limiting, not a refused key", async () => {
    fake.fault({ path: APPLICATIONS }, { kind: "status", status: 403, body: { status_code: 403, http_error_type: "FORBIDDEN", error: "SERVER_ERROR", message: "Rate Limit Hit" } });
    const popup = await refreshInPopup();
    // Without Retry-After the check retries after 2 s and 4 s before it gives up and backs off.
    await popup.waitForText("Cobalt is rate limiting", { timeoutMs: 20_000 });
    await popup.waitForText("Rate Limit Hit");
    expect(await popup.text()).not.toContain("Access refused");
    fake.clearFaults();
    await letBackoffExpire(ext);
    await expectRecovered();
    await popup.close();
  });

  it("a plain 403 is access refused: it waits for the user, and a Refresh recovers", async () => {
    fake.fault({ path: APPLICATIONS }, { kind: "status", status: 403, body: { status_code: 403, http_error_type: "FORBIDDEN", error: "SERVER_ERROR", message: "Role lacks access to applications" } });
    const popup = await refreshInPopup();
    await popup.waitForText("Access refused for this API key");
    await popup.waitForText("Role lacks access to applications");
    await expectLastGoodDataListed(popup);
    const badge = await ext.waitForBadge((b) => b.text === "DENY");
    expect(badge.title).toContain("Access refused");
    // The schedule does not hammer a refused key: its tick is handled (proved by its stored
    // decision) and asks nothing.
    const before = fake.requests.length;
    expect(await fireCheckAlarm(ext)).toMatchObject({ run: false, reason: "waiting for the user" });
    expect(fake.requests.slice(before).filter((r) => r.path === APPLICATIONS)).toEqual([]);
    fake.clearFaults();
    await popup.clickByRole("button", "Refresh");
    await expectRecovered();
    await popup.close();
  });

  it("one linked account not found (404) is marked on that account; the others still count", async () => {
    fake.fault({ path: APPLICATIONS, linkedAccountId: "globex" }, {
      kind: "status",
      status: 404,
      body: { status_code: 404, http_error_type: "NOT_FOUND", error: "SERVER_ERROR", message: `Linked Account with account id globex for org ${fake.orgId} in environment test not found` },
    });
    const popup = await refreshInPopup();
    await popup.waitForText('Cobalt has no linked account "globex"');
    const group = await popup.text('section.group[aria-label="globex"]');
    expect(group).toContain("Could not check this linked account");
    expect(group).toContain("Salesforce");
    expect(await popup.text('section.group[aria-label="acme-corp"]')).not.toContain("Could not check");
    const badge = await ext.waitForBadge((b) => /could not be checked/.test(b.title));
    expect(badge.text).toBe("3");
    expect(badge.title).toContain("1 linked account could not be checked");
    fake.clearFaults();
    await popup.clickByRole("button", "Refresh");
    await expectRecovered();
    await popup.waitForNoText("Could not check this linked account");
    await popup.close();
  });
});
