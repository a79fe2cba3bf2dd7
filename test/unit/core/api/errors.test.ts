import { describe, expect, it } from "vitest";
import { ApiError, isTransient, stopsWholeCheck, toApiError, type ErrorKind } from "../../../../src/core/api/errors.ts";

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
