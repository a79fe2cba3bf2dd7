import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, v3App, type FakeCobalt } from "../fake-cobalt/server.ts";
import { registerWebhook } from "../../src/relay/server/node/register-webhook.ts";
import { axeViolations, describeViolations } from "./support/axe.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { RUNTIMES, startRelayStack, type RelayStack, type Runtime } from "./support/relay-stack.ts";
import { ALARM_NOW, fireCheckAlarm } from "./support/setup.ts";
import { storedSource, storedStatus } from "./support/stored.ts";
import type { Status } from "../../src/core/status/model.ts";

// Team mode from the extension's side: the browser → the real relay → the fake Cobalt.
// The Cobalt key lives in the relay alone; the browser holds a member token. The journey works as
// with a key (badge, popup, Reconnect with a link the relay makes), the key is in nothing the
// browser sends or receives, a webhook reaches the badge at the next poll without the browser
// asking Cobalt anything, and a revoked token shows its own state. All of it against the relay on
// Node and against the same relay on Workers (in workerd), each with a browser of its own.

const KEY = "tk_demo_key";

async function expectNoViolations(page: ExtPage): Promise<void> {
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}

const FOUR_APPS = (b: { text: string }) => b.text === "4";
/** What the extension polls: the compact status, which lists what is broken and counts the rest. */
const STATUS = "/v1/status?compact=1";

