import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, startRecordingServer, type FakeCobalt, type RecordingServer, type RedirectStatus } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type Badge, type ExtPage, type ExtensionSession } from "./support/browsers.ts";
import { ALARM_NOW, configureThroughOptions, letBackoffExpire } from "./support/setup.ts";

// Every request of a full journey is recorded, at the server for both of its origins (the API
// origin and the origin that serves icons, consent pages and the hosted portal): the key must
// reach the API origin only.

const KEY = "tk_demo_key";
let fake: FakeCobalt;
let ext: ExtensionSession;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension();
  fake.clearRequests();
  ext.clearRequests();
  // The whole journey: options with the live key check, Save, popup with icons, healthy list,
  // Reconnect (OAuth and portal), Copy, Refresh.
  await configureThroughOptions(ext, fake, { key: KEY, ids: "acme-corp globex initech", expect: "3 apps need re-authentication" });
  const popup = await ext.openPage(ext.popupPath);
  await popup.waitForText("Copper");
  await popup.click("details.healthy summary");
  await popup.waitForText("Twilio");
  let opened = ext.waitForTab((url) => url.includes("/oauth/authorize/hubspot"));
  await popup.clickByRole("button", "Reconnect Hubspot");
  await opened;
  const again = await ext.openPage(ext.popupPath);
  await again.waitForText("Copper");
  opened = ext.waitForTab((url) => url.includes("/connect/"));
  await again.clickByRole("button", "Reconnect Copper");
  await opened;
  const third = await ext.openPage(ext.popupPath);
  await third.waitForText("Salesforce");
  await third.clickByRole("button", "Copy link to reconnect Salesforce");
  await third.waitForText(/Copied|select the link/);
  await third.clickByRole("button", "Refresh");
  await third.waitForText(/Last checked/);
  // Let the icons and opened pages finish loading.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

describe(`where the key goes, in ${browserUnderTest()}`, () => {
  it("recorded requests to both origins", () => {
    const origins = new Set(fake.requests.map((r) => r.origin));
    expect(origins).toEqual(new Set([fake.origin, fake.altOrigin]));
    // The fake server's icons are plain http on this computer, which is allowed (nothing crosses a network).
    expect(fake.requests.filter((r) => r.path.startsWith("/logos/")).length).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => r.path.startsWith("/oauth/authorize/")).length).toBeGreaterThan(0);
    expect(fake.requests.filter((r) => r.path.startsWith("/connect/")).length).toBeGreaterThan(0);
  });

  it("sent the key to the API origin, and only there", () => {
    const withKey = fake.requests.filter((r) => JSON.stringify(r).includes(KEY));
    expect(withKey.length).toBeGreaterThan(0);
    for (const request of withKey) {
      expect(request.origin, `${request.method} ${request.path}`).toBe(fake.origin);
      expect(request.path.startsWith("/api/v2/public/"), request.path).toBe(true);
      // Only ever as the x-api-key header: never in a URL, never in a body.
      expect(request.headers["x-api-key"]).toBe(KEY);
      expect(JSON.stringify(request.query)).not.toContain(KEY);
      expect(request.body).not.toContain(KEY);
    }
  });

  it("never sent the key with the hosted-portal call, which takes the session token instead", () => {
    const connect = fake.requests.filter((r) => r.path === "/api/v2/public/connect-url");
    expect(connect.length).toBeGreaterThan(0);
    for (const request of connect) expect(JSON.stringify(request)).not.toContain(KEY);
  });

  it("sent no cookies with the key, and no referrer with icons", () => {
    for (const request of fake.requests.filter((r) => r.headers["x-api-key"] !== undefined)) {
      expect(request.headers.cookie).toBeUndefined();
    }
    for (const request of fake.requests.filter((r) => r.path.startsWith("/logos/"))) {
      expect(request.headers.referer).toBeUndefined();
    }
  });

  it("in the browser's own log of every request it made, the key went to the API origin only", () => {
    // The harness puts a recording proxy in front of the browser: pages, opened tabs and the
    // background all go through it, including requests to hosts the server never sees.
    const all = ext.requests();
    expect(all.some((r) => r.url.startsWith(`${fake.altOrigin}/`))).toBe(true);
    const carrying = all.filter((r) => JSON.stringify(r).includes(KEY));
    expect(carrying.length).toBeGreaterThan(0);
    for (const request of carrying) {
      expect(new URL(request.url).origin, request.url).toBe(fake.origin);
      expect(request.headers["x-api-key"]).toBe(KEY);
      expect(request.url).not.toContain(KEY);
    }
  });
});

