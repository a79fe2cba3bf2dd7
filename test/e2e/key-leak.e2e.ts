import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type ExtensionSession } from "./support/browsers.ts";
import { configureThroughOptions } from "./support/setup.ts";

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
    // Icons load only over https; the fake server's are plain http, so none is asked for.
    expect(fake.requests.filter((r) => r.path.startsWith("/logos/"))).toEqual([]);
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

  it("sent no cookies with the key", () => {
    for (const request of fake.requests.filter((r) => r.headers["x-api-key"] !== undefined)) {
      expect(request.headers.cookie).toBeUndefined();
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
