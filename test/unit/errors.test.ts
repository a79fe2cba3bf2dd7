import { describe, expect, it } from "vitest";
import { ApiError, isTransient, stopsWholeCheck, toApiError, type ErrorKind } from "../../src/core/api/errors.ts";

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
    const error = new ApiError("rate-limited", "slow down", 429, 7000);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ApiError");
    expect([error.kind, error.message, error.status, error.retryAfterMs]).toEqual(["rate-limited", "slow down", 429, 7000]);
  });
});

describe("toApiError", () => {
  it("passes an ApiError through unchanged", () => {
    const error = new ApiError("server", "x", 500);
    expect(toApiError(error)).toBe(error);
  });

  // A bug is not "offline": calling it that sends the user to check a network that works.
  it("turns an exception that is not an ApiError into an unexpected failure, never a network one", () => {
    const bug = toApiError(new TypeError("Cannot read properties of undefined (reading 'slug')"));
    expect(bug.kind).toBe("unexpected");
    expect(bug.message).toBe("Something went wrong inside the extension: Cannot read properties of undefined (reading 'slug')");
    expect(toApiError("plain")).toMatchObject({ kind: "unexpected", message: "Something went wrong inside the extension: plain" });
    expect(toApiError(undefined).kind).toBe("unexpected");
  });

  it.each([
    ["Chrome's storage.local", new Error("QUOTA_BYTES quota exceeded")],
    ["Chrome's per-item limit", new Error("QUOTA_BYTES_PER_ITEM quota exceeded")],
    ["a DOMException", new DOMException("The quota has been exceeded.", "QuotaExceededError")],
  ])("names a full storage (%s) as such", (_label, error) => {
    const failure = toApiError(error);
    expect(failure.kind).toBe("storage");
    expect(failure.message).toMatch(/^The browser refused to store the results: /);
  });
});
