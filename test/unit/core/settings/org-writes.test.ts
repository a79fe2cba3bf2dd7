import { describe, expect, it } from "vitest";
import { newRelaySource, newSource, type RelaySource } from "../../../../src/core/settings/model.ts";
import { planPolicyApply, planSourceRemoval, planSourceSave, type StoredOrg } from "../../../../src/core/settings/org-writes.ts";
import { serializeSettings } from "../../../../src/core/settings/parse.ts";
import { managedRelayId } from "../../../../src/core/settings/policy.ts";

// What is written under a policy: the user's own settings get only what the user chose, a relay
// the policy sets keeps the member's token apart, and nothing of the policy is copied into them.

const URL = "https://relay.example.com";
const ID = managedRelayId(URL);
const TOKEN = "cirelay_member_token_0123456789";
const KEY_SOURCE = newSource("main", { apiKey: "tk_key_1234", linkedAccountIds: ["acme"], label: "Staging" });
const OWN_RELAY: RelaySource = { ...newRelaySource("s0relay01"), relayUrl: "https://other.example.com", token: "own-token", intervalMinutes: 7 };
const RELAYS = { relays: [{ url: URL, label: "Support team" }] };

const stored = (fields: Partial<StoredOrg>): StoredOrg => ({ settings: undefined, policy: undefined, managedRelays: undefined, ...fields });
const managed = (fields: Partial<RelaySource> = {}): RelaySource => ({ ...newRelaySource(ID), label: "Support team", relayUrl: URL, token: TOKEN, intervalMinutes: 4, ...fields });

describe("saving a source under a policy", () => {
  it("without a policy, stores it in the user's settings as ever: in place, or after the others", () => {
    expect(planSourceSave(stored({}), KEY_SOURCE)).toEqual({ ok: true, set: { settings: serializeSettings({ sources: [KEY_SOURCE] }) } });
    const other = newSource("s12345678", { apiKey: "pk_other" });
    expect(planSourceSave(stored({ settings: serializeSettings({ sources: [KEY_SOURCE], notifications: true }) }), other)).toEqual({ ok: true, set: { settings: serializeSettings({ sources: [KEY_SOURCE, other], notifications: true }) } });
  });

  it("keeps only the member's token and interval for a relay the policy sets, with the policy's URL, never the page's", () => {
    const plan = planSourceSave(stored({ policy: RELAYS, managedRelays: { "org-gone": { relayUrl: "https://gone.example.com", token: "old" } } }), managed({ relayUrl: "https://evil.example.com", label: "Renamed" }));
    expect(plan).toEqual({ ok: true, set: { managedRelays: { [ID]: { relayUrl: URL, token: TOKEN, intervalMinutes: 4 } } } });
  });

  it("stores no interval of the organisation's as the user's own: the one chosen before stays while the policy locks it", () => {
    const policy = { ...RELAYS, intervalMinutes: 10, intervalMinutesLocked: true };
    expect(planSourceSave(stored({ policy }), managed({ intervalMinutes: 10 }))).toEqual({ ok: true, set: { managedRelays: { [ID]: { relayUrl: URL, token: TOKEN } } } });
    expect(planSourceSave(stored({ policy, managedRelays: { [ID]: { relayUrl: URL, token: "old", intervalMinutes: 3 } } }), managed({ intervalMinutes: 10 }))).toEqual({ ok: true, set: { managedRelays: { [ID]: { relayUrl: URL, token: TOKEN, intervalMinutes: 3 } } } });
    const own = planSourceSave(stored({ policy, settings: serializeSettings({ sources: [OWN_RELAY] }) }), { ...OWN_RELAY, token: "new-token", intervalMinutes: 10 });
    expect(own).toEqual({ ok: true, set: { settings: serializeSettings({ sources: [{ ...OWN_RELAY, token: "new-token" }] }) } });
    const added = newRelaySource("s0relay02", { relayUrl: URL, token: TOKEN, intervalMinutes: 10 });
    expect(planSourceSave(stored({ policy }), added)).toEqual({ ok: true, set: { settings: serializeSettings({ sources: [{ ...added, intervalMinutes: 1 }] }) } });
  });

  it("does not keep the empty source a fresh install showed, where the policy hides it", () => {
    expect(planSourceSave(stored({ policy: RELAYS }), OWN_RELAY)).toEqual({ ok: true, set: { settings: serializeSettings({ sources: [OWN_RELAY] }) } });
  });

  it("refuses a Cobalt key where the policy allows none, and a relay it sets as anything but a relay", () => {
    expect(planSourceSave(stored({ policy: { allowApiKeySources: false } }), KEY_SOURCE)).toEqual({ ok: false, refused: "api-keys-not-allowed" });
    expect(planSourceSave(stored({ policy: RELAYS }), newSource(ID, { apiKey: "tk_x" }))).toEqual({ ok: false, refused: "managed-relay" });
  });
});