// The API origin answers with a redirect to another origin (a misconfigured proxy, a moved host):
// the key must not follow it, whichever part of the extension made the request. The other origin
// is a server that takes anything and records it, on 127.0.0.1 where the extension's permission
// for a local Cobalt reaches too; only the extension's refusal to follow keeps the key away.
describe(`a redirect from the API origin to another origin, in ${browserUnderTest()}`, () => {
  const API_PATH = /^\/api\/v2\/public\//;
  let elsewhere: RecordingServer;
  let healthy: Badge;

  beforeAll(async () => {
    elsewhere = await startRecordingServer();
    healthy = await ext.waitForBadge((b) => b.text === "3");
  });

  afterAll(async () => {
    await elsewhere?.close();
  });

  // "(checked 2 minutes ago)" moves on by itself; the rest of the title says whether all is well.
  const settled = (b: Badge) => JSON.stringify({ ...b, title: b.title.replace(/ \(checked [^)]*\)/, "") });
  const isHealthy = (b: Badge) => settled(b) === settled(healthy);

  /** Redirects every API request while `act` runs, then proves a redirect was served and nothing reached the other origin. */
  async function redirectDuring(status: RedirectStatus, act: () => Promise<void>): Promise<void> {
    fake.clearRequests();
    ext.clearRequests();
    elsewhere.clearRequests();
    fake.fault({ path: API_PATH }, { kind: "redirect", status, location: elsewhere.origin });
    try {
      await act();
    } finally {
      fake.clearFaults();
    }
    // The redirect was really answered to a request carrying the key (the test is not vacuous)…
    expect(fake.requests.some((r) => API_PATH.test(r.path) && r.headers["x-api-key"] === KEY)).toBe(true);
    // …and nothing, key or not, went to the other origin: not at the server, not in the browser's own log.
    expect(elsewhere.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.headers)}`)).toEqual([]);
    expect(ext.requests().filter((r) => r.url.startsWith(`${elsewhere.origin}/`)).map((r) => r.url)).toEqual([]);
    for (const request of ext.requests().filter((r) => JSON.stringify(r).includes(KEY))) {
      expect(new URL(request.url).origin, request.url).toBe(fake.origin);
    }
    expect((await ext.tabUrls()).filter((url) => url.startsWith(elsewhere.origin))).toEqual([]);
  }

  /** A failure the user can see on the page (banner or row note), whatever its wording. */
  const waitForAlert = (page: ExtPage, selector = '[role="alert"]') => page.waitForText(/\S/, { selector, timeoutMs: 20_000 });

  async function recover(): Promise<void> {
    await letBackoffExpire(ext);
    await ext.waitForBadge(isHealthy, 20_000);
  }

  it("a scheduled check (307) fails, and the key stays home", async () => {
    await redirectDuring(307, async () => {
      await ext.evalInBackground(ALARM_NOW);
      await ext.waitForBadge((b) => !isHealthy(b), 20_000);
    });
    await recover();
  });

  it("Refresh (308) fails visibly, and the key stays home", async () => {
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    await redirectDuring(308, async () => {
      await popup.clickByRole("button", "Refresh");
      await ext.waitForBadge((b) => !isHealthy(b), 20_000);
      await waitForAlert(popup);
    });
    await popup.close();
    await recover();
  });

  it("the live key check in Options (302) says the key could not be checked, and the key stays home", async () => {
    const options = await ext.openPage(ext.optionsPath);
    await options.waitForText("API key");
    await redirectDuring(302, async () => {
      await options.fillLabelled("API key", KEY);
      await options.waitForText(/\S/, { selector: "#apiKey-check.bad", timeoutMs: 20_000 });
    });
    expect(await options.text("#apiKey-check")).not.toMatch(/Key accepted/);
    await options.close();
  });

  it("the live key check asks no address still being typed, even one the extension may reach: Save checks it", async () => {
    const options = await ext.openPage(ext.optionsPath);
    // The saved address is checked as the page opens.
    await options.waitForText("Key accepted", { selector: "#apiKey-check" });
    elsewhere.clearRequests();
    ext.clearRequests();
    // The other server is on 127.0.0.1 too, which the permission granted for the local Cobalt
    // covers: only the rule keeps the key from an address typed halfway, or typed but not saved.
    for (const typed of [elsewhere.origin.slice(0, -1), elsewhere.origin]) {
      await options.fillLabelled("API base URL", typed);
      await options.waitForText("The key is checked with this API base URL when you save it.", { selector: "#apiKey-check" });
    }
    // Back to the saved address: the live check asks it again at once.
    await options.fillLabelled("API base URL", fake.origin);
    await options.waitForText("Key accepted", { selector: "#apiKey-check" });
    expect(elsewhere.requests.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const carrying = ext.requests().filter((r) => JSON.stringify(r).includes(KEY));
    expect(carrying.length).toBeGreaterThan(0);
    for (const request of carrying) expect(new URL(request.url).origin, request.url).toBe(fake.origin);
    await options.close();
  });

  it("Reconnect (301) and Copy link (303) fail with a message, open nothing, and the key stays home", async () => {
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Copper");
    await redirectDuring(301, async () => {
      await popup.clickByRole("button", "Reconnect Hubspot");
      await waitForAlert(popup, "li.app [role=\"alert\"]");
    });
    await popup.reload();
    await popup.waitForText("Copper");
    await redirectDuring(303, async () => {
      await popup.clickByRole("button", /^Copy .*Copper$/);
      await waitForAlert(popup, "li.app [role=\"alert\"]");
    });
    await popup.close();
    expect(isHealthy(await ext.badge())).toBe(true);
  });
});

// A server (Cobalt, or a proxy before it) that echoes the request in its error text: its words
// are data to show, but never with the key in them, and never a whole page of them.
describe(`error text that echoes the key, in ${browserUnderTest()}`, () => {
  const echo = (what: string) => ({ message: `${what} failed for x-api-key ${KEY} (${encodeURIComponent(KEY)}) ${"and more ".repeat(500)}` });

  it("is stored and shown without the key, and cut short: a check's banner, and a Reconnect's row", async () => {
    await ext.waitForBadge((b) => b.text === "3", 20_000);
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    fake.fault({ path: /^\/api\/v2\/public\/application/ }, { kind: "status", status: 500, body: echo("The check") });
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("The check failed for x-api-key ••• (•••) and more", { selector: '[role="alert"]', timeoutMs: 20_000 });
    fake.clearFaults();
    const { settings: _settings, ...stored } = await ext.storageGet();
    expect(JSON.stringify(stored)).not.toContain(KEY);
    expect(JSON.stringify(stored)).not.toContain("and more ".repeat(30));
    // Both ways to a link fail (the OAuth URL's failure falls back to the hosted portal's session token).
    fake.fault({ path: /oauth-url\/hubspot$|\/session-token$/ }, { kind: "status", status: 500, body: echo("The link") });
    await popup.clickByRole("button", "Reconnect Hubspot");
    await popup.waitForText("The link failed for x-api-key ••• (•••)", { selector: 'li.app [role="alert"]', timeoutMs: 20_000 });
    fake.clearFaults();
    expect(await popup.text()).not.toContain(KEY);
    expect(await popup.text()).not.toContain("and more ".repeat(30));
    await popup.close();
    await letBackoffExpire(ext);
    await ext.waitForBadge((b) => b.text === "3", 20_000);
  });
});
