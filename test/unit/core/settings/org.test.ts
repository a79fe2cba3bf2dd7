import { describe, expect, it } from "vitest";
import { newRelaySource, newSource, type RelaySource, type Settings } from "../../../../src/core/settings/model.ts";
import { applyPolicy, effectiveSettings, holdsNothing, newRelayInterval, parseManagedRelays } from "../../../../src/core/settings/org.ts";
import { parseStoredSettings } from "../../../../src/core/settings/parse.ts";
import { managedRelayId, parsePolicy } from "../../../../src/core/settings/policy.ts";
import { noticeText } from "../../../../src/core/words/notices.ts";
import { en } from "../../support/i18n.ts";

// The settings in effect: the user's own, with the organisation's policy laid over them and never
// written into them.

const URL = "https://relay.example.com";
const ID = managedRelayId(URL);
const TOKEN = "cirelay_member_token_0123456789";
const KEY_SOURCE = newSource("main", { apiKey: "tk_key_1234", baseUrl: "https://app.refold.ai", label: "Staging" });
const OWN_RELAY: RelaySource = { ...newRelaySource("s0relay01"), label: "Mine", relayUrl: "https://other.example.com", token: "own-token", intervalMinutes: 7 };
const FRESH: Settings = parseStoredSettings(undefined).settings;

const policy = (raw: Record<string, unknown>) => parsePolicy(raw)!;
const relays = { relays: [{ url: URL, label: "Support team" }] };

describe("the settings in effect under a policy", () => {
  it("are the user's own without a policy, and again once it is gone", () => {
    const own: Settings = { sources: [KEY_SOURCE], notifications: false };
    expect(applyPolicy(own, undefined, {})).toEqual({ settings: own });
    // A member part left behind is never a source without the policy that sets its relay.
    expect(effectiveSettings({ settings: own, notices: [] }, undefined, { [ID]: { relayUrl: URL, token: TOKEN } })).toEqual({ settings: own, notices: [] });
  });

  it("on a fresh install, are the relays the policy sets, each asking only for its token: the empty key source is not shown", () => {
    const { settings, org } = applyPolicy(FRESH, policy(relays), {});
    expect(settings).toEqual({ sources: [{ id: ID, kind: "relay", label: "Support team", relayUrl: URL, token: "", intervalMinutes: 1 }] });
    expect(org).toEqual({ managed: [ID], allowApiKeySources: true, disabled: [], problems: [] });
    expect(holdsNothing(FRESH.sources[0]!)).toBe(true);
    expect(holdsNothing(KEY_SOURCE)).toBe(false);
  });

  it("keep the user's own sources first, then the organisation's relays with the member's token", () => {
    const { settings } = applyPolicy({ sources: [KEY_SOURCE, OWN_RELAY] }, policy(relays), { [ID]: { relayUrl: URL, token: TOKEN, intervalMinutes: 3 } });
    expect(settings.sources).toEqual([KEY_SOURCE, OWN_RELAY, { id: ID, kind: "relay", label: "Support team", relayUrl: URL, token: TOKEN, intervalMinutes: 3 }]);
  });

  it("never give a relay a token saved for another URL", () => {
    const { settings } = applyPolicy(FRESH, policy(relays), { [ID]: { relayUrl: "https://evil.example.com", token: TOKEN } });
    expect((settings.sources[0] as RelaySource).token).toBe("");
  });

  it("set the user's key sources aside while keys are not allowed, without their keys, and show a relay to set up when nothing else is left", () => {
    const { settings, org } = applyPolicy({ sources: [KEY_SOURCE] }, policy({ allowApiKeySources: false }), {});
    expect(org?.disabled).toEqual([{ ...KEY_SOURCE, apiKey: "" }]);
    expect(settings.sources).toEqual([{ id: "new", kind: "relay", label: "", relayUrl: "", token: "", intervalMinutes: 1 }]);
    expect(org?.placeholder).toBe("new");
    // The user's relays are theirs to keep.
    expect(applyPolicy({ sources: [KEY_SOURCE, OWN_RELAY] }, policy({ allowApiKeySources: false }), {}).settings.sources).toEqual([OWN_RELAY]);
    // On a fresh install the new source is the relay kind, under the first source's id.
    expect(applyPolicy(FRESH, policy({ allowApiKeySources: false, intervalMinutes: 4 }), {}).settings.sources).toEqual([newRelaySource("main", { intervalMinutes: 4 })]);
  });

  it("apply a locked interval to every relay source, the user's too; a default only where nothing was chosen", () => {
    const locked = applyPolicy({ sources: [OWN_RELAY] }, policy({ ...relays, intervalMinutes: 10, intervalMinutesLocked: true }), { [ID]: { relayUrl: URL, token: TOKEN, intervalMinutes: 3 } });
    expect(locked.settings.sources.map((source) => source.intervalMinutes)).toEqual([10, 10]);
    const preset = applyPolicy({ sources: [OWN_RELAY] }, policy({ ...relays, intervalMinutes: 10 }), {});
    expect(preset.settings.sources.map((source) => source.intervalMinutes)).toEqual([7, 10]);
    expect(newRelayInterval(preset.org)).toBe(10);
    expect(newRelayInterval(undefined)).toBe(1);
    expect(applyPolicy({ sources: [KEY_SOURCE] }, policy({ intervalMinutes: 10, intervalMinutesLocked: true }), {}).settings.sources).toEqual([KEY_SOURCE]);
  });

  it("turn notifications on or off as the policy says: locked over the user's choice, a default only until the user chose", () => {
    const on = (own: boolean | undefined, raw: Record<string, unknown>) => applyPolicy({ sources: [KEY_SOURCE], ...(own === undefined ? {} : { notifications: own }) }, policy(raw), {}).settings.notifications;
    expect(on(false, { notifications: true, notificationsLocked: true })).toBe(true);
    expect(on(true, { notifications: false, notificationsLocked: true })).toBe(false);
    expect(on(undefined, { notifications: true })).toBe(true);
    expect(on(false, { notifications: true })).toBe(false);
    expect(on(undefined, { intervalMinutes: 2 })).toBeUndefined();
  });

  it("carry the policy's problems to the page, and read the stored member parts one by one", () => {
    const effective = effectiveSettings({ settings: FRESH, notices: [] }, { ...relays, intervalMinutes: "often" }, { [ID]: { relayUrl: URL, token: 42 }, other: "x" });
    expect(effective.org?.problems).toEqual([{ code: "policy-type", key: "intervalMinutes", expected: "whole-number" }]);
    expect((effective.settings.sources[0] as RelaySource).token).toBe("");
    expect(effective.notices.map((notice) => noticeText(en, notice))).toEqual([
      `The saved "Member token" could not be read and was reset to its default. Check it in Options and save.`,
      `The saved "Member token" could not be read and was reset to its default. Check it in Options and save.`,
    ]);
  });

  it("read a member part's interval only within a relay source's range", () => {
    expect(parseManagedRelays({ [ID]: { relayUrl: URL, token: TOKEN, intervalMinutes: 90 } })).toEqual({ entries: { [ID]: { relayUrl: URL, token: TOKEN } }, notices: [] });
    expect(parseManagedRelays(undefined)).toEqual({ entries: {}, notices: [] });
    expect(parseManagedRelays([1])).toEqual({ entries: {}, notices: [{ code: "field-reset", field: "token" }] });
  });
});
