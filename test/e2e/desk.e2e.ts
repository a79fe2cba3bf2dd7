import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, v3App, type FakeCobalt } from "../fake-cobalt/server.ts";
import { registerWebhook } from "../../src/relay/server/node/register-webhook.ts";
import { axeViolations, describeViolations } from "./support/axe.ts";
import { launchExtension, type ExtensionSession, type ExtPage } from "./support/browsers.ts";
import { startRelayStack, type RelayStack } from "./support/relay-stack.ts";
import { ALARM_NOW } from "./support/setup.ts";

// The team's desk end to end: two members of one relay, Alice in Chromium and Bob in Firefox,
// each with the built extension, against the real relay (on Node) and the fake Cobalt. What one
// does on the desk reaches the other's open popup by its own poll (every 10 s while open): the
// test waits on what the pages show, never for a set time.
//
// Both browsers take part in every run, so this file runs in the e2e-chromium project only
// (vitest.config.ts leaves it out of e2e-firefox): run there too, it would test the same thing twice.

const KEY = "tk_demo_key";
const NOTE = "customer on holiday until Monday";
/** A poll of an open popup comes within 10 s; one that answered late waits one more round. */
const POLLED = { timeoutMs: 30_000 };

/** The desk's line of one app's row (its data-desk-for is the row's key, which ends with the slug). */
const deskOf = (slug: string) => `[data-desk-for$=${JSON.stringify(`"${slug}"]`)}]`;

async function expectNoViolations(page: ExtPage): Promise<void> {
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}

