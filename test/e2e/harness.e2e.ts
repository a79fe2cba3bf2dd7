/**
 * Smoke test of the e2e harness itself (test/e2e/support/browsers.ts), run against a throwaway
 * fixture extension (test/e2e/support/fixture-extension/) so it does not depend on dist/.
 * Runs in both vitest projects: e2e-chromium and e2e-firefox.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnderTest, firefoxUuidFor, launchExtension, type ExtPage, type ExtensionSession } from "./support/browsers.ts";
import { buildFixtureExtension, FIXTURE_GECKO_ID } from "./support/fixture.ts";

const browser = browserUnderTest();

/** A local page server: the fixture's link opens one of its pages, its background fetches another. */
async function startServer(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(`<!doctype html><title>served</title><p>served ${req.url}</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe(`e2e harness (${browser})`, () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startServer>>;
  let session: ExtensionSession;
  let popup: ExtPage;

  beforeAll(async () => {
    dir = buildFixtureExtension(browser);
    server = await startServer();
    session = await launchExtension({ browser, extensionDir: dir });
  });

  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("knows the extension's id, base URL and pages from the manifest", () => {
    expect(session.browser).toBe(browser);
    expect(session.popupPath).toBe("popup.html");
    expect(session.optionsPath).toBe("options.html");
    if (browser === "chromium") {
      expect(session.extensionId).toMatch(/^[a-p]{32}$/);
      expect(session.baseUrl).toBe(`chrome-extension://${session.extensionId}/`);
    } else {
      expect(session.extensionId).toBe(firefoxUuidFor(FIXTURE_GECKO_ID));
      expect(session.baseUrl).toBe(`moz-extension://${session.extensionId}/`);
    }
  });

  it("sees the options tab the extension opened at install", async () => {
    expect(await session.waitForTab((url) => url === `${session.baseUrl}options.html`)).toBe(`${session.baseUrl}options.html`);
  });

  it("opens the popup as a page", async () => {
    popup = await session.openPage(session.popupPath);
    expect(popup.url()).toBe(`${session.baseUrl}popup.html`);
    await popup.waitForText("Fixture popup");
    expect(await popup.text("h1")).toBe("Fixture popup");
    expect(await popup.count("button")).toBe(1);
    expect(await popup.attr("#open-link", "href")).toBe("https://example.invalid/docs");
    expect(await popup.attr("#open-link", "target")).toBeNull();
    expect(await popup.evaluate(() => document.title)).toBe("Fixture popup");
    expect(await popup.evaluate<string>("(globalThis.browser ?? globalThis.chrome).runtime.getManifest().name")).toBe("E2E harness fixture");
  });

  it("clicks a button by role and reads the badge it set", async () => {
    expect((await session.badge()).text).toBe("");
    await popup.clickByRole("button", "Set badge");
    const badge = await session.waitForBadge((b) => b.text === "7");
    expect(badge).toEqual({ text: "7", color: [200, 0, 0, 255], title: "7 need attention" });
    await popup.waitForText("badge set, copied", { selector: "#status" });
  });

  it("reads the clipboard the popup wrote", async () => {
    expect(await session.readClipboard(popup)).toBe("fixture-clipboard-7");
  });

  it("round-trips storage.local", async () => {
    await session.storageSet({ harness: { n: 1, list: ["a", "b"] }, flag: true });
    expect(await session.storageGet(["harness", "flag"])).toEqual({ harness: { n: 1, list: ["a", "b"] }, flag: true });
    expect(await session.storageGet("flag")).toEqual({ flag: true });
    const all = await session.storageGet();
    expect(all).toHaveProperty("installedAt");
    expect(all).toHaveProperty("harness");
  });

  it("sees the tab that a link in the popup opened with tabs.create", async () => {
    const target = `${server.origin}/fix-it?app=demo`;
    await session.storageSet({ linkUrl: target });
    await popup.clickByRole("link", /open docs/i);
    expect(await session.waitForTab((url) => url === target)).toBe(target);
    expect(await session.tabUrls()).toContain(target);
  });

  it("fills labelled fields so that input events fire", async () => {
    await popup.fillLabelled("Note", "hello world");
    expect(await popup.valueOfLabelled("Note")).toBe("hello world");
    await popup.waitForText("note: hello world", { selector: "#echo" });
    await popup.fillLabelled("Note", "");
    expect(await popup.valueOfLabelled("Note")).toBe("");
    await popup.waitForNoText("hello", { selector: "#echo" });
    await popup.fillLabelled("Comment", "nested label");
    expect(await popup.valueOfLabelled("Comment")).toBe("nested label");
  });

  it("finds the same labels and buttons apart inside named regions", async () => {
    const options = await session.openPage(session.optionsPath);
    await expect(options.fillLabelled("Key", "x", { timeoutMs: 300 })).rejects.toThrow(/2 <label>s have the text "Key"/);
    expect(await options.valueOfLabelled("Key", { within: "First" })).toBe("one");
    await options.fillLabelled("Key", "changed", { within: "Second" });
    expect(await options.valueOfLabelled("Key", { within: "Second" })).toBe("changed");
    expect(await options.valueOfLabelled("Key", { within: "First" })).toBe("one");
    await expect(options.clickByRole("button", "Save", { timeoutMs: 300 })).rejects.toThrow(/2 visible buttons match/);
    await options.clickByRole("button", "Save", { within: "First" });
    await expect(options.clickByRole("button", "Save", { within: "Third", timeoutMs: 300 })).rejects.toThrow(/0 regions are named "Third"; named regions: "First", "Second"/);
    await options.close();
  });

  it("reports clear errors", async () => {
    await expect(popup.waitForText("never there", { timeoutMs: 300 })).rejects.toThrow(/Timed out after 300 ms.*Fixture popup/s);
    await expect(popup.fillLabelled("Nope", "x", { timeoutMs: 300 })).rejects.toThrow(/no <label> has the text "Nope"; labels on the page: "Note", "Comment"/);
    await expect(session.waitForBadge((b) => b.text === "never", 300)).rejects.toThrow(/Last badge: \{"text":"7"/);
    await expect(popup.text("#missing")).rejects.toThrow(/no element matches/);
    await expect(session.openPage("no-such-page.html")).rejects.toThrow(/could not load .*no-such-page\.html/);
    await expect(popup.clickByRole("button", "Missing", { timeoutMs: 300 })).rejects.toThrow(/no visible button has that name; visible buttons: "Set badge"/);
  });

  it("records every request the browser makes, with headers, including the background's", async () => {
    session.clearRequests();
    const reply = await popup.evaluate<{ status: number }>(
      `(globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: "fetch", url: ${JSON.stringify(`${server.origin}/api?from=background`)}, headers: { "X-Api-Key": "k-123" } })`,
    );
    expect(reply.status).toBe(200);
    await popup.evaluate(`fetch(${JSON.stringify(`${server.origin}/from-popup`)}).then((r) => r.status)`);
    const requests = session.requests();
    const fromBackground = requests.find((r) => r.url === `${server.origin}/api?from=background`);
    expect(fromBackground?.headers["x-api-key"]).toBe("k-123");
    expect(requests.some((r) => r.url === `${server.origin}/from-popup`)).toBe(true);
    // Only loopback traffic is ever forwarded.
    for (const r of requests.filter((x) => x.forwarded)) expect(new URL(r.url).hostname).toBe("127.0.0.1");
    expect(requests.filter((r) => "x-api-key" in r.headers).map((r) => new URL(r.url).origin)).toEqual([server.origin]);
  });

  it("runs code in the background context", async () => {
    const name = await session.evalInBackground<string>("(globalThis.browser ?? globalThis.chrome).runtime.getManifest().name");
    expect(name).toBe("E2E harness fixture");
    expect(await session.evalInBackground<number>("async () => 40 + 2")).toBe(42);
    if (browser === "chromium") {
      // Only Chromium runs it in the background itself: its globals are visible.
      expect(await session.evalInBackground<string>("typeof globalThis.fixtureBootId")).toBe("string");
    }
  });

  it("puts the background to sleep and starts it again", async () => {
    const ping = () =>
      popup.evaluate<{ bootId: string }>(`(globalThis.browser ?? globalThis.chrome).runtime.sendMessage({ type: "ping" })`);
    const first = (await ping()).bootId;
    expect(await session.backgroundStatus()).toBe("running");

    await session.restartBackground();
    expect(await session.backgroundStatus()).toBe("running");
    const second = (await ping()).bootId;
    expect(second).not.toBe(first);

    // Asleep: reading the badge does not wake it; an alarm does, and its listener runs.
    await session.stopBackground();
    expect(await session.backgroundStatus()).toBe("stopped");
    await session.badge();
    expect(await session.backgroundStatus()).toBe("stopped");
    await popup.evaluate(`(globalThis.browser ?? globalThis.chrome).alarms.create("fixture-badge", { when: Date.now() + 50 })`);
    await session.waitForBadge((b) => b.text === "A");
    expect(await session.backgroundStatus()).toBe("running");
    expect((await ping()).bootId).not.toBe(second);
  });

  it("takes a screenshot", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "e2e-shot-")), "popup.png");
    await popup.screenshot(out);
    expect(existsSync(out) && statSync(out).size).toBeGreaterThan(1000);
  });

  it("reloads and navigates pages", async () => {
    await popup.goto(session.optionsPath);
    expect(popup.url()).toBe(`${session.baseUrl}options.html`);
    await popup.waitForText("Fixture options");
    await popup.reload();
    await popup.waitForText("Fixture options");
    await popup.goto(`${server.origin}/plain`);
    await popup.waitForText("served /plain");
    expect(popup.url()).toBe(`${server.origin}/plain`);
    await popup.close();
  });
});

describe(`e2e harness browser restart (${browser})`, () => {
  it("keeps storage.local across a restart with the same userDataDir", async () => {
    const dir = buildFixtureExtension(browser);
    const profile = mkdtempSync(join(tmpdir(), `e2e-profile-${browser}-`));
    try {
      const first = await launchExtension({ browser, extensionDir: dir, userDataDir: profile });
      try {
        await first.storageSet({ survives: "restart" });
      } finally {
        await first.close();
      }
      const second = await launchExtension({ browser, extensionDir: dir, userDataDir: profile });
      try {
        expect(second.extensionId).toBe(first.extensionId);
        expect(await second.storageGet("survives")).toEqual({ survives: "restart" });
        const popup = await second.openPage(second.popupPath);
        await popup.clickByRole("button", "Set badge");
        await second.waitForBadge((b) => b.text === "7");
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
