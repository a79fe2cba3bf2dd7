import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { RelayHealthSchema } from "../../../../src/relay/protocol/v1.ts";
import { sendWebhook, startFakeCobalt, v3App } from "../../../fake-cobalt/server.ts";
import { startMailbox, startSlackStandIn, startWebhookReceiver, type HttpReceiver, type Mailbox, type WebhookReceiver } from "./alert-receivers.ts";
import { DEMO_KEY, RUNTIMES, startStack, waitFor, workerBundle, type Runtime, type Stack } from "./support.ts";

/*
 * The relay's alerts end to end: the real relay (Node, and Workers for Slack and the webhook:
 * a Worker sends no email) against the fake Cobalt server, with a Slack stand-in, a webhook
 * receiver that checks the signature, and a real SMTP server. Waits are for states, never for
 * times: "within 5 s" is measured by `npm run bench:relay`, not asserted here.
 */

interface Receivers {
  slack: HttpReceiver;
  hook: WebhookReceiver;
  mail: Mailbox | undefined;
}

let stack: Stack | undefined;
let receivers: Receivers | undefined;

afterEach(async () => {
  if (stack) {
    if (receivers) assertNoSecret(stack, receivers);
    await stack.close();
  }
  await Promise.all([receivers?.slack.close(), receivers?.hook.close(), receivers?.mail?.close()]);
  stack = undefined;
  receivers = undefined;
});

/** No log line, answer or stored byte holds a channel's URL, the webhook secret or the SMTP password. */
function assertNoSecret(s: Stack, r: Receivers): void {
  const secrets = [r.slack.url, new URL(r.slack.url).pathname, r.hook.url, r.hook.secret, r.hook.secret.slice("whsec_".length), ...(r.mail ? [r.mail.url, r.mail.password] : [])];
  const stored = readdirSync(s.dataDir, { recursive: true, encoding: "utf8" })
    .map((name) => join(s.dataDir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path).toString("latin1"));
  expect(stored.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    for (const line of s.logs) expect(line).not.toContain(secret);
    for (const response of s.responses) expect(response.body + response.headers).not.toContain(secret);
    for (const text of stored) expect(text).not.toContain(secret);
  }
}

async function startReceivers(runtime: Runtime): Promise<Receivers> {
  const [slack, hook, mail] = await Promise.all([startSlackStandIn(), startWebhookReceiver(), runtime === "node" ? startMailbox() : undefined]);
  return { slack, hook, mail };
}

/** Retries a fraction of a second apart, so "fails for a minute" is a moment here. */
function alertsFor(r: Receivers) {
  const alerts: unknown[] = [
    { kind: "slack", webhookUrlEnv: "TEAM_SLACK_URL" },
    { kind: "webhook", urlEnv: "TEAM_HOOK_URL", secretEnv: "TEAM_HOOK_SECRET" },
  ];
  const env: Record<string, string> = { TEAM_SLACK_URL: r.slack.url, TEAM_HOOK_URL: r.hook.url, TEAM_HOOK_SECRET: r.hook.secret };
  if (r.mail) {
    alerts.push({ kind: "email", smtpUrlEnv: "TEAM_SMTP_URL", from: "relay@example.com", to: ["support@example.com"] });
    env.TEAM_SMTP_URL = r.mail.url;
  }
  return { file: { alerts, alertRules: { retry: { firstSeconds: 0.05, maxSeconds: 0.2 } } }, env };
}

const slackTexts = (r: Receivers) => r.slack.accepted.map((posted) => (JSON.parse(posted.body) as { text: string }).text);
const hookBodies = (r: Receivers) => r.hook.accepted.map((posted) => JSON.parse(posted.body) as { type: string; data: { item?: { accountId: string; slug: string } } });

/** An app of a linked account breaks (or works again) in the fake Cobalt, and Cobalt's webhook (signed with the key) says so. */
async function setApp(s: Stack, accountId: string, slug: string, status: "expired" | "active"): Promise<void> {
  const account = s.fake.accounts().find((each) => each.account_id === accountId)!;
  s.fake.setAccount({ ...account, apps: account.apps.map((app) => (app.slug === slug ? v3App(slug, { status }) : app)) });
  const event = { event: status === "expired" ? "Connection Expired" : "Connection Created", linked_account_id: accountId, environment: "test", slug };
  expect((await sendWebhook(`${s.url}/v1/cobalt/webhook/team`, event, DEMO_KEY)).status).toBe(200);
}