/** Polls until the focused element is the one `selector` names (the popup moves the focus on the next frame). */
async function waitForFocus(page: ExtPage, selector: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!(await page.evaluate<boolean>(`document.activeElement?.matches(${JSON.stringify(selector)}) === true`))) {
    if (Date.now() > end) throw new Error(`waitForFocus: ${selector} never had the focus`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sets a relay source up the way a member does: Options, Team relay, URL, token and interval, Save. */
async function joinRelay(ext: ExtensionSession, url: string, token: string): Promise<void> {
  const options = await ext.openPage(ext.optionsPath);
  await options.click('input[type="radio"][value="relay"]');
  await options.fillLabelled("Relay URL", url);
  await options.fillLabelled("Member token", token);
  // The schedule's poll is an hour away: what reaches an open popup comes by the popup's own poll.
  await options.fillLabelled("Check every (minutes)", "60");
  await options.clickByRole("button", "Save");
  await options.waitForText(/Connected \(team relay\)/, { timeoutMs: 30_000 });
  await options.close();
}

describe("the team's desk: Alice in Chromium and Bob in Firefox on one relay", () => {
  let fake: FakeCobalt;
  let stack: RelayStack;
  let alice: ExtensionSession;
  let bob: ExtensionSession;
  let alicePopup: ExtPage;
  let bobPopup: ExtPage;

  beforeAll(async () => {
    fake = await startFakeCobalt({ flavor: "v3" });
    seedDemoOrg(fake);
    stack = await startRelayStack(fake, KEY, "node");
    const [aliceToken, bobToken] = [await stack.addMember("Alice"), await stack.addMember("Bob")];
    [alice, bob] = await Promise.all([launchExtension({ browser: "chromium" }), launchExtension({ browser: "firefox" })]);
    await joinRelay(alice, stack.url, aliceToken);
    await joinRelay(bob, stack.url, bobToken);
    await alice.waitForBadge((badge) => badge.text === "3", 30_000);
    await bob.waitForBadge((badge) => badge.text === "3", 30_000);
  }, 180_000);

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await stack?.close();
    await fake?.close();
  });

  it("Alice says she is on Hubspot; Bob's open popup shows it on that row by its own poll", async () => {
    bobPopup = await bob.openPage(bob.popupPath);
    alicePopup = await alice.openPage(alice.popupPath);
    await bobPopup.waitForText("I'm on it", { selector: deskOf("hubspot") });
    await alicePopup.clickByRole("button", "I'm on it: Hubspot");
    await alicePopup.waitForText(/^You · since \d/, { selector: `${deskOf("hubspot")} .claimed` });
    await bobPopup.waitForText(/^Alice · since \d/, { ...POLLED, selector: `${deskOf("hubspot")} .claimed` });
    // Bob can take it over; Alice can let it go.
    expect(await bobPopup.count(`${deskOf("hubspot")} button[data-desk="take-over"]`)).toBe(1);
    expect(await alicePopup.count(`${deskOf("hubspot")} button[data-desk="release"]`)).toBe(1);
    await expectNoViolations(bobPopup);
    await expectNoViolations(alicePopup);
  });

  it("Bob takes it over, and Alice's open popup says he took it from her", async () => {
    await bobPopup.clickByRole("button", "Take over Hubspot from Alice");
    await bobPopup.waitForText(/^You · since \d.* · took over from Alice$/, { selector: `${deskOf("hubspot")} .claimed` });
    await alicePopup.waitForText(/^Bob took over from you · since \d/, { ...POLLED, selector: `${deskOf("hubspot")} .claimed` });
    // Alice may take it back in turn.
    expect(await alicePopup.count(`${deskOf("hubspot")} button[data-desk="take-over"]`)).toBe(1);
  });

  it("Alice counts only the breaks nobody is on (Options); Bob's team mute takes Copper off her badge at her next poll, and her Unmute ends it for both", async () => {
    const options = await alice.openPage(alice.optionsPath);
    await options.clickByRole("checkbox", "Count only breaks nobody is on");
    await options.clickByRole("button", "Save");
    await options.waitForText("Saved.");
    await options.close();
    // Hubspot is Bob's: left out of Alice's count, and her badge's tooltip says who is on it.
    const unclaimed = await alice.waitForBadge((badge) => badge.text === "2");
    expect(unclaimed.title).toContain("Bob");
    await bobPopup.clickByRole("button", "Mute Copper");
    await bobPopup.clickByRole("button", "1 hour", { within: "Mute Copper for" });
    await bobPopup.waitForText(/Muted \(1\)/);
    await alice.evalInBackground(ALARM_NOW);
    await alice.waitForBadge((badge) => badge.text === "1", 20_000);
    // Alice's Muted row says who muted it for the team, and until when.
    await alicePopup.waitForText(/Muted \(1\)/, POLLED);
    await alicePopup.click("details.muted-apps summary");
    await alicePopup.waitForText(/Muted for the team by Bob until \d/, { selector: "details.muted-apps" });
    await expectNoViolations(alicePopup);
    // Anyone may unmute it, for the whole team: back on Alice's badge, and off Bob's Muted list.
    await alicePopup.clickByRole("button", "Unmute Copper");
    await alice.waitForBadge((badge) => badge.text === "2", 20_000);
    await bobPopup.waitForNoText(/Muted \(1\)/, POLLED);
  });

  it("Alice's note on Salesforce is seen by both, and her Copy summary carries it with who wrote it", async () => {
    // The keyboard goes into the note's field, and back to the Note button once it is saved.
    await alicePopup.clickByRole("button", "Note on Salesforce");
    await waitForFocus(alicePopup, `${deskOf("salesforce")} textarea`);
    await alicePopup.fillLabelled("Note for the team on Salesforce", NOTE);
    await alicePopup.waitForText("248 characters left", { selector: deskOf("salesforce") });
    await expectNoViolations(alicePopup);
    await alicePopup.clickByRole("button", "Save note");
    await alicePopup.waitForText(`“${NOTE}” — You`, { selector: deskOf("salesforce") });
    await waitForFocus(alicePopup, `${deskOf("salesforce")} button[data-desk="note"]`);
    await bobPopup.waitForText(`“${NOTE}” — Alice`, { ...POLLED, selector: deskOf("salesforce") });
    await alicePopup.clickByRole("button", "Copy summary");
    await alicePopup.waitForText("Summary copied");
    const summary = await alice.readClipboard(alicePopup);
    expect(summary).toContain(`Note from Alice`);
    expect(summary).toContain(NOTE);
    expect(summary).toContain("On it: Bob");
  });

  it("a change the relay refuses says why on the row: Bob's \"I'm on it\" for what Alice took meanwhile", async () => {
    // No popup learns of Alice's claim before Bob clicks: the members' polls wait at the relay's door.
    const release = stack.hold("/v1/status");
    await alicePopup.clickByRole("button", "I'm on it: Salesforce");
    await stack.waitForStatus((status) => (status.sources[0]!.desk?.claims ?? []).some((claim) => claim.app === "salesforce"));
    await bobPopup.clickByRole("button", "I'm on it: Salesforce");
    release();
    await bobPopup.waitForText("Someone else is on it now: you can take it over instead.", { selector: `li.app:has(${deskOf("salesforce")})` });
    await bobPopup.waitForText(/^Alice · since \d/, { selector: `${deskOf("salesforce")} .claimed` });
    await expectNoViolations(bobPopup);
  });

  it("fixing Hubspot in Cobalt ends Bob's claim, and both popups say it was fixed while he was on it", async () => {
    await registerWebhook(stack.source, stack.directUrl, fetch);
    const acme = fake.accounts().find((account) => account.account_id === "acme-corp")!;
    const apps = (acme.apps as Record<string, unknown>[]).map((app) => (app.slug === "hubspot" ? v3App("hubspot", { status: "active", icon: fake.iconUrl("hubspot") }) : app));
    fake.setAccount({ ...acme, apps });
    await fake.emitConnectionEvent({ event: "Connection Created", linkedAccountId: "acme-corp", slug: "hubspot" });
    await stack.waitForStatus((status) => {
      const desk = status.sources[0]!.desk;
      return (desk?.fixed ?? []).some((fixed) => fixed.app === "hubspot") && !(desk?.claims ?? []).some((claim) => claim.app === "hubspot");
    });
    await bobPopup.waitForText("Fixed while you were on it", POLLED);
    await alicePopup.waitForText("Fixed while Bob was on it", POLLED);
    expect(await alicePopup.count(deskOf("hubspot"))).toBe(0);
    await expectNoViolations(bobPopup);
    // Each step is in the audit log, with who, what and where.
    const audit = (await stack.auditLog()).split("\n").flatMap((line) => (line.trim() === "" ? [] : [JSON.parse(line) as Record<string, unknown>]));
    const desk = audit.filter((line) => ["claim", "take-over", "mute", "unmute", "note", "claim-ended"].includes(String(line.action)));
    expect(desk.map((line) => [line.member, line.action, line.linkedAccount, line.app, line.outcome])).toEqual([
      ["Alice", "claim", "acme-corp", "hubspot", "done"],
      ["Bob", "take-over", "acme-corp", "hubspot", "done"],
      ["Bob", "mute", "acme-corp", "copper", "done"],
      ["Alice", "unmute", "acme-corp", "copper", "done"],
      ["Alice", "note", "globex", "salesforce", "done"],
      ["Alice", "claim", "globex", "salesforce", "done"],
      ["Bob", "claim", "globex", "salesforce", "refused"],
      ["Bob", "claim-ended", "acme-corp", "hubspot", "done"],
    ]);
  });
});
