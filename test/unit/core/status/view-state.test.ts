import { describe, expect, it } from "vitest";
import { newRelaySource } from "../../../../src/core/settings/model.ts";
import { EMPTY_STATUS } from "../../../../src/core/status/model.ts";
import { currentError, fromPreviousSettings, isCurrent } from "../../../../src/core/status/view-state.ts";
import { makeSettings, makeStatus } from "../../support/fixtures.ts";

const settings = makeSettings();
const failure = { kind: "server" as const, at: 7 };

describe("currentError", () => {
  it("is not-set-up without a key, whatever the status", () => {
    const noKey = makeSettings({ apiKey: " " });
    expect(currentError(noKey, makeStatus(noKey, { error: failure }))).toEqual({ kind: "not-set-up", cause: "no-key", at: 0 });
  });

  it("names what a team relay source still lacks: its URL first, then its token", () => {
    expect(currentError(newRelaySource("r1", { token: "rly_1" }), EMPTY_STATUS)).toEqual({ kind: "not-set-up", cause: "no-relay-url", at: 0 });
    expect(currentError(newRelaySource("r1"), EMPTY_STATUS)).toEqual({ kind: "not-set-up", cause: "no-relay-url", at: 0 });
    expect(currentError(newRelaySource("r1", { relayUrl: "https://relay.example.com" }), EMPTY_STATUS)).toEqual({ kind: "not-set-up", cause: "no-token", at: 0 });
  });

  it("is the stored error for the same settings", () => {
    expect(currentError(settings, makeStatus(settings, { error: failure }))).toEqual(failure);
  });

  it("is nothing for an error recorded under other settings, or no error", () => {
    const other = makeSettings({ baseUrl: "https://app.refold.ai" });
    expect(currentError(settings, makeStatus(other, { error: failure }))).toBeUndefined();
    expect(currentError(settings, makeStatus(settings))).toBeUndefined();
  });
});

describe("isCurrent", () => {
  it("tells whether results belong to the settings", () => {
    expect(isCurrent(settings, makeStatus(settings))).toBe(true);
    expect(isCurrent(settings, makeStatus(makeSettings({ linkedAccountIds: ["x"] })))).toBe(false);
    expect(isCurrent(makeSettings({ intervalMinutes: 30 }), makeStatus(settings))).toBe(true);
  });
});

describe("fromPreviousSettings", () => {
  it.each<[string, Parameters<typeof makeSettings>[0]]>([
    ["the key", { apiKey: "tk_other" }],
    ["the base URL", { baseUrl: "https://app.refold.ai" }],
    ["the linked account IDs", { linkedAccountIds: ["x"] }],
  ])("is true once %s changed: the results are the previous settings' until the new ones are checked", (_what, change) => {
    expect(fromPreviousSettings(makeSettings(change), makeStatus(settings, { checkedAt: 1 }))).toBe(true);
  });

  it("is false for the same data source, and when nothing was ever checked", () => {
    expect(fromPreviousSettings(settings, makeStatus(settings, { checkedAt: 1 }))).toBe(false);
    expect(fromPreviousSettings(makeSettings({ intervalMinutes: 30, requestsPerMinute: 600 }), makeStatus(settings))).toBe(false);
    expect(fromPreviousSettings(settings, EMPTY_STATUS)).toBe(false);
  });
});
