import { describe, expect, it } from "vitest";
import { noticeText } from "../../../../src/core/words/notices.ts";
import { sourceNames } from "../../../../src/core/words/names.ts";
import { environmentLabel } from "../../../../src/core/words/environment.ts";
import { RELAY_INTERVAL, isSetUp, newRelaySource, newSource, sourceUrl, type RelaySource } from "../../../../src/core/settings/model.ts";
import { fingerprint, sourceKey } from "../../../../src/core/settings/fingerprint.ts";
import { parseStoredSettings, serializeSettings, type ParsedSettings } from "../../../../src/core/settings/parse.ts";
import { normalizeRelayUrl } from "../../../../src/core/kit/url.ts";
import { de, en } from "../../support/i18n.ts";

// A source may be a team relay (relay URL + member token) instead of a Cobalt key.

const RELAY: RelaySource = {
  id: "s0relay01",
  kind: "relay",
  label: "Support team",
  relayUrl: "https://relay.example.com",
  token: "cirelay_abcdefghijklmnopqrstuvwxyz0123456789",
  intervalMinutes: 2,
};
const COBALT = newSource("main", { apiKey: "tk_key_1234", baseUrl: "https://app.refold.ai" });

function words({ settings, notices }: ParsedSettings): string[] {
  const names = sourceNames(en, settings.sources);
  return notices.map((notice) => noticeText(en, notice, names));
}

describe("a relay source in the stored settings", () => {
  it("has defaults of its own: polling the relay every minute", () => {
    expect(RELAY_INTERVAL.default).toBe(1);
    expect(newRelaySource("s12345678")).toEqual({ id: "s12345678", kind: "relay", label: "", relayUrl: "", token: "", intervalMinutes: 1 });
  });

  it("round-trips beside a Cobalt source, each with its own fields", () => {
    const settings = { sources: [COBALT, RELAY] };
    const stored = JSON.parse(JSON.stringify(serializeSettings(settings))) as Record<string, unknown>;
    expect(stored).toEqual({ schemaVersion: 3, sources: [{ ...COBALT }, { ...RELAY }] });
    expect(parseStoredSettings(stored)).toEqual({ settings, notices: [] });
  });

  it("reads each field on its own: a damaged one falls back alone, with a notice naming it and the source", () => {
    const parsed = parseStoredSettings({ schemaVersion: 3, sources: [COBALT, { ...RELAY, token: 42, intervalMinutes: "often" }] });
    expect(parsed.settings.sources[1]).toEqual({ ...RELAY, token: "", intervalMinutes: 1 });
    expect(words(parsed)).toEqual([
      `Support team: The saved "Member token" could not be read and was reset to its default. Check it in Options and save.`,
      `Support team: The saved "Check every (minutes)" could not be read and was reset to its default. Check it in Options and save.`,
    ]);
  });

  it("refuses a stored plain-http relay URL to another computer, saying why in the relay's words", () => {
    const parsed = parseStoredSettings({ schemaVersion: 3, sources: [{ ...RELAY, relayUrl: "http://relay.example.com" }] });
    expect(parsed.settings.sources[0]).toEqual({ ...RELAY, relayUrl: "" });
    expect(words(parsed)).toEqual([
      'The saved "Relay URL" was not used: The relay URL must start with https:// for relay.example.com: http:// would send the member token unencrypted, so it is only for a relay on this computer (localhost, 127.0.0.1 or [::1]). Enter it again in Options and save; until then nothing is checked.',
    ]);
  });

  it("clamps the interval and cuts the label, as for a Cobalt source", () => {
    const parsed = parseStoredSettings({ schemaVersion: 3, sources: [{ ...RELAY, intervalMinutes: 500, label: `  ${"x".repeat(80)}  ` }] });
    expect(parsed.settings.sources[0]).toMatchObject({ intervalMinutes: 60, label: "x".repeat(60) });
  });

  it("keeps the v1 and v2 migration as it was: their single source is a Cobalt one", () => {
    const v2 = { schemaVersion: 2, apiKey: "tk_x", baseUrl: "https://app.refold.ai", linkedAccountIds: [], intervalMinutes: 5, requestsPerMinute: 120 };
    expect(parseStoredSettings(v2).settings.sources).toEqual([newSource("main", { apiKey: "tk_x", baseUrl: "https://app.refold.ai" })]);
  });

  it("is set up once it has a token, and is fingerprinted by its URL and token", () => {
    expect(isSetUp(RELAY)).toBe(true);
    expect(isSetUp({ ...RELAY, token: "  " })).toBe(false);
    expect(isSetUp(COBALT)).toBe(true);
    expect(fingerprint(COBALT)).toBe(sourceKey(COBALT));
    expect(fingerprint(RELAY)).toBe(fingerprint({ ...RELAY, intervalMinutes: 30, label: "Other" }));
    expect(fingerprint(RELAY)).not.toBe(fingerprint({ ...RELAY, token: "cirelay_other" }));
    expect(fingerprint(RELAY)).not.toBe(fingerprint({ ...RELAY, relayUrl: "https://other.example.com" }));
  });

  it("sends its requests to the relay URL, a Cobalt source to its base URL", () => {
    expect(sourceUrl(RELAY)).toBe("https://relay.example.com");
    expect(sourceUrl(COBALT)).toBe("https://app.refold.ai");
  });

  it("is named by its label, or as the team relay at its host", () => {
    expect(sourceNames(en, [RELAY, { ...RELAY, id: "s2", label: "" }])).toEqual(
      new Map([
        ["s0relay01", "Support team"],
        ["s2", "Team relay (relay.example.com)"],
      ]),
    );
    expect(sourceNames(de, [{ ...RELAY, label: "" }]).get(RELAY.id)).toBe("Team-Relay (relay.example.com)");
    expect(environmentLabel(en, RELAY)).toBe("team relay");
  });
});

describe("normalizeRelayUrl", () => {
  it.each<[string, string]>([
    ["relay.example.com", "https://relay.example.com"],
    ["https://relay.example.com/", "https://relay.example.com"],
    ["https://relay.example.com/v1/status", "https://relay.example.com"],
    ["https://example.com/team-relay/", "https://example.com/team-relay"],
    ["http://127.0.0.1:8788", "http://127.0.0.1:8788"],
    ["http://localhost:8788/v1", "http://localhost:8788"],
  ])("accepts %s as %s", (input, value) => {
    expect(normalizeRelayUrl(input)).toEqual({ ok: true, value });
  });

  it.each<[string, string]>([
    ["", "url-empty"],
    ["ftp://relay.example.com", "url-scheme"],
    ["http://relay.example.com", "url-http-remote"],
    ["https://user:pw@relay.example.com", "url-credentials"],
    ["https://relay.example.com/?token=1", "url-query"],
  ])("refuses %s (%s), by the same rules as the API base URL", (input, code) => {
    const result = normalizeRelayUrl(input);
    expect(result.ok ? undefined : result.problem.code).toBe(code);
  });
});