/** The stored status of the relay source once it satisfies `pred` (read without waking the background). */
async function storedStatusWhen(session: ExtensionSession, pred: (status: Status) => boolean, limitMs = 20_000): Promise<Status> {
  const end = Date.now() + limitMs;
  for (;;) {
    const status = await storedStatus(session);
    if (pred(status)) return status;
    if (Date.now() > end) throw new Error(`storedStatusWhen: never; last ${JSON.stringify({ ...status, accounts: status.accounts.length })}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(RUNTIMES)(`a team relay source in ${browserUnderTest()}, the relay on %s`, (runtime: Runtime) => {
  let fake: FakeCobalt;
  let stack: RelayStack;
  let ext: ExtensionSession;
  let token: string;

  beforeAll(async () => {
    fake = await startFakeCobalt({ flavor: "v3" });
    seedDemoOrg(fake);
    stack = await startRelayStack(fake, KEY, runtime);
    token = await stack.addMember("alice");
    ext = await launchExtension();
  });

  afterAll(async () => {
    await ext?.close();
    await stack?.close();
    await fake?.close();
  });

  it("is set up in Options: Team relay, its URL and token, Save asks for the relay origin, and the live check says the token works", async () => {
    const options = await ext.openPage(ext.optionsPath);
    await options.click('input[type="radio"][value="relay"]');
    await options.waitForText("Member token");
    await expectNoViolations(options);
    await options.fillLabelled("Relay URL", stack.url);
    await options.fillLabelled("Member token", token);
    await options.clickByRole("button", "Save");
    await options.waitForText("Connected (team relay): 3 linked accounts, 3 apps need re-authentication in 2 linked accounts.", { timeoutMs: 30_000 });
    // The token is masked like a key, and only shown in part.
    expect(await options.attr("#token", "type")).toBe("password");
    await options.waitForText(/Saved token: cire•+/);
    expect(await storedSource(ext)).toEqual({ id: "main", kind: "relay", label: "", relayUrl: stack.url, token, intervalMinutes: 1 });
    // With the origin granted, the live check asks the relay as the token is typed.
    await options.fillLabelled("Member token", "cirelay_not_a_member");
    await options.waitForText("The relay rejected this token: it may have been revoked or mistyped.", { selector: "#token-check" });
    await options.fillLabelled("Member token", token);
    await options.waitForText("Token accepted by the relay.", { selector: "#token-check" });
    await expectNoViolations(options);
    await options.close();
  });

  it("counts the apps on the badge and lists them in the popup as for a key, since-when included", async () => {
    const badge = await ext.waitForBadge((b) => b.text === "3");
    expect(badge.title).toContain("3 apps need re-authentication across 2 linked accounts");
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Copper");
    const text = await popup.text();
    for (const name of ["Hubspot", "Salesforce", "Acme Inc.", "Globex Corporation", "team relay"]) expect(text).toContain(name);
    await popup.click("details.healthy summary");
    await popup.waitForText("Twilio");
    await expectNoViolations(popup);
    await popup.close();
    const status = await storedStatus(ext);
    const apps = status.accounts.flatMap((account) => account.reauth);
    expect(apps.map((app) => app.slug).sort()).toEqual(["copper", "hubspot", "salesforce"]);
    for (const app of apps) expect(app.since).toEqual(expect.any(Number));
  });

  it("asks the relay for the healthy apps only when the popup opens them: Loading… meanwhile, then every account's, named, with the counts from the status", async () => {
    // Polls ask for the compact status alone; no poll asks for the healthy apps.
    stack.clearExchanges();
    await fireCheckAlarm(ext);
    await storedStatusWhen(ext, (status) => stack.exchanges().some((exchange) => exchange.path === STATUS) && status.relay?.unlisted !== undefined);
    // Every poll (a busy machine may see the alarm's and another) asks for the compact status alone.
    expect(new Set(stack.exchanges().map((exchange) => exchange.path))).toEqual(new Set([STATUS]));
    const served = await stack.served();
    // initech has nothing to show: the status counts it instead of listing it.
    expect((await storedStatus(ext)).accounts.map((account) => account.id)).not.toContain("initech");
    const total = Object.values(served.healthy).reduce((sum, apps) => sum + apps.length, 0);
    const release = stack.hold("/v1/healthy-apps");
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText(`Healthy connected apps (${total})`);
    await popup.click("details.healthy summary");
    await popup.waitForText("Loading…", { selector: "details.healthy" });
    release();
    for (const [id, apps] of Object.entries(served.healthy)) {
      const account = served.status.accounts.find((candidate) => candidate.id === id)!;
      for (const app of apps) await popup.waitForText(app.name, { selector: "details.healthy" });
      if (apps.length > 0) await popup.waitForText(`${account.name} (${id})`, { selector: "details.healthy" });
    }
    await popup.waitForNoText("Loading…", { selector: "details.healthy" });
    expect(await popup.count("details.healthy li")).toBe(total);
    // Asked once, compact, with the ETag of the list kept from before: unchanged, so a 304.
    const asked = stack.exchanges().filter((exchange) => exchange.path.startsWith("/v1/healthy-apps"));
    expect(asked.map((exchange) => [exchange.path, exchange.status, exchange.requestHeaders["if-none-match"] !== undefined])).toEqual([["/v1/healthy-apps?compact=1", 304, true]]);
    await expectNoViolations(popup);
    await popup.close();
  });

  it("Reconnect opens the link the relay made, which the relay audited; Copy link asks the relay too", async () => {
    stack.clearExchanges();
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Hubspot");
    const opened = ext.waitForTab((url) => url.includes("/oauth/authorize/hubspot"));
    await popup.clickByRole("button", "Reconnect Hubspot");
    await opened;
    const links = stack.exchanges().filter((exchange) => exchange.path === "/v1/links");
    expect(links.map((exchange) => [exchange.status, JSON.parse(exchange.requestBody)])).toEqual([[200, { sourceId: "team", linkedAccountId: "acme-corp", slug: "hubspot" }]]);
    expect(await stack.auditLog()).toContain('"member":"alice"');
    const again = await ext.openPage(ext.popupPath);
    await again.waitForText("Salesforce");
    await again.clickByRole("button", "Copy link to reconnect Salesforce");
    await again.waitForText(/Copied|select the link/);
    expect(stack.exchanges().filter((exchange) => exchange.path === "/v1/links")).toHaveLength(2);
    await popup.close();
    await again.close();
  });

  it("sent the Cobalt key in no request the browser made and in no response it saw; the token went to the relay only", () => {
    const requests = ext.requests();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((request) => JSON.stringify(request).includes(KEY)).map((request) => request.url)).toEqual([]);
    // The browser never asked Cobalt's API: only the relay did.
    expect(requests.filter((request) => request.url.startsWith(`${fake.origin}/`)).map((request) => request.url)).toEqual([]);
    expect(fake.requests.some((request) => request.headers["x-api-key"] === KEY)).toBe(true);
    for (const request of requests.filter((each) => JSON.stringify(each).includes(token))) {
      expect(new URL(request.url).origin, request.url).toBe(stack.url);
      expect(request.headers.authorization).toBe(`Bearer ${token}`);
      expect(request.url).not.toContain(token);
    }
    for (const exchange of stack.exchanges()) {
      expect(exchange.responseBody, exchange.path).not.toContain(KEY);
      expect(JSON.stringify(exchange.responseHeaders), exchange.path).not.toContain(KEY);
    }
  });

  it("polls with If-None-Match: a relay with nothing new answers 304 and only the checked time moves", async () => {
    const before = await storedStatus(ext);
    stack.clearExchanges();
    await fireCheckAlarm(ext);
    const after = await storedStatusWhen(ext, (status) => status.checkedAt! > before.checkedAt!);
    const polls = stack.exchanges().filter((exchange) => exchange.path === STATUS);
    expect(polls.map((exchange) => [exchange.status, exchange.requestHeaders["if-none-match"] !== undefined])).toEqual([[304, true]]);
    expect({ ...after, checkedAt: 0 }).toEqual({ ...before, checkedAt: 0 });
  });

  it("a webhook for a newly expired connection reaches the badge at the next poll, with no Cobalt request from the browser", async () => {
    await registerWebhook(stack.source, stack.directUrl, fetch);
    const initech = fake.accounts().find((account) => account.account_id === "initech")!;
    fake.setAccount({ ...initech, apps: [v3App("jira", { status: "expired", icon: fake.iconUrl("jira") }), ...initech.apps.slice(1)] });
    ext.clearRequests();
    expect(await fake.emitConnectionEvent({ event: "Connection Expired", linkedAccountId: "initech", slug: "jira" })).toEqual([{ url: `${stack.directUrl}/v1/cobalt/webhook/team`, status: 200 }]);
    await stack.waitForStatus((status) => status.sources[0]!.accounts.some((account) => account.id === "initech" && account.reauth.length > 0));
    // Nothing reaches the browser by itself: it learns at its next poll.
    expect((await ext.badge()).text).toBe("3");
    await ext.evalInBackground(ALARM_NOW);
    const badge = await ext.waitForBadge(FOUR_APPS, 20_000);
    expect(badge.title).toContain("4 apps need re-authentication across 3 linked accounts");
    const asked = ext.requests();
    expect(asked.some((request) => request.url === `${stack.url}${STATUS}`)).toBe(true);
    expect(asked.filter((request) => request.url.startsWith(`${fake.origin}/`)).map((request) => request.url)).toEqual([]);
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Jira");
    await popup.close();
  });

  it("a revoked token (remove-member) shows its own state, and the last list stays", async () => {
    expect(await stack.removeMember("alice")).toBe(true);
    await ext.evalInBackground(ALARM_NOW);
    const badge = await ext.waitForBadge((b) => b.text === "TOK", 20_000);
    expect(badge.title).toContain("Team relay token rejected");
    const popup = await ext.openPage(ext.popupPath);
    await popup.waitForText("Team relay token rejected: enter a valid token in Options.", { selector: '[role="alert"]' });
    await popup.waitForText("The token may have been revoked.");
    expect(await popup.text()).toContain("Jira");
    // The healthy apps cannot be asked for either: the section says why, and lists those kept from before.
    await popup.click("details.healthy summary");
    await popup.waitForText("Could not load the healthy connected apps from the team relay:", { selector: "details.healthy" });
    await popup.waitForText("Twilio", { selector: "details.healthy" });
    await expectNoViolations(popup);
    await popup.close();
    // It waits for the user: the next tick asks the relay nothing.
    stack.clearExchanges();
    const decision = await fireCheckAlarm(ext);
    expect(decision).toMatchObject({ run: false, reason: "waiting for the user" });
    expect(stack.exchanges()).toEqual([]);
  });
});
