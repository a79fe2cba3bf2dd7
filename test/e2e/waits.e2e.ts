import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { configureThroughOptions, letBackoffExpire, waitForDecision } from "./support/setup.ts";
import { patchStoredHeader, storedStatus } from "./support/stored.ts";

// The waits a rate limit asks for: believed for an hour at most, said with their date when they
// end after midnight, and honoured by a Save that changes no request.

const KEY = "tk_demo_key";
const IDS = "acme-corp globex initech";
const APPLICATIONS = "/api/v2/public/application";
const HOUR = 3_600_000;
let fake: FakeCobalt;
let ext: ExtensionSession;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  ext = await launchExtension();
  await configureThroughOptions(ext, fake, { key: KEY, ids: IDS, expect: "3 apps need re-authentication" });
  await ext.waitForBadge((b) => b.text === "3");
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

async function throttledByRefresh(retryAfter: string): Promise<ExtPage> {
  fake.fault({ path: APPLICATIONS }, { kind: "status", status: 429, headers: { "retry-after": retryAfter } });
  const popup = await ext.openPage(ext.popupPath);
  await popup.waitForText("Hubspot");
  await popup.clickByRole("button", "Refresh");
  await popup.waitForText("Cobalt is rate limiting");
  return popup;
}

describe(`waits in ${browserUnderTest()}`, () => {
  // `Retry-After: 31536000` from a proxy stopped checks and Refresh for a year.
  it("a Retry-After of a year holds checks and Refresh back for an hour", async () => {
    const asked = Date.now();
    const popup = await throttledByRefresh("31536000");
    const { backoff } = await storedStatus(ext);
    expect(backoff?.retryAfterUntil).toBe(backoff?.notBefore);
    // An hour from Cobalt's answer, which came between the click and now.
    expect(backoff!.notBefore).toBeGreaterThanOrEqual(asked + HOUR);
    expect(backoff!.notBefore).toBeLessThanOrEqual(Date.now() + HOUR);
    await popup.waitForText(/Refresh (at|on)/, { selector: "header button" });
    await popup.close();
    fake.clearFaults();
    await letBackoffExpire(ext);
    await ext.waitForBadge((b) => b.text === "3" && !/limiting/.test(b.title), 20_000);
  });

  // "Refresh at 00:15" read as a time today.
  it("says the date of a wait that ends after midnight", async () => {
    const popup = await throttledByRefresh("600");
    const now = new Date();
    const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 0, 15).getTime();
    // As Cobalt's answer late in the evening would have left it.
    await patchStoredHeader(ext, { backoff: { failures: 1, notBefore: tomorrow, retryAfterUntil: tomorrow, throttledAt: tomorrow - 30 * 60_000 } });
    await popup.waitForText(/^Refresh on \w+ \d+ at \d{1,2}:15/, { selector: "header button" });
    await popup.waitForText(/Next try on \w+ \d+ at \d{1,2}:15/);
    await popup.close();
    fake.clearFaults();
    await letBackoffExpire(ext);
    await ext.waitForBadge((b) => b.text === "3" && !/limiting/.test(b.title), 20_000);
  });

  // A user who saw the rate limit, lowered the budget and saved hit Cobalt at once.
  it("a Save that changes no request waits out the rate limit; a Save of other linked accounts checks at once", async () => {
    const popup = await throttledByRefresh("600");
    await popup.close();
    const before = fake.requests.length;
    const options = await ext.openPage(ext.optionsPath);
    await options.fillLabelled("Requests per minute", "60");
    const saved = Date.now();
    await options.clickByRole("button", "Save");
    expect(await waitForDecision(ext, (d) => d.trigger === "settings" && d.at >= saved)).toMatchObject({ run: false, reason: "rate limited" });
    // The options page's own key check asks for one account listing; Cobalt's apps are not asked.
    expect(fake.requests.slice(before).filter((r) => r.path === APPLICATIONS)).toEqual([]);
    expect((await storedStatus(ext)).error?.kind).toBe("rate-limited");

    fake.clearFaults();
    await options.fillLabelled("Linked account IDs", "acme-corp globex");
    const again = Date.now();
    await options.clickByRole("button", "Save");
    expect(await waitForDecision(ext, (d) => d.trigger === "settings" && d.at >= again)).toMatchObject({ run: true });
    await options.waitForText("3 apps need re-authentication", { timeoutMs: 20_000 });
    expect(fake.requests.slice(before).filter((r) => r.path === APPLICATIONS).map((r) => r.linkedAccountId).sort()).toEqual(["acme-corp", "globex"]);
    await options.close();
  });
});
