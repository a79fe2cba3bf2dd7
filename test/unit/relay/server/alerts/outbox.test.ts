import { describe, expect, it } from "vitest";
import type { AlertMessage } from "../../../../../src/relay/server/alerts/messages.ts";
import { afterFailure, backlogOf, enqueue, forChannels, headOf, MAX_PER_CHANNEL, nextDeliveryAt, withoutEntry } from "../../../../../src/relay/server/alerts/outbox.ts";
import { DAY, HOUR, SOURCE, T0 } from "./fixtures.ts";

const RETRY = { firstMs: 30_000, maxMs: HOUR, giveUpMs: DAY };
const message = (accountId: string): AlertMessage => ({ type: "break", source: SOURCE, item: { accountId, slug: "hubspot", app: "HubSpot", since: T0 } });
const half = () => 0.5;

describe("the outbox", () => {
  it("queues each message for every channel, and each channel sends its own in order", () => {
    const { outbox } = enqueue([], [{ id: "m1", message: message("a") }, { id: "m2", message: message("b") }], ["slack", "webhook"], T0);
    expect(outbox.map((entry) => `${entry.channel}:${entry.id}`)).toEqual(["slack:m1", "webhook:m1", "slack:m2", "webhook:m2"]);
    expect(headOf(outbox, "webhook")?.id).toBe("m1");
    expect(headOf(withoutEntry(outbox, { id: "m1", channel: "webhook" }), "webhook")?.id).toBe("m2");
    expect(headOf(withoutEntry(outbox, { id: "m1", channel: "webhook" }), "slack")?.id).toBe("m1");
  });

  it("waits longer after each failure, doubling up to the most, and gives up a day after queueing", () => {
    let { outbox } = enqueue([], [{ id: "m1", message: message("a") }], ["slack"], T0);
    const waits: number[] = [];
    let now = T0;
    for (let attempt = 0; attempt < 9; attempt++) {
      const after = afterFailure(outbox, outbox[0]!, { status: 503 }, now, RETRY, half);
      outbox = after.outbox;
      waits.push(after.retryAt! - now);
      now = after.retryAt!;
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, HOUR, HOUR]);
    expect(outbox[0]).toMatchObject({ attempts: 9, failedSince: T0, lastFailure: { status: 503 } });
    // The last wait ends when the day does; that attempt failing is the end.
    const late = afterFailure(outbox, outbox[0]!, { error: "TypeError" }, T0 + DAY - 1_000, RETRY, half);
    expect(late.retryAt).toBe(T0 + DAY);
    expect(afterFailure(late.outbox, late.outbox[0]!, { error: "TypeError" }, T0 + DAY, RETRY, half)).toEqual({ outbox: [], dropped: true });
  });

  it("honours the receiver's Retry-After when it asks for longer", () => {
    const { outbox } = enqueue([], [{ id: "m1", message: message("a") }], ["slack"], T0);
    expect(afterFailure(outbox, outbox[0]!, { status: 429, retryAfterMs: 120_000 }, T0, RETRY, half).retryAt).toBe(T0 + 120_000);
  });

  it("says when the next delivery is due among the channels not sending, and what each has waiting", () => {
    let { outbox } = enqueue([], [{ id: "m1", message: message("a") }], ["slack", "webhook"], T0);
    outbox = afterFailure(outbox, outbox[0]!, { status: 500 }, T0 + 1_000, RETRY, half).outbox;
    expect(nextDeliveryAt(outbox, new Set())).toBe(T0);
    expect(nextDeliveryAt(outbox, new Set(["webhook"]))).toBe(T0 + 31_000);
    expect(nextDeliveryAt([], new Set())).toBeUndefined();
    expect(backlogOf(outbox, "slack")).toEqual({ undelivered: 1, oldestAt: T0, failingSince: T0 + 1_000, lastFailure: { status: 500 } });
    expect(backlogOf(outbox, "webhook")).toEqual({ undelivered: 1, oldestAt: T0 });
  });

  it("keeps at most MAX_PER_CHANNEL waiting per channel, dropping the oldest, and drops the entries of channels no longer configured", () => {
    const many = Array.from({ length: MAX_PER_CHANNEL + 2 }, (_, n) => ({ id: `m${n}`, message: message("a") }));
    const { outbox, dropped } = enqueue([], many, ["slack"], T0);
    expect(outbox).toHaveLength(MAX_PER_CHANNEL);
    expect(dropped.map((entry) => entry.id)).toEqual(["m0", "m1"]);
    expect(forChannels(outbox, new Set(["webhook"]))).toEqual({ outbox: [], dropped: outbox });
  });
});
