import { describe, expect, it } from "vitest";
import { SignatureVerifier, connectionChange, parseWebhook } from "../../../../../src/relay/server/check/webhook.ts";
import { cobaltSignature } from "../../../../fake-cobalt/server.ts";

/** The Connection Expired payload of reference §9, byte for byte. */
const DOCUMENTED = `{
 "linked_account_id": "12345",
 "org_id": "645270e37917442c4307297a",
 "environment": "test",
 "type": "General",
 "event": "Connection Expired",
 "slug": "pipedrive",
 "createdAt": "Tue, 07 Nov 2023 08:38:33 GMT"
}`;

const bytes = (text: string) => new TextEncoder().encode(text);

describe("webhook events", () => {
  it("reads the documented Connection Expired payload", () => {
    expect(parseWebhook(DOCUMENTED)).toEqual({ ok: true, event: { change: "expired", linkedAccountId: "12345", slug: "pipedrive", environment: "test" } });
  });

  it("knows today's connection event names and the older kebab-case ones", () => {
    expect(connectionChange("Connection Created")).toBe("created");
    expect(connectionChange("Connection Deleted")).toBe("deleted");
    expect(connectionChange("Connection Expired")).toBe("expired");
    expect(connectionChange("connected-created")).toBe("created");
    expect(connectionChange("connection-deleted")).toBe("deleted");
    expect(connectionChange("CONNECTION_EXPIRED")).toBe("expired");
    expect(connectionChange("Workflow Errored")).toBeUndefined();
  });

  it("accepts events it has no use for as well-formed, with nothing to do", () => {
    expect(parseWebhook(JSON.stringify({ event: "Workflow Completed", linked_account_id: "1", status: "COMPLETED" }))).toEqual({ ok: true, event: undefined });
  });

  it("refuses what is not a well-formed event", () => {
    expect(parseWebhook("not json")).toEqual({ ok: false, reason: "not-json" });
    expect(parseWebhook("[]")).toEqual({ ok: false, reason: "not-an-event" });
    expect(parseWebhook(JSON.stringify({ linked_account_id: "1" }))).toEqual({ ok: false, reason: "not-an-event" });
    expect(parseWebhook(JSON.stringify({ event: "Connection Expired" }))).toEqual({ ok: false, reason: "no-linked-account" });
    expect(parseWebhook(JSON.stringify({ event: "Connection Expired", linked_account_id: 12345 }))).toEqual({ ok: false, reason: "no-linked-account" });
    expect(parseWebhook(JSON.stringify({ event: "Connection Expired", linked_account_id: "a\u0000b" }))).toEqual({ ok: false, reason: "bad-linked-account" });
  });

  it("drops an environment or slug that is not what Cobalt sends", () => {
    const parsed = parseWebhook(JSON.stringify({ event: "Connection Created", linked_account_id: "1", environment: "staging", slug: 7 }));
    expect(parsed).toEqual({ ok: true, event: { change: "created", linkedAccountId: "1" } });
  });
});

describe("x-cobalt-signature", () => {
  const key = "tk_0123456789abcdef";
  const verifier = new SignatureVerifier(key);

  it("verifies the hex HMAC-SHA256 of the raw body keyed with the API key", async () => {
    expect(await verifier.verify(bytes(DOCUMENTED), cobaltSignature(DOCUMENTED, key))).toBe(true);
    expect(await verifier.verify(bytes(DOCUMENTED), cobaltSignature(DOCUMENTED, key).toUpperCase())).toBe(true);
    expect(await verifier.verify(bytes(DOCUMENTED), `sha256=${cobaltSignature(DOCUMENTED, key)}`)).toBe(true);
  });

  it("is over the raw bytes: the same JSON re-serialised does not verify", async () => {
    const reserialised = JSON.stringify(JSON.parse(DOCUMENTED));
    expect(await verifier.verify(bytes(reserialised), cobaltSignature(DOCUMENTED, key))).toBe(false);
  });

  it("fails for another key, a changed body, a missing, short, long or non-hex signature", async () => {
    const good = cobaltSignature(DOCUMENTED, key);
    expect(await verifier.verify(bytes(DOCUMENTED), cobaltSignature(DOCUMENTED, "pk_other"))).toBe(false);
    expect(await verifier.verify(bytes(DOCUMENTED.replace("12345", "12346")), good)).toBe(false);
    expect(await verifier.verify(bytes(DOCUMENTED), undefined)).toBe(false);
    expect(await verifier.verify(bytes(DOCUMENTED), "")).toBe(false);
    expect(await verifier.verify(bytes(DOCUMENTED), good.slice(0, 62))).toBe(false);
    expect(await verifier.verify(bytes(DOCUMENTED), `${good}00`)).toBe(false);
    expect(await verifier.verify(bytes(DOCUMENTED), `${good.slice(0, 63)}g`)).toBe(false);
  });
});
