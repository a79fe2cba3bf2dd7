import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { FAILURE_BADGE } from "../../src/core/badge/table.ts";
import { axeViolations, describeViolations } from "./support/axe.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { alarmNow, configureThroughOptions } from "./support/setup.ts";
import { storedSource, storedStatus } from "./support/stored.ts";
import { decodeResults } from "../../src/core/store/codec.ts";

// Several sources: a test key and a production key, side by side. The fake server's
// demo org has three test accounts (three apps to fix in two of them) and one production account
// (Slack to fix). Each source is checked on its own; the badge adds them up; the popup has a
// section per source; one source's failure, or its hanging server, never hides or delays the other.

const TEST_KEY = "tk_demo_key";
const PROD_KEY = "pk_demo_key";
const APPLICATIONS = "/api/v2/public/application";
let fake: FakeCobalt;
let ext: ExtensionSession;
/** The production source's id, given by the options page when it was added. */
let prodId: string;
/** The test source has no label: it is named after its key's environment and (not Cobalt's own) host. */
let testName: string;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
});

afterAll(async () => {
  await fake?.close();
});

const rgb = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));

async function expectNoViolations(page: ExtPage): Promise<void> {
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}

/** A source's part of the popup, by its name. */
const section = (popup: ExtPage, name: string) => popup.text(`section.source[aria-label="${name}"]`);

