import { describe, expect, it } from "vitest";
import type { Channel, DeliveryResult } from "../../../../../src/relay/server/alerts/channel.ts";
import { AlertEngine, type AlertSource } from "../../../../../src/relay/server/alerts/engine.ts";
import type { AlertMessage } from "../../../../../src/relay/server/alerts/messages.ts";
import { ALERTS } from "../../../../../src/relay/server/alerts/record.ts";
import type { AlertRules } from "../../../../../src/relay/server/base/alerts-config.ts";
import { createLogger } from "../../../../../src/relay/server/base/log.ts";
import type { DocumentText, StoreBackend } from "../../../../../src/relay/server/store/backend.ts";
import { Records } from "../../../../../src/relay/server/store/records.ts";
import { account, DAY, HOUR, RULES, SOURCE, status, T0 } from "./fixtures.ts";

/*
 * The engine over a store in memory, with a clock and a schedule the test turns: what is decided
 * is written with its messages before any is sent, a restart repeats nothing, a failing channel
 * holds back only itself, and a message is given up a day after it was queued.
 */

class MemoryBackend implements StoreBackend {
  readonly docs = new Map<string, { text: string; version: number }>();
  failWrites = false;
  async read(name: string) {
    return this.docs.get(name)?.text;
  }
  async version(name: string) {
    const doc = this.docs.get(name);
    return doc ? `v${doc.version}` : "none";
  }
  async write(name: string, pieces: DocumentText) {
    if (this.failWrites) throw new Error("disk full");
    const text = typeof pieces === "string" ? pieces : pieces.join("");
    this.docs.set(name, { text, version: (this.docs.get(name)?.version ?? 0) + 1 });
  }
  async replaceIf(name: string, expected: string, text: string) {
    if ((await this.version(name)) !== expected) return false;
    await this.write(name, text);
    return true;
  }
  async append() {}
  async lines() {
    return [];
  }
  where(name: string) {
    return name;
  }
}

/** A channel that records what it sent and answers as told (ok until told otherwise). */
function recorder(id: string) {
  const sent: { id: string; message: AlertMessage }[] = [];
  let answer: DeliveryResult = { ok: true };
  const channel: Channel = {
    id,
    kind: "webhook",
    send: async (message, delivery) => {
      if (answer.ok) sent.push({ id: delivery.id, message });
      return answer;
    },
  };
  return { channel, sent, answer: (next: DeliveryResult) => void (answer = next) };
}

function harness(rules: AlertRules = RULES, backend = new MemoryBackend()) {
  const clock = { now: T0, next: undefined as number | undefined };
  const source: { -readonly [K in keyof AlertSource]: AlertSource[K] } = { id: SOURCE.id, config: { label: SOURCE.label }, environment: SOURCE.environment, state: { status: status([account("acme", [])]), since: {} } };
  const logs: string[] = [];
  let ids = 0;
  const open = async (channels: Channel[]) => {
    const engine = new AlertEngine({
      records: new Records(backend),
      channels,
      rules,
      sources: [source],
      log: createLogger({ secrets: [], write: (line) => logs.push(line), now: () => clock.now }),
      now: () => clock.now,
      random: () => 0.5,
      newId: () => `msg_${++ids}`,
      schedule: (at) => void (clock.next = at),
    });
    await engine.load();
    engine.start();
    await engine.idle();
    return engine;
  };
  /** The source's check ended with these accounts broken (first seen now). */
  const check = async (engine: AlertEngine, broken: Record<string, string[]>) => {
    const accounts = Object.entries(broken).map(([id, slugs]) => account(id, slugs));
    source.state = { status: status(accounts, { checkedAt: clock.now }), since: Object.fromEntries(accounts.map((each) => [each.id, Object.fromEntries(each.reauth.map((app) => [app.slug, source.state.since[each.id]?.[app.slug] ?? clock.now]))])) };
    engine.checked(source.id);
    await engine.idle();
  };
  /** Moves the clock to the next time the engine asked for, and runs it. */
  const wake = async (engine: AlertEngine) => {
    clock.now = clock.next!;
    await engine.runDue();
  };
  return { backend, clock, logs, open, check, wake };
}

const types = (sent: { message: AlertMessage }[]) => sent.map(({ message }) => (message.type === "break" || message.type === "fixed" ? `${message.type}:${message.item.accountId}` : message.type));

