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

  it("turns anything else into a network failure with its message", () => {
    expect(toApiError(new TypeError("boom"))).toMatchObject({ kind: "network", message: "Unexpected failure: boom" });
    expect(toApiError("plain")).toMatchObject({ kind: "network", message: "Unexpected failure: plain" });
  });
});