describe("removing a source under a policy", () => {
  it("never removes a relay the policy sets", () => {
    expect(planSourceRemoval(stored({ policy: RELAYS, settings: serializeSettings({ sources: [KEY_SOURCE, OWN_RELAY] }) }), ID, "s99999999")).toBeUndefined();
  });

  it("lets the last of the user's sources go where the policy gives the page others, leaving an empty one under a new id", () => {
    const settings = serializeSettings({ sources: [KEY_SOURCE], notifications: true });
    expect(planSourceRemoval(stored({ policy: { allowApiKeySources: false }, settings }), "main", "s99999999")).toEqual({ sources: [newSource("s99999999")], notifications: true });
    expect(planSourceRemoval(stored({ settings }), "main", "s99999999")).toBeUndefined();
    expect(planSourceRemoval(stored({ settings: serializeSettings({ sources: [KEY_SOURCE, OWN_RELAY] }) }), "main", "x")).toEqual({ sources: [OWN_RELAY] });
  });
});

describe("taking in a new policy", () => {
  const settings = serializeSettings({ sources: [KEY_SOURCE, OWN_RELAY] });

  it("writes nothing when nothing changed", () => {
    expect(planPolicyApply(stored({ settings, policy: RELAYS }), { relays: [{ label: "Support team", url: URL }] })).toEqual({ set: {}, remove: [] });
    expect(planPolicyApply(stored({ settings }), undefined)).toEqual({ set: {}, remove: [] });
  });

  it("stores a new policy as the browser gave it, and removes one taken back", () => {
    expect(planPolicyApply(stored({ settings }), RELAYS)).toEqual({ set: { policy: RELAYS }, remove: [] });
    expect(planPolicyApply(stored({ settings, policy: RELAYS }), undefined)).toEqual({ set: {}, remove: ["policy"] });
  });

  it("lets the token of a relay the policy no longer sets go with it", () => {
    const managedRelays = { [ID]: { relayUrl: URL, token: TOKEN }, [managedRelayId("https://b.example.com")]: { relayUrl: "https://b.example.com", token: "b" } };
    expect(planPolicyApply(stored({ settings, policy: RELAYS, managedRelays }), RELAYS)).toEqual({ set: { managedRelays: { [ID]: { relayUrl: URL, token: TOKEN } } }, remove: [] });
    expect(planPolicyApply(stored({ settings, policy: RELAYS, managedRelays }), undefined)).toEqual({ set: {}, remove: ["policy", "managedRelays"] });
  });

  it("removes every stored Cobalt key while the policy allows none, keeping the sources' other settings", () => {
    const plan = planPolicyApply(stored({ settings }), { allowApiKeySources: false });
    expect(plan).toEqual({ set: { policy: { allowApiKeySources: false }, settings: serializeSettings({ sources: [{ ...KEY_SOURCE, apiKey: "" }, OWN_RELAY] }) }, remove: [] });
    expect(JSON.stringify(plan)).not.toContain(KEY_SOURCE.apiKey);
    // Nothing stored yet, or no key left: nothing to write.
    expect(planPolicyApply(stored({}), { allowApiKeySources: false }).set.settings).toBeUndefined();
    expect(planPolicyApply(stored({ settings: plan.set.settings, policy: { allowApiKeySources: false } }), { allowApiKeySources: false })).toEqual({ set: {}, remove: [] });
  });
});
