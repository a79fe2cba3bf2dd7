import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { seedOrg } from "../bench/org.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { configureThroughOptions, letBackoffExpire } from "./support/setup.ts";
import { storedSource, storedStatus } from "./support/stored.ts";

// Watching a whole org: the linked accounts are listed page by page, grouped in the popup by
// name, filterable, and a throttling answer mid-check slows the check without losing data.

const KEY = "tk_org_key";
const ACCOUNTS = 300; // every 50th has an app to fix: 6
let fake: FakeCobalt;
let ext: ExtensionSession;
let popup: ExtPage;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  fake.addKey(KEY, "test");
  seedOrg(fake, ACCOUNTS);
  ext = await launchExtension();
  await configureThroughOptions(ext, fake, { key: KEY, ids: "", expect: "Connected (test environment): 300 linked accounts, 6 apps need re-authentication in 6 linked accounts." });
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

describe(`a whole org in ${browserUnderTest()}`, () => {
  it("lists every linked account through the paginated listing and checks only what needs detail", () => {
    // The options page's live key check also asks for one account (limit=1); the check pages by 100.
    const listing = fake.requests.filter((r) => r.path === "/api/v2/public/linked-account" && r.query.limit === "100");
    expect(listing.map((r) => r.query.page)).toEqual(["1", "2", "3"]);
    const detail = fake.requests.filter((r) => r.path === "/api/v2/public/application");
    // 6 flagged by the listing plus the first twelfth of the rotation (25 accounts, 1 of them flagged).
    expect(detail.length).toBe(6 + 25 - 1);
  });

  it("counts the apps on the badge", async () => {
    const badge = await ext.waitForBadge((b) => b.text === "6");
    expect(badge.title).toContain("6 apps need re-authentication across 6 linked accounts");
  });

  it("says in Options how many linked accounts there are and how long a full check takes", async () => {
    const options = await ext.openPage(ext.optionsPath);
    await options.waitForText("300 linked accounts found.");
    await options.waitForText(/A full check makes about \d+ requests: at least \d+ seconds? at this budget\./);
    await options.close();
  });

  it("groups the apps by linked account name and shows the totals", async () => {
    popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("6 apps need re-authentication across 6 of 300 linked accounts");
    expect(await popup.count("section.group")).toBe(6);
    expect(await popup.text('section.group[aria-label="Customer 50 (acct-00050)"]')).toContain("Slack");
  });

  it("filters by account or app as you type", async () => {
    await popup.fillLabelled("Filter by app or linked account", "customer 1");
    await popup.waitForText("Customer 100 (acct-00100)");
    expect(await popup.count("section.group")).toBe(2); // Customer 100 and Customer 150
    await popup.fillLabelled("Filter by app or linked account", "acct-00250");
    await popup.waitForNoText("Customer 100 (acct-00100)");
    expect(await popup.count("section.group")).toBe(1);
    await popup.fillLabelled("Filter by app or linked account", "no such thing");
    await popup.waitForText("Nothing matches");
    // Totals describe the whole org, not the filter.
    expect(await popup.text()).toContain("6 apps need re-authentication across 6 of 300 linked accounts");
    await popup.fillLabelled("Filter by app or linked account", "");
    expect(await popup.count("section.group")).toBe(6);
  });

  it("slows down after a throttling answer mid-check and loses nothing", async () => {
    fake.clearRequests();
    fake.fault({ path: "/api/v2/public/application", linkedAccountId: "acct-00100" }, { kind: "status", status: 429, headers: { "retry-after": "2" } }, 1);
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("Checking…");
    await popup.waitForText(/Last checked/, { timeoutMs: 40_000 });
    const detail = fake.requests.filter((r) => r.path === "/api/v2/public/application");
    const throttled = detail.findIndex((r) => r.linkedAccountId === "acct-00100");
    const retried = detail.findLastIndex((r) => r.linkedAccountId === "acct-00100");
    expect(retried).toBeGreaterThan(throttled);
    // Nothing for 2 s after the 429 (Retry-After), and the pace after it is half the pace before.
    const after = detail.slice(throttled + 1);
    expect(after[0]!.at - detail[throttled]!.at).toBeGreaterThanOrEqual(1_900);
    const gaps = (list: { at: number }[]) => list.slice(1).map((r, i) => r.at - list[i]!.at);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(gaps(after))).toBeGreaterThanOrEqual(1.5 * median(gaps(detail.slice(0, throttled + 1))));
    const status = await storedStatus(ext);
    expect(status.error).toBeUndefined();
    expect(status.accounts).toHaveLength(ACCOUNTS);
    expect((await ext.badge()).text).toBe("6");
    await popup.waitForText("6 apps need re-authentication across 6 of 300 linked accounts");
  }, 60_000);

  it.each([
    ["a listing page that fails", { kind: "status" as const, status: 500 }, "Cobalt's server is failing"],
    ["a listing envelope that does not parse", { kind: "body" as const, body: JSON.stringify({ docs: "not a list", totalDocs: 300 }) }, 'did not have the documented shape at "docs"'],
  ])("%s: says so, keeps every account's last good data, and recovers", async (_name, fault, message) => {
    fake.fault({ path: "/api/v2/public/linked-account" }, fault);
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText(message, { timeoutMs: 20_000 });
    await popup.waitForText("Showing the last good data");
    expect(await popup.count("section.group")).toBe(6);
    expect(await popup.text()).toContain("6 apps need re-authentication across 6 of 300 linked accounts");
    expect((await ext.badge()).text).toBe("6");
    fake.clearFaults();
    await letBackoffExpire(ext);
    await popup.waitForNoText("Showing the last good data", { timeoutMs: 30_000 });
    expect(await storedSource(ext)).toMatchObject({ apiKey: KEY, linkedAccountIds: [] });
  });
});