const setJira = (s: Stack, status: "expired" | "active") => setApp(s, "initech", "jira", status);

/** The relay is up, has checked once and recorded what was broken then (the baseline). */
async function ready(s: Stack): Promise<void> {
  await s.checked();
  await waitFor(() => s.logs.some((line) => line.includes('"event":"alerts-baseline"')));
}

async function health(s: Stack) {
  return RelayHealthSchema.parse(JSON.parse((await s.call("/v1/health")).body));
}

describe.each(RUNTIMES)("alerts from the relay on %s", { timeout: 60_000 }, (runtime: Runtime) => {
  beforeAll(async () => {
    if (runtime === "workers") await workerBundle();
  }, 120_000);

  it("a Connection Expired webhook gives one message per channel naming the customer and app; fixing it one 'fixed' each; a restart in between repeats nothing", async () => {
    receivers = await startReceivers(runtime);
    const r = receivers;
    stack = await startStack({ runtime, alerts: alertsFor(r) });
    await ready(stack);
    // What was broken before is the baseline: announced by nobody.
    expect([r.slack.accepted.length, r.hook.accepted.length, r.mail?.mails.length ?? 0]).toEqual([0, 0, 0]);

    await setJira(stack, "expired");
    await waitFor(() => r.slack.accepted.length === 1 && r.hook.accepted.length === 1 && (r.mail?.mails.length ?? 1) === 1);
    expect(slackTexts(r)[0]).toContain("Initech (initech): Jira needs re-authentication");
    const blocks = JSON.stringify((JSON.parse(r.slack.accepted[0]!.body) as { blocks: unknown }).blocks);
    expect(blocks).toContain("Initech (initech)");
    expect(blocks).toContain("Team (test), test environment");
    expect(hookBodies(r)[0]).toMatchObject({ type: "connection.broken", data: { item: { accountId: "initech", accountName: "Initech", slug: "jira", app: "Jira" }, source: { id: "team" } } });
    if (r.mail) expect(r.mail.mails[0]).toMatchObject({ from: "relay@example.com", to: ["support@example.com"], subject: expect.stringContaining("Initech (initech): Jira needs re-authentication") });

    // A member is on it (the team's desk, kept across the restart below).
    const alice = await stack.addMember("alice");
    const claim = { action: "claim", sourceId: "team", linkedAccountId: "initech", slug: "jira" };
    expect((await stack.call("/v1/desk", { method: "POST", token: alice, headers: { "content-type": "application/json" }, body: JSON.stringify(claim) })).status).toBe(200);

    // Cobalt sends the same event again: the break is already announced.
    const rechecks = stack.logs.filter((line) => line.includes('"event":"recheck"')).length;
    await setJira(stack, "expired");
    await waitFor(() => stack!.logs.filter((line) => line.includes('"event":"recheck"')).length > rechecks);
    await stack.restart();
    await stack.checked();

    await setJira(stack, "active");
    await waitFor(() => r.slack.accepted.length === 2 && r.hook.accepted.length === 2 && (r.mail?.mails.length ?? 2) === 2);
    // The "fixed" says who was on it: the claim the fix ended.
    expect(hookBodies(r)[1]).toMatchObject({ type: "connection.fixed", data: { item: { slug: "jira", claimedBy: "alice" } } });
    expect(JSON.stringify((JSON.parse(r.slack.accepted[1]!.body) as { blocks: unknown }).blocks)).toContain("alice");
    if (r.mail) expect(r.mail.mails[1]!.text).toContain("alice");
    // A full check finds nothing new; then another break, the last word: each channel sends in
    // the order decided, so whatever the checks before it had queued has arrived before it.
    await stack.checkNow();
    await setApp(stack, "globex", "netsuite", "expired");
    await waitFor(() => r.slack.accepted.length >= 3 && r.hook.accepted.length >= 3 && (r.mail?.mails.length ?? 3) >= 3);
    expect(slackTexts(r)).toEqual([
      "Initech (initech): Jira needs re-authentication (Team (test))",
      "Initech (initech): Jira no longer needs re-authentication (Team (test))",
      "Globex Corporation (globex): Netsuite needs re-authentication (Team (test))",
    ]);
    expect(hookBodies(r).map((body) => body.type)).toEqual(["connection.broken", "connection.fixed", "connection.broken"]);
    expect(new Set(r.hook.accepted.map((posted) => posted.headers["webhook-id"])).size).toBe(3);
    if (r.mail) expect(r.mail.mails.map((mail) => mail.subject.replace(/^\[Cobalt\] /, ""))).toEqual(slackTexts(r));
  });

  it("a channel that fails and then recovers receives everything once, in order; the others are not held up; /v1/health says which fails and how old its oldest message is", async () => {
    receivers = await startReceivers(runtime);
    const r = receivers;
    r.slack.failWith(503);
    stack = await startStack({ runtime, alerts: alertsFor(r) });
    await ready(stack);

    await setJira(stack, "expired");
    // The webhook and email go at once while Slack keeps failing.
    await waitFor(() => r.hook.accepted.length === 1 && (r.mail?.mails.length ?? 1) === 1 && r.slack.refused >= 2);
    await setJira(stack, "active");
    await waitFor(() => r.hook.accepted.length === 2 && (r.mail?.mails.length ?? 2) === 2);
    const failing = await health(stack);
    expect(failing.ok).toBe(true);
    expect(failing.alerts?.ok).toBe(false);
    expect(failing.alerts?.channels.slice(0, 2)).toMatchObject([{ id: "slack", kind: "slack", ok: false, undelivered: 2, lastFailure: { status: 503 } }, { id: "webhook", ok: true, undelivered: 0 }]);
    expect(failing.alerts!.oldestUndeliveredSeconds).toBeGreaterThanOrEqual(0);
    expect(failing.alerts!.channels[0]!.failingSince).toBeGreaterThan(0);
    expect(r.slack.accepted).toEqual([]);

    r.slack.failWith(undefined);
    await waitFor(() => r.slack.accepted.length === 2);
    expect(slackTexts(r)).toEqual(["Initech (initech): Jira needs re-authentication (Team (test))", "Initech (initech): Jira no longer needs re-authentication (Team (test))"]);
    // Sent, then recorded as sent: the health follows a moment after the receiver has it.
    await waitFor(async () => (await health(stack!)).alerts?.channels[0]?.undelivered === 0);
    expect((await health(stack)).alerts?.channels.slice(0, 2)).toMatchObject([{ id: "slack", ok: true, undelivered: 0 }, { id: "webhook", ok: true, undelivered: 0 }]);
    expect(stack.logs.filter((line) => line.includes('"event":"alert-failed"') && line.includes('"channel":"slack"')).length).toBeGreaterThanOrEqual(2);
    expect(stack.logs.filter((line) => line.includes('"event":"alert-sent"') && line.includes('"channel":"slack"'))).toHaveLength(2);
  });
});

