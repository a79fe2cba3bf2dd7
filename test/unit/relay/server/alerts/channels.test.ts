import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { postJson } from "../../../../../src/relay/server/alerts/channel.ts";
import { mailOf } from "../../../../../src/relay/server/alerts/email.ts";
import type { AlertMessage } from "../../../../../src/relay/server/alerts/messages.ts";
import { slackPayload } from "../../../../../src/relay/server/alerts/slack.ts";
import { signature, webhookBody, webhookChannel } from "../../../../../src/relay/server/alerts/webhook.ts";
import { duration } from "../../../../../src/relay/server/alerts/words.ts";
import { verifyStandardWebhook } from "../alert-receivers.ts";
import { DAY, HOUR, MINUTE, SOURCE, T0 } from "./fixtures.ts";

const hostile = "Evil <!channel> & <https://evil.example|click>\nBcc: victim@example.com";
const broken: AlertMessage = { type: "break", source: SOURCE, item: { accountId: "acme", accountName: hostile, slug: "hubspot", app: "HubSpot", since: T0 } };

describe("Slack's Block Kit message", () => {
  it("names the customer, the app, the source and since when, with a date every reader sees in their own zone", () => {
    const payload = slackPayload({ ...broken, item: { ...broken.item, accountName: "Acme Inc." } }, "Europe/Berlin");
    expect(payload.text).toBe("Acme Inc. (acme): HubSpot needs re-authentication (Production)");
    expect(payload.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: ":red_circle: HubSpot needs re-authentication", emoji: true } });
    expect(payload.blocks[1]).toEqual({
      type: "section",
      fields: [
        { type: "mrkdwn", text: "*Customer*\nAcme Inc. (acme)" },
        { type: "mrkdwn", text: "*App*\nHubSpot" },
        { type: "mrkdwn", text: "*Source*\nProduction, production environment" },
        { type: "mrkdwn", text: `*Since*\n<!date^${T0 / 1000}^{date_short_pretty} {time}|2025-06-02 12:00 (Europe/Berlin)>` },
      ],
    });
  });

  it("escapes names from Cobalt, so none can mention @channel or make a link", () => {
    const text = JSON.stringify(slackPayload(broken, "UTC"));
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<https://evil");
    expect(text).toContain("Evil &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;");
  });

  it("sums up many breaks by app, with the advice to look at the connector first", () => {
    const items = Array.from({ length: 10 }, (_, n) => ({ accountId: `a${n}`, slug: "hubspot", app: "HubSpot", since: T0 }));
    const payload = slackPayload({ type: "breaks", source: SOURCE, count: 12, apps: [{ slug: "hubspot", app: "HubSpot", count: 12 }], items }, "UTC");
    const text = JSON.stringify(payload);
    expect(payload.text).toBe("12 apps need re-authentication in Production");
    expect(text).toContain("HubSpot ×12");
    expect(text).toContain("connector");
    expect(text).toContain("…and 2 more");
  });
});

describe("the signed webhook (Standard Webhooks)", () => {
  const key = Buffer.from("0123456789abcdef0123456789abcdef");

  it("signs id.timestamp.body with HMAC-SHA256, as the standard's receivers check it", async () => {
    const body = webhookBody(broken, T0, "UTC");
    const expected = createHmac("sha256", key).update(`msg_1.${T0 / 1000}.${body}`).digest("base64");
    expect(await signature(new Uint8Array(key), "msg_1", T0 / 1000, body)).toBe(`v1,${expected}`);
  });

  it("posts {type, timestamp, data} with the three headers, the same id on every attempt, and never follows a redirect", async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetch = async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return new Response("ok", { status: seen.length === 1 ? 302 : 200, headers: { location: "https://elsewhere.example" } });
    };
    const channel = webhookChannel("webhook", "https://hooks.example/relay", new Uint8Array(key), "UTC", fetch);
    const now = Date.now();
    expect(await channel.send(broken, { id: "msg_7", attempt: 1, now })).toEqual({ ok: false, permanent: false, status: 302 });
    expect(await channel.send(broken, { id: "msg_7", attempt: 2, now })).toEqual({ ok: true });
    const headers = seen.map((each) => Object.fromEntries(new Headers(each.init.headers)));
    expect(seen[0]!.init.redirect).toBe("manual");
    expect(headers.map((each) => each["webhook-id"])).toEqual(["msg_7", "msg_7"]);
    const posted = { headers: headers[1]!, body: String(seen[1]!.init.body) };
    expect(verifyStandardWebhook(posted, key)).toBe(true);
    expect(verifyStandardWebhook({ ...posted, body: posted.body.replace("acme", "acmf") }, key)).toBe(false);
    expect(JSON.parse(posted.body)).toMatchObject({ type: "connection.broken", timestamp: new Date(now).toISOString(), data: { item: { accountId: "acme" }, summary: expect.stringContaining("HubSpot needs re-authentication") } });
  });
});

describe("what a failed delivery says", () => {
  const answer = (status: number, headers: Record<string, string> = {}) => postJson(async () => new Response("no", { status, headers }), "https://x.example", "{}");

  it("is data the outbox acts on: the status, whether the message itself was refused, the wait asked for", async () => {
    expect(await answer(503)).toEqual({ ok: false, permanent: false, status: 503 });
    expect(await answer(429, { "retry-after": "30" })).toEqual({ ok: false, permanent: false, status: 429, retryAfterMs: 30_000 });
    expect(await answer(400)).toEqual({ ok: false, permanent: true, status: 400 });
    expect(await answer(404)).toEqual({ ok: false, permanent: false, status: 404 });
    expect(await postJson(async () => Promise.reject(new TypeError("fetch failed: https://x.example/secret")), "https://x.example/secret", "{}")).toEqual({ ok: false, permanent: false, error: "TypeError" });
  });
});

describe("the email", () => {
  it("has a one-line subject whatever the names hold, and the message's fields in its text", () => {
    const mail = mailOf(broken, "UTC");
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject.startsWith("[Cobalt] Evil <!channel> & <https://evil.example|click> Bcc: victim@example.com (acme): HubSpot")).toBe(true);
    expect(mail.text).toContain("App: HubSpot");
    expect(mail.text).toContain("Since: 2025-06-02 10:00 UTC");
  });
});

describe("durations", () => {
  it("read as a person would say them", () => {
    expect([30_000, 5 * MINUTE, 3 * HOUR + 12 * MINUTE, 2 * HOUR, DAY + HOUR, 3 * DAY].map(duration)).toEqual(["under a minute", "5 min", "3 h 12 min", "2 h", "1 day 1 h", "3 days"]);
  });
});
