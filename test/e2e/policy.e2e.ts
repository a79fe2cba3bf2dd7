import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { managedRelayId } from "../../src/core/settings/policy.ts";
import { axeViolations, describeViolations } from "./support/axe.ts";
import { browserUnderTest, launchExtension, type ExtensionSession, type ExtPage, type LaunchOptions } from "./support/browsers.ts";
import { ChromiumPolicy, launchFirefoxWithPolicy, reloadChromiumPolicy, type PolicyValues } from "./support/policy-files.ts";
import { startRelayStack, type RelayStack } from "./support/relay-stack.ts";
import { checkNow, configureThroughOptions } from "./support/setup.ts";

// Settings pushed by IT policy, from real policy files as an administrator writes them: Chromium
// reads /etc/chromium/policies/managed/*.json (at start, and again when told: the managed storage
// area then changes), Firefox ESR reads the policies file of its install folder (FIREFOX_POLICY_FILE) at start.
// A relay the policy sets asks only for the member's token; a policy that allows no Cobalt keys
// leaves no key in the browser; values that cannot be used are named in Options; and a policy
// taken back takes its relays (and their tokens) with it, never the user's own settings.

const browser = browserUnderTest();
const KEY = "tk_demo_key";
let fake: FakeCobalt;
let stack: RelayStack;
let token: string;
let ext: ExtensionSession | undefined;
const chromiumPolicy = browser === "chromium" ? new ChromiumPolicy() : undefined;

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  stack = await startRelayStack(fake, KEY);
  token = await stack.addMember("alice");
});

afterAll(async () => {
  try {
    await ext?.close();
  } finally {
    // Chromium re-reads its policy folder while it runs: the file goes once the browser is closed, whatever happened.
    chromiumPolicy?.dispose();
    await stack?.close();
    await fake?.close();
  }
});

/** Starts the browser with this policy (none: undefined), as a browser starts with what IT provisioned. */
async function launchWithPolicy(values: PolicyValues | undefined, opts: LaunchOptions = {}): Promise<ExtensionSession> {
  if (chromiumPolicy) {
    if (values) chromiumPolicy.set(values);
    else chromiumPolicy.remove();
    return launchExtension(opts);
  }
  return values ? launchFirefoxWithPolicy(values, opts) : launchExtension(opts);
}

/** IT changes the policy: Chromium takes it in while it runs; Firefox at its next start (the same profile). */
async function changePolicy(values: PolicyValues, profile: string): Promise<void> {
  if (chromiumPolicy) {
    chromiumPolicy.set(values);
    await reloadChromiumPolicy(ext!);
    return;
  }
  await ext!.close();
  ext = undefined;
  ext = await launchWithPolicy(values, { userDataDir: profile });
}

async function expectNoViolations(page: ExtPage): Promise<void> {
  expect(describeViolations(await axeViolations(page))).toEqual([]);
}

