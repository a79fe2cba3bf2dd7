import { describe, expect, it } from "vitest";
import { createLogger, escapeInvisible, LogThrottle } from "../../../../../src/relay/server/base/log.ts";

it("writes one line per event, scrubbed of the keys, with invisible characters escaped", () => {
  const lines: string[] = [];
  const log = createLogger({ secrets: ["tk_secret_key"], write: (line) => lines.push(line), now: () => 0 });
  log.warn("token-rejected", { member: "eve\u2028\u202Etk_secret_key" });
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  expect(JSON.parse(lines[0]!)).toEqual({ time: "1970-01-01T00:00:00.000Z", level: "warn", event: "token-rejected", member: "eve\u2028\u202E[redacted]" });
});

it("escapes characters beyond the first plane as their two halves", () => {
  expect(escapeInvisible(JSON.stringify("a\u{E0041}b"))).toBe('"a\\udb40\\udc41b"');
  expect(JSON.parse(escapeInvisible(JSON.stringify("a\u{E0041}b")))).toBe("a\u{E0041}b");
});

describe("the throttle on lines anyone can cause", () => {
  function setup() {
    let now = 0;
    const lines: Record<string, unknown>[] = [];
    const timers: { at: number; run: () => void; cancelled: boolean }[] = [];
    const log = createLogger({ secrets: [], write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>), now: () => now });
    const throttle = new LogThrottle(log, {
      perWindow: 3,
      windowMs: 60_000,
      now: () => now,
      schedule: (ms, run) => {
        const timer = { at: now + ms, run, cancelled: false };
        timers.push(timer);
        return () => (timer.cancelled = true);
      },
    });
    /** Moves the clock to `at`, running the timers due by then. */
    const advance = (to: number) => {
      now = to;
      for (const timer of timers.splice(0)) {
        if (timer.cancelled) continue;
        if (timer.at <= now) timer.run();
        else timers.push(timer);
      }
    };
    return { throttle, lines, advance, events: () => lines.map((line) => line.event) };
  }

  it("writes the first lines of each window, then one summary of the rest when the window ends", () => {
    const { throttle, lines, advance, events } = setup();
    for (let i = 0; i < 500; i++) throttle.warn("webhook-rejected", { reason: i % 2 ? "bad-signature" : "no-signature", address: `192.0.2.${i % 7}` });
    throttle.warn("token-rejected", { address: "192.0.2.1" });
    expect(events()).toEqual(["webhook-rejected", "webhook-rejected", "webhook-rejected", "token-rejected"]);
    advance(60_000);
    expect(lines.at(-1)).toMatchObject({ level: "warn", event: "webhook-rejected-summary", held: 497, addresses: 7, seconds: 60, "reason:bad-signature": 249, "reason:no-signature": 248 });
    expect(events()).toHaveLength(5);
    // A new window writes its first lines again.
    throttle.warn("webhook-rejected", { reason: "no-signature", address: "192.0.2.1" });
    expect(events().at(-1)).toBe("webhook-rejected");
  });

  it("writes what is held back when flushed (the relay stops), and nothing when nothing was", () => {
    const { throttle, lines, events } = setup();
    throttle.info("webhook", { address: "192.0.2.1" });
    throttle.flush();
    expect(events()).toEqual(["webhook"]);
    for (let i = 0; i < 5; i++) throttle.info("webhook", { address: "192.0.2.1" });
    throttle.flush();
    expect(lines.at(-1)).toMatchObject({ level: "info", event: "webhook-summary", held: 2, addresses: 1 });
  });
});
