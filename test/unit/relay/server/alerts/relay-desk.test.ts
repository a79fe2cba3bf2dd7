import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Channel } from "../../../../../src/relay/server/alerts/channel.ts";
import type { AlertMessage } from "../../../../../src/relay/server/alerts/messages.ts";
import { createLogger } from "../../../../../src/relay/server/base/log.ts";
import { openRelay, type Relay } from "../../../../../src/relay/server/http/relay.ts";
import { startFakeCobalt, v3App, type FakeCobalt } from "../../../../fake-cobalt/server.ts";
import { BACKENDS, openBackends, type Backends } from "../backends.ts";
import { DEMO_KEY, sourceConfig } from "../support.ts";
import { DAY, MINUTE, RULES } from "./fixtures.ts";

/*
 * The alerts over the relay's own desk, as openRelay puts them together, against each of the
 * store's implementations (files; a Durable Object's SQLite in workerd) and the fake Cobalt:
 * members claim, take over and mute through POST /v1/desk, and the alerts say who held a break
 * when it was fixed and send no reminder of what the team muted.
 */

let backends: Backends;
let fake: FakeCobalt;
let relay: Relay | undefined;
beforeAll(async () => {
  backends = await openBackends();
  fake = await startFakeCobalt({ flavor: "v3" });
  fake.addKey(DEMO_KEY, "test");
}, 120_000);
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});
afterAll(async () => {
  await backends.close();
  await fake.close();
});

function setApp(accountId: string, slug: string, status: "expired" | "active"): void {
  const account = fake.accounts().find((each) => each.account_id === accountId)!;
  fake.setAccount({ ...account, apps: account.apps.map((app) => (app.slug === slug ? v3App(slug, { status }) : app)) });
}

describe.each(BACKENDS)("the alerts and the team's desk, records on %s", { timeout: 60_000 }, (backendName) => {
  it("a fix names who held the break then (after a take-over); a break the team muted gets no reminder, the others do", async () => {
    fake.clearAccounts();
    fake.setAccount({ account_id: "acme", name: "Acme Inc.", apps: [v3App("hubspot", { status: "expired" }), v3App("jira", { status: "expired" })] });
    fake.setAccount({ account_id: "globex", name: "Globex", apps: [v3App("zendesk", { status: "expired" })] });
    const sent: AlertMessage[] = [];
    const channel: Channel = { id: "webhook", kind: "webhook", send: async (message) => (sent.push(message), { ok: true }) };
    let offset = 0;
    relay = await openRelay({
      sources: [sourceConfig(fake.origin)],
      backend: await backends.make(backendName),
      log: createLogger({ secrets: [DEMO_KEY], write: () => {} }),
      fetch: (url, init) => fetch(url, init),
      clientAddress: () => "203.0.113.7",
      now: () => Date.now() + offset,
      alerts: { channels: [channel], rules: RULES },
    });
    const r = relay;
    const runner = r.runners[0]!;
    r.alerts!.start();
    await runner.checkNow();
    await r.alerts!.idle();
    // The baseline: what is broken at first is recorded, not announced.
    expect(sent).toEqual([]);

    const tokens: Record<string, string> = {};
    for (const name of ["alice", "bob"]) tokens[name] = (await r.members.add(name)).token;
    const desk = async (member: string, body: Record<string, string>) => {
      const response = await r.app.request("/v1/desk", { method: "POST", headers: { authorization: `Bearer ${tokens[member]}`, "content-type": "application/json" }, body: JSON.stringify({ sourceId: "team", ...body }) });
      expect(response.status).toBe(200);
    };
    await desk("alice", { action: "claim", linkedAccountId: "acme", slug: "hubspot" });
    await desk("bob", { action: "take-over", linkedAccountId: "acme", slug: "hubspot" });
    await desk("bob", { action: "mute", linkedAccountId: "acme", slug: "jira", length: "fixed" });

    offset += DAY + MINUTE;
    await r.alerts!.runDue();
    expect(sent.map((message) => (message.type === "reminder" ? [message.item.accountId, message.item.slug, message.item.claimedBy] : message.type))).toEqual([
      ["acme", "hubspot", "bob"],
      ["globex", "zendesk", undefined],
    ]);

    sent.length = 0;
    setApp("acme", "hubspot", "active");
    await runner.checkNow();
    await r.alerts!.idle();
    expect(sent).toMatchObject([{ type: "fixed", item: { accountId: "acme", slug: "hubspot", claimedBy: "bob" } }]);
    // The desk ended the claim with the fix, as its own rules say.
    expect(r.desk.claimOn({ source: "team", account: "acme", app: "hubspot" })).toBeUndefined();
  });
});