describe("the alerts engine", () => {
  it("writes what it decided with the messages it queued before it sends any, and a restart repeats nothing", async () => {
    const h = harness();
    const slack = recorder("slack");
    slack.answer({ ok: false, permanent: false, status: 503 });
    const first = await h.open([slack.channel]);
    await h.check(first, { acme: [] });
    await h.check(first, { acme: ["hubspot"] });
    const stored = ALERTS.parse(JSON.parse(h.backend.docs.get("alerts")!.text));
    expect(stored.ok && stored.value.sources.prod!.open.map((item) => item.slug)).toEqual(["hubspot"]);
    expect(stored.ok && stored.value.outbox.map((entry) => [entry.channel, entry.message.type])).toEqual([["slack", "break"]]);
    await first.stop();

    // Restarted: the same break seen again is not news, and what waited is sent once.
    const again = recorder("slack");
    const second = await h.open([again.channel]);
    await h.check(second, { acme: ["hubspot"] });
    await h.wake(second);
    expect(types(again.sent)).toEqual(["break:acme"]);
    await h.check(second, { acme: [] });
    expect(types(again.sent)).toEqual(["break:acme", "fixed:acme"]);
    await second.stop();
  });

  it("sends on the other channels while one fails, retries it with backoff, and delivers its messages in order once it works", async () => {
    const h = harness();
    const slack = recorder("slack");
    const hook = recorder("webhook");
    slack.answer({ ok: false, permanent: false, status: 500 });
    const engine = await h.open([slack.channel, hook.channel]);
    await h.check(engine, {});
    await h.check(engine, { acme: ["hubspot"] });
    await h.check(engine, { acme: [] });
    expect(types(hook.sent)).toEqual(["break:acme", "fixed:acme"]);
    expect(h.clock.next).toBe(T0 + 30_000);
    await h.wake(engine);
    expect(h.clock.next).toBe(T0 + 90_000);
    expect(engine.health()).toMatchObject({ ok: false, oldestUndeliveredSeconds: 30, channels: [{ id: "slack", ok: false, undelivered: 2, failingSince: T0, lastFailure: { status: 500 } }, { id: "webhook", ok: true, undelivered: 0 }] });
    slack.answer({ ok: true });
    await h.wake(engine);
    expect(types(slack.sent)).toEqual(["break:acme", "fixed:acme"]);
    expect(slack.sent.map((each) => each.id)).toEqual(hook.sent.map((each) => each.id));
    expect(engine.health().ok).toBe(true);
    await engine.stop();
  });

  it("gives a message up a day after it was queued, and drops one the receiver refuses outright, going on to the next", async () => {
    // No reminders here: the first would be queued at the very moment the break message is given up.
    const h = harness({ ...RULES, reminderDays: [] });
    const slack = recorder("slack");
    slack.answer({ ok: false, permanent: false, error: "TypeError" });
    const engine = await h.open([slack.channel]);
    await h.check(engine, {});
    await h.check(engine, { acme: ["hubspot"] });
    while (h.clock.next !== undefined && h.clock.next < T0 + DAY) await h.wake(engine);
    await h.wake(engine);
    expect(engine.health().channels[0]).toMatchObject({ undelivered: 0 });
    expect(h.logs.filter((line) => line.includes('"event":"alert-dropped"') && line.includes('"reason":"expired"'))).toHaveLength(1);
    slack.answer({ ok: false, permanent: true, status: 400 });
    await h.check(engine, { acme: ["hubspot", "jira"] });
    expect(h.logs.filter((line) => line.includes('"reason":"rejected"'))).toHaveLength(1);
    expect(engine.health().channels[0]).toMatchObject({ undelivered: 0 });
    await engine.stop();
  });

  it("sends nothing it could not record: a failed write queues nothing and is said", async () => {
    const h = harness();
    const slack = recorder("slack");
    const engine = await h.open([slack.channel]);
    await h.check(engine, {});
    h.backend.failWrites = true;
    await h.check(engine, { acme: ["hubspot"] });
    expect(slack.sent).toEqual([]);
    expect(h.logs.some((line) => line.includes('"event":"alerts-write-failed"'))).toBe(true);
    h.backend.failWrites = false;
    // The next check decides again from what was recorded: the break is news then.
    h.clock.now += HOUR;
    await h.check(engine, { acme: ["hubspot"] });
    expect(types(slack.sent)).toEqual(["break:acme"]);
    await engine.stop();
  });
});