describe(`several sources in ${browserUnderTest()}`, () => {
  beforeAll(async () => {
    ext = await launchExtension();
    testName = `Test (${new URL(fake.origin).host})`;
    await configureThroughOptions(ext, fake, { key: TEST_KEY, ids: "acme-corp globex initech", expect: "3 apps need re-authentication" });
  });

  afterAll(async () => {
    await ext?.close();
  });

  it("adds a production source in Options, in a region of its own with the same labels and its own Save", async () => {
    const options = await ext.openPage(ext.optionsPath);
    await options.waitForText("Connected (test environment)");
    await options.clickByRole("button", "Add a source");
    await options.fillLabelled("Label", "Production", { within: "New source" });
    await options.fillLabelled("API key", PROD_KEY, { within: "New source" });
    await options.fillLabelled("API base URL", fake.origin, { within: "New source" });
    await options.clickByRole("button", "Save", { within: "New source" });
    await options.waitForText("Connected (production environment): 1 linked account, 1 app needs re-authentication.", { timeoutMs: 30_000 });
    // The first source is now a region too, named after its key's environment, its fields as they were.
    expect(await options.valueOfLabelled("API key", { within: testName })).toBe(TEST_KEY);
    expect(await options.valueOfLabelled("Linked account IDs", { within: testName })).toBe("acme-corp\nglobex\ninitech");
    expect(await options.valueOfLabelled("API key", { within: "Production" })).toBe(PROD_KEY);
    await options.waitForText("Connected (test environment): 3 linked accounts", { selector: 'section.source[aria-labelledby="source-name"]' });
    await expectNoViolations(options);
    await options.close();

    const production = await storedSource(ext, 1);
    expect(production).toMatchObject({ kind: "cobalt", label: "Production", apiKey: PROD_KEY, baseUrl: fake.origin, linkedAccountIds: [], intervalMinutes: 5 });
    expect(production.id).toMatch(/^s[0-9a-z]{8}$/);
    prodId = production.id;
    expect(await storedSource(ext, 0)).toMatchObject({ id: "main", apiKey: TEST_KEY });
    // Each source has its own schedule.
    const alarms = await ext.evalInBackground<{ name: string; periodInMinutes?: number }[]>(`(globalThis.browser ?? chrome).alarms.getAll()`);
    expect(alarms.filter((alarm) => alarm.name.startsWith("check")).map((alarm) => [alarm.name, alarm.periodInMinutes]).sort()).toEqual(
      [["check.main", 5], [`check.${prodId}`, 5]].sort(),
    );
  });

  it("counts across both sources on the badge, with a line per source in its title", async () => {
    const badge = await ext.waitForBadge((b) => b.text === "4");
    const lines = badge.title.split("\n");
    expect(lines[0]).toBe("Cobalt Integration Status: 4 apps need re-authentication across 2 sources.");
    expect(lines[1]).toMatch(new RegExp(`^${escapeRegExp(testName)}: 3 apps need re-authentication across 2 linked accounts \\(checked at `));
    expect(lines[2]).toMatch(/^Production \(production environment\): 1 app needs re-authentication across 1 linked account \(checked at /);
  });

  it("shows a section per source, each with its environment, and Reconnect uses that source's key", async () => {
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Umbrella (production)");
    const test = await section(popup, testName);
    expect(test).toContain("test environment");
    expect(test).toMatch(/Hubspot[\s\S]*Copper[\s\S]*Salesforce/);
    expect(test).toContain("3 apps need re-authentication across 2 of 3 linked accounts");
    const production = await section(popup, "Production");
    expect(production).toContain("production environment");
    expect(production).toContain("Slack");
    expect(production).not.toContain("Hubspot");
    expect(await popup.count("li.app")).toBe(4);
    await expectNoViolations(popup);

    fake.clearRequests();
    const opened = ext.waitForTab((url) => url.includes("/oauth/authorize/slack"));
    await popup.clickByRole("button", "Reconnect Slack", { within: "Production" });
    expect(new URL(await opened).searchParams.get("linked_account_id")).toBe("umbrella-prod");
    const asked = fake.requests.find((r) => r.path.startsWith("/api/v2/public/linked-account/integration/oauth-url/slack"));
    expect(asked?.headers["x-api-key"]).toBe(PROD_KEY);
    await popup.close();
  });

  it("a revoked production key shows in its own section and on the badge, without hiding the test source", async () => {
    fake.revokeKey(PROD_KEY);
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Umbrella (production)");
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("API key rejected", { selector: 'section.source[aria-label="Production"]' });
    await popup.waitForNoText("Checking…");
    const test = await section(popup, testName);
    expect(test).not.toContain("API key rejected");
    expect(test).toMatch(/Last checked (just now|1 minute ago)/);
    // Reconnect, Copy link and Mute of each of its three apps.
    expect(await popup.count(`section.source[aria-label="${testName}"] button[data-action]:not(:disabled)`)).toBe(9);
    // The production source keeps its last good data, marked.
    expect(await section(popup, "Production")).toContain("Showing the last good data");

    const badge = await ext.waitForBadge((b) => b.title.includes("could not be checked"));
    expect(badge.text).toBe("4");
    expect(badge.color.slice(0, 3)).toEqual(rgb(FAILURE_BADGE.unauthorized.color));
    expect(badge.title.split("\n")[0]).toBe('Cobalt Integration Status: 4 apps need re-authentication across 2 sources; “Production” could not be checked.');
    expect(badge.title).toContain("Production (production environment): API key rejected");
    expect((await storedStatus(ext)).error).toBeUndefined();
    // The key is valid again: a Refresh (the user's answer to "waiting for the user") recovers it.
    fake.addKey(PROD_KEY, "production");
    await popup.clickByRole("button", "Refresh");
    await ext.waitForBadge((b) => b.text === "4" && !b.title.includes("could not"), 20_000);
    await popup.waitForNoText("API key rejected");
    await popup.close();
  });

  it("a source whose server hangs does not delay the other: its check completes and shows meanwhile", async () => {
    const release = fake.fault({ path: APPLICATIONS, linkedAccountId: "umbrella-prod" }, { kind: "hang" });
    // The production source's own alarm starts its check, which hangs on Cobalt's answer.
    const started = Date.now();
    await ext.evalInBackground(alarmNow(prodId));
    await waitUntil(() => fake.requests.some((r) => r.path === APPLICATIONS && r.linkedAccountId === "umbrella-prod" && r.at >= started));
    expect((await ext.storageGet(`progress.${prodId}`))[`progress.${prodId}`]).not.toBeNull();
    // Meanwhile the test source's alarm: its check runs at once, to the end.
    const fired = Date.now();
    await ext.evalInBackground(alarmNow("main"));
    await waitUntil(async () => ((await storedStatus(ext)).checkedAt ?? 0) > fired);
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText(/Last checked (just now|1 minute ago)/, { selector: `section.source[aria-label="${testName}"]` });
    await popup.waitForText("Checking…", { selector: 'section.source[aria-label="Production"]' });
    // Still the state under test: the production check is waiting for Cobalt.
    expect((await ext.storageGet(`progress.${prodId}`))[`progress.${prodId}`]).not.toBeNull();
    expect(await section(popup, testName)).not.toContain("Checking…");
    release();
    // The hanging answer times out (20 s), and that is the production source's failure alone.
    await popup.waitForText("Cobalt did not answer in time", { selector: 'section.source[aria-label="Production"]', timeoutMs: 40_000 });
    expect(await section(popup, testName)).not.toContain("did not answer");
    await popup.clickByRole("button", "Refresh");
    await popup.waitForNoText("did not answer in time", { timeoutMs: 20_000 });
    await ext.waitForBadge((b) => b.text === "4" && !b.title.includes("could not"));
    await popup.close();
  }, 90_000);

  it("removing a source asks first, then deletes its data and alarms; one source looks as it always did", async () => {
    const options = await ext.openPage(ext.optionsPath);
    await options.clickByRole("button", "Remove this source", { within: "Production" });
    await options.waitForText('Remove "Production"?');
    await options.clickByRole("button", "Cancel", { within: "Production" });
    expect((await ext.storageGet("settings")).settings).toMatchObject({ sources: [{ id: "main" }, { id: prodId }] });
    await options.clickByRole("button", "Remove this source", { within: "Production" });
    await options.clickByRole("button", "Remove", { within: "Production" });
    // Back to one source: no regions, today's labels, found without naming a region.
    await options.waitForNoText("Remove this source");
    expect(await options.count("section.source")).toBe(0);
    expect(await options.valueOfLabelled("API key")).toBe(TEST_KEY);
    await options.close();
    const badge = await ext.waitForBadge((b) => b.text === "3");
    expect(badge.title).toMatch(/^Cobalt Integration Status: 3 apps need re-authentication across 2 linked accounts \(checked at /);
    await waitUntil(async () => Object.keys(await ext.storageGet()).every((key) => !key.includes(prodId)));
    const alarms = await ext.evalInBackground<{ name: string }[]>(`(globalThis.browser ?? chrome).alarms.getAll()`);
    expect(alarms.map((alarm) => alarm.name).filter((name) => name.includes(prodId))).toEqual([]);
    expect(decodeResults(await ext.storageGet()).status.accounts.map((account) => account.id)).toEqual(["acme-corp", "globex", "initech"]);
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("3 apps need re-authentication across 2 of 3 linked accounts");
    expect(await popup.count("section.source")).toBe(0);
    await popup.close();
  });
});

describe(`an existing single-source user, after the update, in ${browserUnderTest()}`, () => {
  let old: ExtensionSession;

  afterAll(async () => {
    await old?.close();
  });

  it("keeps the key, base URL and linked account IDs, and they keep working", async () => {
    old = await launchExtension();
    // Granted on Save, as the older version's user once did.
    await configureThroughOptions(old, fake, { key: TEST_KEY, ids: "initech", expect: "no apps need re-authentication" });
    // What the older version stored: settings v2, its single-source keys and alarms.
    const v2 = { schemaVersion: 2, apiKey: TEST_KEY, baseUrl: fake.origin, linkedAccountIds: ["acme-corp", "globex"], intervalMinutes: 7, requestsPerMinute: 60 };
    await old.evalInBackground(`(async () => {
      const api = globalThis.browser ?? chrome;
      await api.alarms.clearAll();
      await api.alarms.create("check", { periodInMinutes: 7, delayInMinutes: 7 });
      await api.alarms.create("retry", { when: Date.now() + 3600000 });
    })()`);
    await old.storageSet({ settings: v2, progress: null, lastDecision: { trigger: "alarm", at: 1, run: true } });
    // The update starts the background afresh.
    await old.restartBackground();
    await waitUntil(async () => {
      const alarms = await old.evalInBackground<{ name: string; periodInMinutes?: number }[]>(`(globalThis.browser ?? chrome).alarms.getAll()`);
      return alarms.length === 1 && alarms[0]!.name === "check.main" && alarms[0]!.periodInMinutes === 7;
    });
    await waitUntil(async () => !("progress" in (await old.storageGet())) && !("lastDecision" in (await old.storageGet())));

    const options = await old.openPage(old.optionsPath);
    await options.waitForText(/Saved key: tk_d•+_key/);
    expect(await options.valueOfLabelled("API key")).toBe(TEST_KEY);
    expect(await options.valueOfLabelled("API base URL")).toBe(fake.origin);
    expect(await options.valueOfLabelled("Linked account IDs")).toBe("acme-corp\nglobex");
    expect(await options.valueOfLabelled("Check every (minutes)")).toBe("7");
    expect(await options.valueOfLabelled("Requests per minute")).toBe("60");
    expect(await options.text()).not.toContain("could not be read");
    expect(await options.count("section.source")).toBe(0);

    const popup = await old.openPage(old.popupPath);
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("3 apps need re-authentication across 2 of 2 linked accounts", { timeoutMs: 20_000 });
    await old.waitForBadge((b) => b.text === "3");
    await popup.close();

    // Saved again, the settings are the new layout, with nothing lost.
    await options.clickByRole("button", "Save");
    await options.waitForText("Saved.");
    expect((await old.storageGet("settings")).settings).toEqual({
      schemaVersion: 3,
      sources: [{ id: "main", kind: "cobalt", label: "", apiKey: TEST_KEY, baseUrl: fake.origin, linkedAccountIds: ["acme-corp", "globex"], intervalMinutes: 7, requestsPerMinute: 60 }],
    });
    await options.close();
  }, 60_000);
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`Not reached within ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
