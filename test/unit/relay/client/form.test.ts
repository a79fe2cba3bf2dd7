import { describe, expect, it } from "vitest";
import { problemText } from "../../../../src/core/words/problems.ts";
import { openRelayForm, relayStoredChanged, toRelayForm, validateRelayForm, type RelayForm } from "../../../../src/relay/client/form.ts";
import { editField } from "../../../../src/core/settings/form.ts";
import { en } from "../../support/i18n.ts";

// The options form of a relay source: what it accepts, what it says about what it does not, and
// how it follows settings saved in another tab (the same rules as the Cobalt form).

const FORM: RelayForm = { label: " Support ", relayUrl: "relay.example.com/", token: " cirelay_abc ", intervalMinutes: "1", badgeUnclaimedOnly: "" };

describe("validateRelayForm", () => {
  it("gives the settings to store: the URL normalized, the token and label trimmed", () => {
    expect(validateRelayForm(FORM)).toEqual({ ok: true, settings: { label: "Support", relayUrl: "https://relay.example.com", token: "cirelay_abc", intervalMinutes: 1, badgeUnclaimedOnly: false } });
    expect(validateRelayForm({ ...FORM, badgeUnclaimedOnly: "on" })).toMatchObject({ ok: true, settings: { badgeUnclaimedOnly: true } });
    expect(toRelayForm({ label: "", relayUrl: "", token: "", intervalMinutes: 1, badgeUnclaimedOnly: true }).badgeUnclaimedOnly).toBe("on");
  });

  it("says in words what is wrong with each field", () => {
    const result = validateRelayForm({ label: "x".repeat(61), relayUrl: "http://relay.example.com", token: "cirelay abc", intervalMinutes: "0", badgeUnclaimedOnly: "" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const words = Object.fromEntries(Object.entries(result.errors).map(([field, problem]) => [field, problemText(en, problem!)]));
    expect(words).toEqual({
      label: "Keep the label to 60 characters or fewer.",
      relayUrl:
        "The relay URL must start with https:// for relay.example.com: http:// would send the member token unencrypted, so it is only for a relay on this computer (localhost, 127.0.0.1 or [::1]).",
      token: "The member token contains spaces or characters that cannot be sent (it may have been pasted with extra text); copy it again.",
      intervalMinutes: "Choose a whole number of minutes from 1 to 60.",
    });
    const empty = validateRelayForm({ label: "", relayUrl: "", token: "", intervalMinutes: "1", badgeUnclaimedOnly: "" });
    expect(empty.ok ? {} : Object.keys(empty.errors)).toEqual(["relayUrl", "token"]);
  });
});

describe("a relay form open in two tabs", () => {
  const stored = { label: "", relayUrl: "https://relay.example.com", token: "cirelay_abc", intervalMinutes: 1 };

  it("follows settings saved elsewhere while untouched, and offers them without overwriting edits", () => {
    const untouched = relayStoredChanged(openRelayForm(stored), { ...stored, intervalMinutes: 5 });
    expect(untouched.form).toEqual(toRelayForm({ ...stored, intervalMinutes: 5 }));
    const edited = editField(openRelayForm(stored), "token", "cirelay_typed");
    const offered = relayStoredChanged(edited, { ...stored, intervalMinutes: 5 });
    expect(offered.form.token).toBe("cirelay_typed");
    expect(offered.incoming).toEqual({ ...stored, intervalMinutes: 5 });
  });
});
