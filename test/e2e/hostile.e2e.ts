import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeCobalt, v3App, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { configureThroughOptions } from "./support/setup.ts";

// Data from the API is data: markup stays text, only https icons (or plain http from this
// computer) are loaded and only http(s) links opened, odd shapes and huge answers neither crash nor hide the apps that need attention.

const KEY = "tk_hostile";
const UNICODE_ID = "café-ünïcode-客户";
const MARKUP = `<img src="x" onerror="document.title='pwned'">Evil <b>bold</b>`;
const HTTPS_ICON = "https://logos.example.invalid/slack.png";
/** Plain http to another host: anyone on the way could read or swap it. */
const REMOTE_HTTP_ICON = "http://logos.example.invalid/plain.png";
let fake: FakeCobalt;
let ext: ExtensionSession;
let popup: ExtPage;

function nested(depth: number): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = { deeper: value };
  return value;
}

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  fake.addKey(KEY, "test");
  fake.setAccount({
    account_id: "hostile",
    name: "Hostile <script>alert(1)</script> Ltd",
    apps: [
      v3App("evil", { name: MARKUP, status: "expired", icon: "javascript:alert(1)" }),
      v3App("datauri", { name: "Data Icon", status: "expired", icon: "data:image/svg+xml;base64,PHN2Zy8+" }),
      v3App("badportal", { name: "Bad Portal", authType: "keybased", connected: true, reauthRequired: true, icon: fake.iconUrl("badportal") }),
      { ...v3App("weird", { status: "expired" }), name: 42, icon: { url: "x" }, tags: "CRM", version: nested(500), auth_type_options: nested(200) },
      v3App("plainhttp", { name: "Plain Http", status: "expired", icon: REMOTE_HTTP_ICON }),
      v3App("dupe", { name: "Dupe", status: "active", icon: fake.iconUrl("dupe") }),
      v3App("dupe", { name: "Dupe", status: "expired", icon: fake.iconUrl("dupe") }),
      { not: "an app" },
      "a string where an app should be" as unknown as Record<string, unknown>,
    ],
  });
  const huge = Array.from({ length: 10_000 }, (_, i) => v3App(`app_${i}`, { name: `App ${i}`, status: i % 1000 === 0 ? "expired" : "active", icon: fake.iconUrl("huge") }));
  fake.setAccount({ account_id: "huge", name: "Huge", apps: huge });
  // An https icon (the fake server serves plain http): the request fails, the URL is still used.
  fake.setAccount({ account_id: UNICODE_ID, name: "Unicode", apps: [v3App("slack", { name: "Slack", status: "expired", icon: HTTPS_ICON })] });
  ext = await launchExtension();
  // 6 from "hostile" (evil, datauri, badportal, weird, plainhttp, and dupe counted once), 10 from "huge", 1 from the unicode account.
  await configureThroughOptions(ext, fake, { key: KEY, ids: `hostile huge ${UNICODE_ID}`, expect: "17 apps need re-authentication" });
  popup = await ext.openPage(ext.popupPath);
  await popup.waitForText("17 apps need re-authentication across 3 of 3 linked accounts");
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

describe(`hostile data in ${browserUnderTest()}`, () => {
  it("renders markup in names as text, never as HTML", async () => {
    expect(await popup.text()).toContain(MARKUP);
    expect(await popup.count('img[src="x"]')).toBe(0);
    expect(await popup.count("b")).toBe(0);
    expect(await popup.evaluate(() => document.title)).toBe("Cobalt Integration Status");
  });

  it("loads icons only from https or this computer; remote http and other schemes get a placeholder", async () => {
    const sources = await popup.evaluate(() => [...document.querySelectorAll("img")].map((img) => img.getAttribute("src") ?? ""));
    expect(sources).toContain(HTTPS_ICON);
    for (const src of sources) expect(src === HTTPS_ICON || src.startsWith(`${fake.altOrigin}/logos/`)).toBe(true);
    // Those four show their initial only: no image element was created for them at all.
    const withoutImage = await popup.evaluate(() =>
      [...document.querySelectorAll("li.app")].filter((li) => !li.querySelector("img")).map((li) => li.querySelector(".app-name")?.textContent ?? ""),
    );
    expect(withoutImage.sort()).toEqual([MARKUP, "Data Icon", "weird", "Plain Http"].sort());
  });

  it("lists an app whose fields have the wrong types, under its slug", async () => {
    expect(await popup.text('section.group[aria-label="hostile"]')).toContain("weird");
  });

  it("counts a duplicated slug once, as needing re-authentication", async () => {
    expect(await popup.evaluate(() => [...document.querySelectorAll(".app-name")].filter((el) => el.textContent === "Dupe").length)).toBe(1);
  });

  it("handles 10,000 apps in one answer and lists the ten that need attention", async () => {
    const group = await popup.text('section.group[aria-label="huge"]');
    for (const i of [0, 1000, 9000]) expect(group).toContain(`App ${i}`);
    expect(await popup.count('section.group[aria-label="huge"] li.app')).toBe(10);
  });

  it("sends a non-ASCII linked account ID percent-encoded, and gets its apps", async () => {
    const sent = fake.requests.filter((r) => r.path === "/api/v2/public/application" && r.linkedAccountId === UNICODE_ID);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]!.query.linked_account_id).toBe(UNICODE_ID);
    // Scrolled to first: Firefox gives no text for a group the page has not laid out (.group has
    // content-visibility: auto), and rows of two lines (since when) put it below the fold.
    await popup.evaluate(`document.querySelector(${JSON.stringify(`section.group[aria-label="${UNICODE_ID}"]`)}).scrollIntoView()`);
    await popup.waitForText("Slack", { selector: `section.group[aria-label="${UNICODE_ID}"]` });
  });

  it("refuses to open a reconnect link that is not http(s), and says why", async () => {
    fake.fault({ path: "/api/v2/public/connect-url" }, { kind: "body", body: JSON.stringify({ hosted_url: "javascript:alert(document.cookie)" }) });
    await popup.clickByRole("button", "Reconnect Bad Portal");
    await popup.waitForText("Cobalt returned a reconnect link that is not a web address");
    fake.clearFaults();
  });

  it("an OAuth link that is not http(s) falls back to the hosted portal", async () => {
    fake.fault({ path: /oauth-url\/datauri$/ }, { kind: "body", body: JSON.stringify({ auth_url: "data:text/html,<script>alert(1)</script>" }) });
    const opened = ext.waitForTab((url) => url.includes("/connect/"));
    await popup.clickByRole("button", "Reconnect Data Icon");
    expect(await opened).toMatch(new RegExp(`^${fake.altOrigin}/connect/`));
    fake.clearFaults();
  });
});
