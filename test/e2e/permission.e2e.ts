import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, defaultExtensionDir, launchExtension, type ExtensionSession } from "./support/browsers.ts";
import { isLoopbackHost } from "./support/request-log.ts";
import { configureThroughOptions } from "./support/setup.ts";

// The build users install asks for no loopback host: a local Cobalt (here the fake server) is
// granted on Save like any other origin. Without permission to reach the API origin, the
// extension says so and offers to ask again. Firefox lets users revoke host permissions;
// Chromium does not, so there the missing permission is an API origin the user never granted.

const KEY = "tk_demo_key";
let fake: FakeCobalt;
let ext: ExtensionSession;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension();
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

const hostOf = (pattern: string) => /^[^:]+:\/\/([^/]*)\//.exec(pattern)?.[1] ?? "";

/** Whether a match pattern lets the extension reach a server on this computer. */
function reachesLoopback(pattern: string): boolean {
  const host = hostOf(pattern);
  return pattern === "<all_urls>" || host === "*" || host.endsWith(".localhost") || isLoopbackHost(host);
}

const originsHeld = () => ext.evalInBackground<{ origins: string[] }>("(globalThis.browser ?? chrome).permissions.getAll()").then((p) => p.origins);

describe(`host permission in ${browserUnderTest()}`, () => {
  it("the shipped builds ask for no loopback host, and for plain http only on this computer, on request", () => {
    for (const target of ["chrome", "firefox"]) {
      const manifest = JSON.parse(readFileSync(join(defaultExtensionDir(target === "chrome" ? "chromium" : "firefox"), "manifest.json"), "utf8")) as Record<string, string[] | undefined>;
      const required = manifest.host_permissions ?? [];
      expect(required.filter(reachesLoopback), `dist/${target} host_permissions`).toEqual([]);
      expect(required.every((p) => p.startsWith("https://")), `dist/${target} host_permissions`).toBe(true);
      const optionalHttp = (manifest.optional_host_permissions ?? []).filter((p) => !p.startsWith("https://"));
      expect(optionalHttp.length, `dist/${target} optional http`).toBeGreaterThan(0);
      // Plain http (the key in cleartext) only to this computer: no http://*/*.
      for (const pattern of optionalHttp) expect(isLoopbackHost(hostOf(pattern)), pattern).toBe(true);
    }
    // The browser under test runs that shipped build, not a copy made for the tests.
    expect(ext.extensionDir).toBe(defaultExtensionDir(browserUnderTest()));
    expect(ext.manifest).toEqual(JSON.parse(readFileSync(join(ext.extensionDir, "manifest.json"), "utf8")));
  });

  it("reaches a local server only after Save asked for its origin, inside the click", async () => {
    expect((await originsHeld()).filter(reachesLoopback)).toEqual([]);
    await configureThroughOptions(ext, fake, { key: KEY, ids: "acme-corp globex initech", expect: "3 apps need re-authentication" });
    expect((await originsHeld()).filter(reachesLoopback)).toEqual(["http://127.0.0.1/*"]);
    expect(fake.requests.some((r) => r.headers["x-api-key"] === KEY)).toBe(true);
  });

  if (browserUnderTest() === "firefox") {
    it("a revoked host permission is named, the data kept, and Grant access asks for it again", async () => {
      await ext.evalInBackground(`browser.permissions.remove({ origins: ["http://127.0.0.1/*"] })`);
      const badge = await ext.waitForBadge((b) => b.text === "PERM");
      expect(badge.title).toContain("Permission to reach the API is missing");
      const popup = await ext.openPage(ext.popupPath);
      await popup.waitForText("The extension is not allowed to reach http://127.0.0.1");
      await popup.waitForText("Showing the last good data");
      expect(await popup.count("li.app")).toBe(3);
      // The test profile grants optional permission requests without a prompt, as a click on "Allow" would.
      await popup.clickByRole("button", "Grant access");
      await ext.waitForBadge((b) => b.text === "3", 15_000);
      await popup.waitForNoText("Permission to reach the API is missing");
      expect(await ext.evalInBackground(`browser.permissions.contains({ origins: ["http://127.0.0.1/*"] })`)).toBe(true);
      await popup.close();
    });
  } else {
    it("an API origin the extension may not reach is named, with a button to grant it, and no other address's data shown as its own", async () => {
      const { settings } = (await ext.storageGet("settings")) as { settings: { sources: object[] } };
      const elsewhere = fake.origin.replace("127.0.0.1", "[::1]");
      await ext.storageSet({ settings: { ...settings, sources: [{ ...settings.sources[0], baseUrl: elsewhere }] } });
      const popup = await ext.openPage(ext.popupPath);
      await popup.clickByRole("button", "Refresh");
      await popup.waitForText("The extension is not allowed to reach http://[::1]");
      await popup.waitForText("Grant access");
      // The apps listed were fetched from the other address: they are not this one's to show or reconnect.
      expect(await popup.count("li.app")).toBe(0);
      const badge = await ext.waitForBadge((b) => b.text === "PERM");
      expect(badge.title).toContain("Permission to reach the API is missing");
      // Nothing was sent to the origin without permission.
      expect(fake.requests.some((r) => r.origin.includes("[::1]"))).toBe(false);
      await ext.storageSet({ settings });
      await popup.clickByRole("button", "Refresh");
      await ext.waitForBadge((b) => b.text === "3", 15_000);
      await popup.close();
    });
  }
});