/** Polls storage until `pred` holds for what is stored (never waking the background). */
async function storedWhen(pred: (items: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>> {
  const end = Date.now() + 20_000;
  for (;;) {
    const items = await ext!.storageGet();
    if (pred(items)) return items;
    if (Date.now() > end) throw new Error(`Storage never showed ${what}: ${JSON.stringify(Object.keys(items))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function notificationsBox(page: ExtPage): Promise<{ checked: boolean; disabled: boolean }> {
  return page.evaluate(() => {
    const box = document.querySelector<HTMLInputElement>(".notifications input")!;
    return { checked: box.checked, disabled: box.disabled };
  });
}

function alarm(name: string): Promise<{ periodInMinutes?: number } | null> {
  return ext!.evalInBackground(`(globalThis.browser ?? chrome).alarms.get(${JSON.stringify(name)}).then((a) => a ?? null)`);
}

describe(`a team relay set by IT policy in ${browser}`, () => {
  const profile = mkdtempSync(join(tmpdir(), "cobalt-status-policy-"));
  const relayId = () => managedRelayId(stack.url);
  const policy = (): PolicyValues => ({
    relays: [
      { url: stack.url, label: "Support team" },
      // Plain http to another computer would send the token unencrypted: ignored, and said.
      { url: "http://relay.example.com", label: "Elsewhere" },
      // The same relay again: ignored, and said.
      { url: `${stack.url}/`, label: "Again" },
    ],
    allowApiKeySources: false,
    intervalMinutes: 2,
    intervalMinutesLocked: true,
    notifications: true,
    notificationsLocked: true,
    // A key this version does not know: ignored (Chrome drops it against the schema already).
    colour: "blue",
  });

  it("on a fresh install, shows the relay in Options with its URL and label locked and asks only for the member token", async () => {
    ext = await launchWithPolicy(policy(), { userDataDir: profile });
    const options = await ext.openPage(ext.optionsPath);
    await options.waitForText("Set by your organisation");
    const text = await options.text();
    expect(text).toContain(`Team relay "Support team" at ${stack.url}: you only enter your member token.`);
    expect(text).toContain("Cobalt API keys are not allowed in this browser");
    expect(text).toContain("Team relay sources are checked every 2 minutes.");
    // Each value that could not be used is named, as the administrator wrote it.
    expect(text).toContain(`Entry 2 of your organisation's "relays" was ignored: The relay URL must start with https:// for relay.example.com`);
    expect(text).toContain(`Entry 3 of your organisation's "relays" was ignored: it repeats an earlier relay's URL.`);
    expect(text).not.toContain("Elsewhere");
    expect(text).not.toContain("Again");
    expect(text).not.toContain("colour");
    // The relay alone, as the organisation set it; no Cobalt key is offered.
    expect(await options.valueOfLabelled("Relay URL")).toBe(stack.url);
    expect(await options.attr("#relayUrl", "readonly")).not.toBeNull();
    expect(await options.valueOfLabelled("Label")).toBe("Support team");
    expect(await options.attr("#label", "readonly")).not.toBeNull();
    expect(await options.valueOfLabelled("Check every (minutes)")).toBe("2");
    expect(await options.attr("#intervalMinutes", "readonly")).not.toBeNull();
    expect(await options.attr("#token", "readonly")).toBeNull();
    expect(await options.count("#apiKey, input[type=radio]")).toBe(0);
    expect(text).not.toContain("Remove this source");
    // Notifications are on and locked; the browser's permission is asked for in a click of the member's.
    expect(text).toContain("Notifications are always on.");
    expect(await notificationsBox(options)).toEqual({ checked: true, disabled: true });
    await options.waitForText("Your organisation turned notifications on: allow the browser to show them.");
    await expectNoViolations(options);
    // Firefox grants the request without a prompt (the harness's profile); Chromium would show one that automation cannot answer.
    if (browser === "firefox") {
      await options.clickByRole("button", "Allow notifications");
      await options.waitForNoText("Your organisation turned notifications on");
      expect(await ext.evalInBackground(`(globalThis.browser ?? chrome).permissions.contains({ permissions: ["notifications"] })`)).toBe(true);
    }
    await options.close();
  });

  it("after the member token, checks the relay: the badge counts its apps; the token is stored for that relay alone", async () => {
    const options = await ext!.openPage(ext!.optionsPath);
    await options.fillLabelled("Member token", token);
    await options.clickByRole("button", "Save");
    await options.waitForText("Connected (team relay): 3 linked accounts, 3 apps need re-authentication in 2 linked accounts.", { timeoutMs: 30_000 });
    const badge = await ext!.waitForBadge((b) => b.text === "3");
    expect(badge.title).toContain("3 apps need re-authentication across 2 linked accounts");
    const stored = await ext!.storageGet();
    // Nothing of the policy is stored as the user's own: no settings of theirs, the token apart,
    // and no interval while it is locked.
    expect(stored.settings).toBeUndefined();
    expect(stored.managedRelays).toEqual({ [relayId()]: { relayUrl: stack.url, token } });
    expect((await alarm(`check.${relayId()}`))?.periodInMinutes).toBe(2);
    for (const request of ext!.requests().filter((each) => JSON.stringify(each).includes(token))) expect(new URL(request.url).origin).toBe(stack.url);
    // A source the member adds is a team relay too, with nothing of the organisation's in it.
    await options.clickByRole("button", "Add a source");
    await options.waitForText("New source");
    expect(await options.valueOfLabelled("Relay URL", { within: "New source" })).toBe("");
    expect(await options.count("#apiKey, [id$='-apiKey'], input[type=radio]")).toBe(0);
    await options.fillLabelled("Label", "Mine", { within: "New source" });
    await options.fillLabelled("Relay URL", stack.url, { within: "New source" });
    await options.fillLabelled("Member token", token, { within: "New source" });
    await options.clickByRole("button", "Save", { within: "New source" });
    await ext!.waitForBadge((b) => b.text === "6", 30_000);
    await options.close();
  });

  it("when the policy no longer sets the relay: the relay, its token and its results go; the user's own source stays, at its own interval", async () => {
    const before = await ext!.storageGet();
    const own = (before.settings as { sources: { id: string; label: string; token: string; intervalMinutes: number }[] }).sources;
    expect(own.map(({ label, token: saved, intervalMinutes }) => ({ label, saved, intervalMinutes }))).toEqual([{ label: "Mine", saved: token, intervalMinutes: 1 }]);
    expect(Object.keys(before).some((key) => key.startsWith(`status.${relayId()}`))).toBe(true);
    await changePolicy({ allowApiKeySources: false }, profile);
    const after = await storedWhen((items) => items.managedRelays === undefined && !Object.keys(items).some((key) => key.includes(relayId())), "the relay's token and results gone");
    expect(after.settings).toEqual(before.settings);
    expect(after.policy).toEqual({ allowApiKeySources: false });
    await ext!.waitForBadge((b) => b.text === "3");
    expect(await alarm(`check.${relayId()}`)).toBeNull();
    expect((await alarm(`check.${own[0]!.id}`))?.periodInMinutes).toBe(1);
    const options = await ext!.openPage(ext!.optionsPath);
    await options.waitForText("Cobalt API keys are not allowed in this browser");
    expect(await options.text()).not.toContain("Support team");
    expect(await options.valueOfLabelled("Check every (minutes)")).toBe("1");
    expect(await options.attr("#intervalMinutes", "readonly")).toBeNull();
    // The lock went with the policy: notifications are the member's again, who never turned them on.
    expect(await notificationsBox(options)).toEqual({ checked: false, disabled: false });
    expect((after.settings as { notifications?: boolean }).notifications).toBeUndefined();
    await options.close();
  });
});

describe(`a policy that allows no Cobalt API keys, over a key source, in ${browser}`, () => {
  const profile = mkdtempSync(join(tmpdir(), "cobalt-status-policy-keys-"));

  it("without a policy, says nothing of one (Firefox: its managed storage manifest is not found)", async () => {
    await ext?.close();
    ext = await launchWithPolicy(undefined, { userDataDir: profile });
    await configureThroughOptions(ext, fake, { key: KEY, ids: "acme-corp globex initech", expect: "3 apps need re-authentication" });
    const options = await ext.openPage(ext.optionsPath);
    await options.waitForText("API key");
    expect(await options.text()).not.toContain("organisation");
    await options.close();
    const stored = await ext.storageGet();
    expect(stored.policy).toBeUndefined();
    expect(stored.managedRelays).toBeUndefined();
  });

  it("keeps the source but not its key, never checks it, says why, and offers a team relay instead", async () => {
    await changePolicy({ allowApiKeySources: false }, profile);
    const stored = await storedWhen((items) => (items.settings as { sources: { apiKey: string }[] }).sources[0]!.apiKey === "", "the key removed");
    expect((stored.settings as { sources: unknown[] }).sources).toEqual([
      { id: "main", kind: "cobalt", label: "", apiKey: "", baseUrl: fake.origin, linkedAccountIds: ["acme-corp", "globex", "initech"], intervalMinutes: 5, requestsPerMinute: 120 },
    ]);
    expect(JSON.stringify(await ext!.storageGet())).not.toContain(KEY);
    const options = await ext!.openPage(ext!.optionsPath);
    await options.waitForText("Disabled by your organisation: Cobalt API keys are not allowed in this browser");
    expect(await options.count("#apiKey, [id$='-apiKey'], input[type=radio]")).toBe(0);
    // The page has a team relay to set up in its place.
    expect(await options.valueOfLabelled("Relay URL")).toBe("");
    await expectNoViolations(options);
    await options.close();
    expect(await alarm("check.main")).toBeNull();
    const asked = fake.requests.length;
    await checkNow(ext!);
    expect(fake.requests.slice(asked)).toEqual([]);
  });
});
