import { describe, expect, it } from "vitest";
import { ApiError, MAX_DETAIL_LENGTH, isTransient, scrubbed, scrubbedError, stopsWholeCheck, toApiError, type ErrorKind } from "../../../../src/core/api/errors.ts";
import { CobaltClient } from "../../../../src/core/api/client.ts";
import { jsonResponse, recordingFetch } from "../../support/fetch.ts";

describe("ErrorKind policy", () => {
  it.each<[ErrorKind, boolean, boolean]>([
    ["not-set-up", false, true],
    ["unauthorized", false, true],
    ["forbidden", false, true],
    ["permission", false, true],
    ["not-found", false, false],
    ["bad-request", false, false],
    ["rate-limited", true, false],
    ["server", true, false],
    ["bad-response", true, false],
    ["timeout", true, false],
    ["network", true, false],
    ["unexpected", true, false],
    ["storage", true, false],
    ["redirected", true, false],
  ])("%s: transient %s, stops the whole check %s", (kind, transient, stops) => {
    expect(isTransient(kind)).toBe(transient);
    expect(stopsWholeCheck(kind)).toBe(stops);
  });
});

describe("ApiError", () => {
  it("carries kind, status and Retry-After", () => {
    const error = new ApiError("rate-limited", { status: 429, retryAfterMs: 7000 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ApiError");
    expect([error.kind, error.status, error.retryAfterMs]).toEqual(["rate-limited", 429, 7000]);
    expect(error.info(5)).toEqual({ kind: "rate-limited", status: 429, retryAfterMs: 7000, at: 5 });
  });

  it("stores kind, time and the parameters there are, never a sentence", () => {
    const error = new ApiError("redirected", { status: undefined, origin: "https://login.test" });
    expect(error.info(5)).toEqual({ kind: "redirected", origin: "https://login.test", at: 5 });
    expect(Object.keys(error.info(5))).not.toContain("status");
  });
});

describe("toApiError", () => {
  it("passes an ApiError through unchanged", () => {
    const error = new ApiError("server", { status: 500 });
    expect(toApiError(error)).toBe(error);
  });

  // A bug is not "offline": calling it that sends the user to check a network that works.
  it("turns an exception that is not an ApiError into an unexpected failure, never a network one", () => {
    const bug = toApiError(new TypeError("Cannot read properties of undefined (reading 'slug')"));
    expect(bug.kind).toBe("unexpected");
    expect(bug.params).toEqual({ detail: "Cannot read properties of undefined (reading 'slug')" });
    expect(toApiError("plain").info(1)).toEqual({ kind: "unexpected", detail: "plain", at: 1 });
    expect(toApiError(undefined).kind).toBe("unexpected");
  });

  it.each([
    ["Chrome's storage.local", new Error("QUOTA_BYTES quota exceeded")],
    ["Chrome's per-item limit", new Error("QUOTA_BYTES_PER_ITEM quota exceeded")],
    ["a DOMException", new DOMException("The quota has been exceeded.", "QuotaExceededError")],
  ])("names a full storage (%s) as such", (_label, error) => {
    const failure = toApiError(error);
    expect(failure.kind).toBe("storage");
    expect(failure.params).toEqual({ detail: error.message });
  });
});

describe("a server's words, scrubbed of the secret sent and cut short", () => {
  const KEY = "tk_0123456789abcdef";
  it("takes the key out as sent, trimmed and percent-encoded, and cuts what is left", () => {
    const info = new ApiError("server", { status: 500, detail: `bad key ${KEY} or " ${KEY} " in /x?k=${encodeURIComponent("tk_key with space")} ${"and more ".repeat(300)}` }).info(5);
    const out = scrubbed(info, [KEY, " tk_key with space "]);
    expect(out.detail).toMatch(/^bad key ••• or " ••• " in \/x\?k=••• and more/);
    expect(out.detail).not.toContain(KEY);
    expect(out.detail).toHaveLength(MAX_DETAIL_LENGTH);
    expect(out.detail!.endsWith("…")).toBe(true);
    expect(out).toMatchObject({ kind: "server", status: 500, at: 5 });
  });

  it("takes it out of where an answer's shape was wrong too, and leaves words without it alone", () => {
    expect(scrubbed({ kind: "bad-response", at: 1, path: `accounts.${KEY}.name` }, [KEY]).path).toBe("accounts.•••.name");
    expect(scrubbed({ kind: "server", at: 1, detail: "Internal error" }, [KEY])).toEqual({ kind: "server", at: 1, detail: "Internal error" });
    // An empty secret (a source not set up) takes nothing out.
    expect(scrubbed({ kind: "server", at: 1, detail: "Internal error" }, [""])).toEqual({ kind: "server", at: 1, detail: "Internal error" });
  });

  it("holds no more than a few times what is shown of Cobalt's words, however long its answer", async () => {
    const { fetch } = recordingFetch(() => jsonResponse({ message: `${KEY} ${"x".repeat(100_000)}` }, 401));
    const error = await new CobaltClient({ baseUrl: "https://api.gocobalt.io", apiKey: KEY, fetch }).listLinkedAccounts(1, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).params.detail!.length).toBeLessThanOrEqual(5 * MAX_DETAIL_LENGTH);
    const shown = scrubbedError(error as ApiError, [KEY]);
    expect(shown.kind).toBe("unauthorized");
    expect(shown.params.detail).toBe(`••• ${"x".repeat(MAX_DETAIL_LENGTH - 5)}…`);
  });
});
