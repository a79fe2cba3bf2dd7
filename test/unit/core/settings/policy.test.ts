import { describe, expect, it } from "vitest";
import { managedRelayId, MAX_MANAGED_RELAYS, parsePolicy, POLICY_KEYS } from "../../../../src/core/settings/policy.ts";
import { isSourceId } from "../../../../src/core/settings/source-ids.ts";
import { policyProblemText } from "../../../../src/core/words/policy.ts";
import { de, en, ja } from "../../support/i18n.ts";

// The organisation's policy is untrusted input: each key is read on its own, what cannot be used
// is left out with a problem naming the key, and keys this version does not know are ignored.

const RELAY = "https://relay.example.com";

/** The problems of a policy, in English. */
function said(raw: unknown): string[] {
  return (parsePolicy(raw)?.problems ?? []).map((problem) => policyProblemText(en, problem));
}

describe("reading the organisation's policy", () => {
  it("is no policy when there is none, or an empty one (Chrome's managed area without policy)", () => {
    expect(parsePolicy(undefined)).toBeUndefined();
    expect(parsePolicy(null)).toBeUndefined();
    expect(parsePolicy({})).toBeUndefined();
  });

  it("reads every key an administrator can set", () => {
    const parsed = parsePolicy({
      relays: [{ url: `${RELAY}/`, label: "  Support team " }, { url: "http://localhost:8787/v1/status" }],
      allowApiKeySources: false,
      notifications: true,
      notificationsLocked: true,
      intervalMinutes: 3,
      intervalMinutesLocked: false,
    });
    expect(parsed).toEqual({
      policy: {
        relays: [
          { id: managedRelayId(RELAY), relayUrl: RELAY, label: "Support team" },
          { id: managedRelayId("http://localhost:8787"), relayUrl: "http://localhost:8787", label: "" },
        ],
        allowApiKeySources: false,
        notifications: { value: true, locked: true },
        intervalMinutes: { value: 3, locked: false },
      },
      problems: [],
    });
  });

  it("gives each relay a stable id of a source's form, the same for the same URL in every browser, another for another URL", () => {
    const id = managedRelayId(RELAY);
    expect(isSourceId(id)).toBe(true);
    expect(id).toBe(managedRelayId(RELAY));
    expect(id).not.toBe(managedRelayId("https://relay.example.org"));
    expect(id.startsWith("org-")).toBe(true);
  });

  it("allows API key sources and locks nothing by default; ignores keys it does not know", () => {
    expect(parsePolicy({ colour: "blue", advanced: { x: 1 } })).toEqual({ policy: { relays: [], allowApiKeySources: true }, problems: [] });
    expect(parsePolicy({ notifications: false, intervalMinutes: null })).toEqual({ policy: { relays: [], allowApiKeySources: true, notifications: { value: false, locked: false } }, problems: [] });
  });

  it("takes the Windows registry's 0 and 1 for false and true (Firefox reads them as numbers)", () => {
    expect(parsePolicy({ allowApiKeySources: 0, notifications: 1, notificationsLocked: 1 })?.policy).toEqual({ relays: [], allowApiKeySources: false, notifications: { value: true, locked: true } });
  });

  it("ignores each value that cannot be used on its own, naming its key; the rest applies", () => {
    const parsed = parsePolicy({ relays: [{ url: RELAY }], allowApiKeySources: "no", notifications: "yes", intervalMinutes: 2.5, intervalMinutesLocked: "true" });
    expect(parsed?.policy).toEqual({ relays: [{ id: managedRelayId(RELAY), relayUrl: RELAY, label: "" }], allowApiKeySources: true });
    expect(said({ allowApiKeySources: "no", notifications: "yes", intervalMinutes: 2.5, intervalMinutesLocked: "true" })).toEqual([
      `Your organisation's setting "allowApiKeySources" was ignored: it must be true or false.`,
      `Your organisation's setting "notifications" was ignored: it must be true or false.`,
      `Your organisation's setting "intervalMinutes" was ignored: it must be a whole number.`,
      `Your organisation's setting "intervalMinutesLocked" was ignored: it must be true or false.`,
    ]);
  });

  it("ignores an interval out of the range a relay source allows, and a lock of a value it does not set", () => {
    expect(parsePolicy({ intervalMinutes: 0, intervalMinutesLocked: true })?.policy).toEqual({ relays: [], allowApiKeySources: true });
    expect(said({ intervalMinutes: 600, intervalMinutesLocked: true, notificationsLocked: true })).toEqual([
      `Your organisation's setting "notificationsLocked" was ignored: it locks "notifications", which is not set to a value that can be used.`,
      `Your organisation's setting "intervalMinutes" was ignored: it must be from 1 to 60.`,
      `Your organisation's setting "intervalMinutesLocked" was ignored: it locks "intervalMinutes", which is not set to a value that can be used.`,
    ]);
  });

  it("reads the relays one by one: an entry that cannot be used is left out and named by its place", () => {
    const parsed = parsePolicy({
      relays: ["https://a.example.com", { url: "http://relay.example.com" }, { url: "ftp://relay.example.com" }, { url: RELAY, label: 7 }, { url: `${RELAY}/` }, { label: "no url" }],
    });
    expect(parsed?.policy.relays).toEqual([{ id: managedRelayId(RELAY), relayUrl: RELAY, label: "" }]);
    expect(parsed?.problems.map((problem) => policyProblemText(en, problem))).toEqual([
      `Entry 1 of your organisation's "relays" was ignored: it is not a relay with a "url".`,
      `Entry 2 of your organisation's "relays" was ignored: The relay URL must start with https:// for relay.example.com: http:// would send the member token unencrypted, so it is only for a relay on this computer (localhost, 127.0.0.1 or [::1]).`,
      expect.stringMatching(/^Entry 3 of your organisation's "relays" was ignored: The relay URL must start with https:\/\//),
      `The "label" of entry 4 of your organisation's "relays" is not text: the relay is shown without it.`,
      `Entry 5 of your organisation's "relays" was ignored: it repeats an earlier relay's URL.`,
      `Entry 6 of your organisation's "relays" was ignored: it is not a relay with a "url".`,
    ]);
  });

  it("says a relays value that is not a list, and uses no more relays than a page can hold", () => {
    expect(said({ relays: { url: RELAY } })).toEqual([`Your organisation's setting "relays" was ignored: it must be a list.`]);
    const many = Array.from({ length: MAX_MANAGED_RELAYS + 2 }, (_, n) => ({ url: `https://relay${n}.example.com` }));
    const parsed = parsePolicy({ relays: many });
    expect(parsed?.policy.relays).toHaveLength(MAX_MANAGED_RELAYS);
    expect(parsed?.problems.map((problem) => policyProblemText(en, problem))).toEqual([`Your organisation's "relays" lists more than 10 relays: only the first 10 are used.`]);
  });

  it("says so when the whole policy is not a set of named values, and applies none of it", () => {
    for (const raw of ["relays", 42, [{ relays: [] }]]) {
      expect(parsePolicy(raw)).toEqual({ policy: { relays: [], allowApiKeySources: true }, problems: [{ code: "policy-unreadable" }] });
    }
  });

  it("never throws, whatever the browser hands over", () => {
    const hostile = [{ relays: [null, undefined, [], { url: null }, { url: {} }] }, { __proto__: { allowApiKeySources: false } }, { relays: new Array(1000).fill({ url: RELAY }) }, Object.create(null)];
    for (const raw of hostile) expect(() => parsePolicy(raw)).not.toThrow();
    expect(parsePolicy({ __proto__: { allowApiKeySources: false } })).toBeUndefined();
  });

  it("words every problem in German and Japanese too, with the key as the administrator wrote it", () => {
    const problem = parsePolicy({ intervalMinutes: 90 })!.problems[0]!;
    expect(policyProblemText(de, problem)).toBe("Die Einstellung „intervalMinutes“ Ihrer Organisation wurde ignoriert: Sie muss zwischen 1 und 60 liegen.");
    expect(policyProblemText(ja, problem)).toBe("組織の設定「intervalMinutes」は無視されました：1～60 である必要があります。");
    const relay = parsePolicy({ relays: [{ url: "http://relay.example.com" }] })!.problems[0]!;
    expect(policyProblemText(de, relay)).toMatch(/^Eintrag 1 von „relays“ Ihrer Organisation wurde ignoriert: Für relay\.example\.com muss die Relay-URL mit https:\/\/ beginnen/);
    expect(policyProblemText(ja, relay)).toMatch(/^組織の「relays」の 1 番目の項目は無視されました：relay\.example\.com のリレー URL は/);
  });

  it("knows the keys the schema and the documentation list", () => {
    expect([...POLICY_KEYS].sort()).toEqual(["allowApiKeySources", "intervalMinutes", "intervalMinutesLocked", "notifications", "notificationsLocked", "relays"]);
  });
});