describe("the relay's own trouble, on node", { timeout: 60_000 }, () => {
  it("says once that Cobalt rejects the key, and once that it works again", async () => {
    receivers = await startReceivers("workers");
    const r = receivers;
    const fake = await startFakeCobalt();
    fake.setAccount({ account_id: "acme-corp", name: "Acme Inc.", apps: [v3App("hubspot", { status: "expired" })] });
    stack = await startStack({ fake, alerts: alertsFor(r) });
    await stack.checked();
    await waitFor(() => r.hook.accepted.length === 1);
    expect(hookBodies(r)[0]).toMatchObject({ type: "relay.trouble", data: { problem: "key-rejected", errorKind: "unauthorized", source: { id: "team" } } });
    // Failing again is not news.
    await stack.checkNow();
    fake.addKey(DEMO_KEY, "test");
    await stack.checkNow();
    await waitFor(() => r.hook.accepted.length >= 2 && r.slack.accepted.length >= 2);
    expect(hookBodies(r).map((body) => body.type)).toEqual(["relay.trouble", "relay.recovered"]);
    expect(slackTexts(r)[0]).toContain("Cobalt rejects the relay's API key for Team (test)");
    // Recovery is the baseline too: what was broken all along is not announced one by one.
    await stack.checkNow();
    await setApp(stack, "acme-corp", "hubspot", "active");
    await waitFor(() => r.hook.accepted.length >= 3);
    expect(hookBodies(r).map((body) => body.type)).toEqual(["relay.trouble", "relay.recovered", "connection.fixed"]);
    assertNoSecret(stack, r);
    await stack.close();
    stack = undefined;
    await fake.close();
  });
});
