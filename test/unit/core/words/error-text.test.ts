import { describe, expect, it } from "vitest";
import { ERROR_KINDS, type ErrorInfo } from "../../../../src/core/api/errors.ts";
import { errorAdvice, errorDetail, errorTitle } from "../../../../src/core/words/error-text.ts";
import { parseStoredStatus } from "../../../../src/core/status/stored.ts";
import { de, en, ja } from "../../support/i18n.ts";

/*
 * Failures are stored as kind + parameters and worded when shown, in the language of the moment:
 * the same stored entry reads in English or German, and entries from older versions (which
 * stored an English sentence) still read.
 */

const at = 1_700_000_000_000;

describe("every kind of failure", () => {
  it.each(ERROR_KINDS)("%s has a title and advice in every language", (kind) => {
    for (const t of [en, de, ja]) {
      expect(errorTitle(t, kind).length, t.language).toBeGreaterThan(3);
      expect(errorAdvice(t, kind).length, t.language).toBeGreaterThan(10);
    }
    expect(errorTitle(de, kind)).not.toBe(errorTitle(en, kind));
    expect(errorAdvice(ja, kind)).not.toBe(errorAdvice(en, kind));
  });
});

describe("errorAdvice", () => {
  it("tells a team relay source's user what to enter, not to paste a Cobalt API key", () => {
    for (const cause of ["no-token", "no-relay-url"] as const) {
      expect(errorAdvice(en, "not-set-up", cause)).toBe("Open Options and enter the team relay's URL and your member token (your team's relay admin gives you both).");
      expect(errorAdvice(de, "not-set-up", cause)).not.toBe(errorAdvice(en, "not-set-up", cause));
    }
    expect(errorAdvice(en, "not-set-up", "no-key")).toContain("paste an API key");
  });
});

describe("errorDetail", () => {
  const cases: [string, ErrorInfo, string, string][] = [
    [
      "Cobalt's own words, quoted, with the status",
      { kind: "unauthorized", at, status: 401, detail: "Invalid Credentials" },
      'Cobalt rejected the API key (HTTP 401): "Invalid Credentials".',
      "Cobalt hat den API-Schlüssel abgelehnt (HTTP 401): „Invalid Credentials“.",
    ],
    [
      "a save the organisation's policy refused: no key sources",
      { kind: "unexpected", at, cause: "policy-no-keys" },
      "Your organisation allows no Cobalt API keys in this browser, so this source was not saved.",
      "Ihre Organisation erlaubt in diesem Browser keine Cobalt-API-Schlüssel; diese Quelle wurde daher nicht gespeichert.",
    ],
    [
      "a save the organisation's policy refused: a relay it sets",
      { kind: "unexpected", at, cause: "policy-managed-relay" },
      "This relay is set by your organisation: only your member token and how often it is checked can be changed.",
      "Dieses Relay legt Ihre Organisation fest: Nur Ihr Mitglieds-Token und wie oft es geprüft wird, lassen sich ändern.",
    ],
    [
      "a rate limit without words",
      { kind: "rate-limited", at, status: 429, retryAfterMs: 7000 },
      "Cobalt is limiting how often we may ask (HTTP 429).",
      "Cobalt begrenzt, wie oft wir anfragen dürfen (HTTP 429).",
    ],
    [
      "a 5xx that is not Cobalt's JSON",
      { kind: "server", at, status: 502 },
      "Cobalt's server failed (HTTP 502), and the answer was not Cobalt's JSON: a proxy or gateway may be failing.",
      "Der Server von Cobalt hat einen Fehler gemeldet (HTTP 502), und die Antwort war kein JSON von Cobalt: Möglicherweise hat ein Proxy oder Gateway ein Problem.",
    ],
    [
      "a linked account Cobalt does not know",
      { kind: "not-found", at, status: 404, cause: "no-account", accountId: "globex", detail: "Linked Account … not found" },
      `Cobalt has no linked account "globex" for this key's environment. Check the ID in Options (test and production keys see different accounts).`,
      "Cobalt hat in der Umgebung dieses Schlüssels kein verknüpftes Konto „globex“. Prüfen Sie die ID in den Optionen (Test- und Produktionsschlüssel sehen unterschiedliche Konten).",
    ],
    [
      "a timeout, with its seconds",
      { kind: "timeout", at, seconds: 20 },
      "Cobalt did not answer within 20 seconds.",
      "Cobalt hat nicht innerhalb von 20 Sekunden geantwortet.",
    ],
    [
      "a redirect to a known origin",
      { kind: "redirected", at, status: 302, origin: "https://login.hotel-wifi.test" },
      "The API base URL answered with a redirect to https://login.hotel-wifi.test. The extension does not follow it, so the key was not sent there.",
      "Die API-Basis-URL hat mit einer Weiterleitung zu https://login.hotel-wifi.test geantwortet. Die Erweiterung folgt ihr nicht, daher wurde der Schlüssel nicht dorthin gesendet.",
    ],
    [
      "a missing permission",
      { kind: "permission", at, origin: "http://127.0.0.1:8787" },
      "The extension is not allowed to reach http://127.0.0.1:8787. Grant access to check again.",
      "Die Erweiterung darf http://127.0.0.1:8787 nicht erreichen. Erteilen Sie den Zugriff, um erneut zu prüfen.",
    ],
    [
      "an answer with the wrong shape, and where",
      { kind: "bad-response", at, cause: "bad-shape", answer: "oauth-url", path: "auth_url" },
      `Cobalt's answer for the OAuth link did not have the documented shape at "auth_url".`,
      "Die Antwort von Cobalt für den OAuth-Link hatte an der Stelle „auth_url“ nicht das dokumentierte Format.",
    ],
    [
      "a listing longer than it announced",
      { kind: "bad-response", at, cause: "listing-over-announced", pages: 1 },
      "The list of linked accounts kept going past the 1 page it announced; it was not used.",
      "Die Liste der verknüpften Konten ging über die angekündigte 1 Seite hinaus; sie wurde nicht verwendet.",
    ],
    [
      "a full storage, in the browser's words",
      { kind: "storage", at, detail: "QUOTA_BYTES quota exceeded" },
      'The browser refused to store the results: "QUOTA_BYTES quota exceeded".',
      "Der Browser hat das Speichern der Ergebnisse verweigert: „QUOTA_BYTES quota exceeded“.",
    ],
    [
      "a team relay source without its URL",
      { kind: "not-set-up", at: 0, cause: "no-relay-url" },
      "Enter the team relay's URL in Options to start checking.",
      "Geben Sie in den Optionen die URL des Team-Relays ein, damit die Prüfungen beginnen.",
    ],
    [
      "a missing key",
      { kind: "not-set-up", at: 0, cause: "no-key" },
      "Add your Cobalt API key in Options to start checking.",
      "Fügen Sie in den Optionen Ihren Cobalt-API-Schlüssel hinzu, damit die Prüfungen beginnen.",
    ],
  ];

  it.each(cases)("words %s in English and German from the same stored entry", (_what, error, english, german) => {
    expect(errorDetail(en, error)).toBe(english);
    expect(errorDetail(de, error)).toBe(german);
    expect(errorDetail(ja, error)).not.toBe(english);
  });

  it("says until when the team relay asked this browser to wait, when it said", () => {
    const error: ErrorInfo = { kind: "relay-rate-limited", at, status: 429, retryAfterMs: 60_000 };
    expect(errorDetail(en, error)).toBe(`The team relay asked this browser to wait until ${en.time(at + 60_000)}.`);
    expect(errorDetail(de, error)).toBe(`Das Team-Relay hat diesen Browser gebeten, bis ${de.time(at + 60_000)} zu warten.`);
    expect(errorDetail(ja, error)).toContain(ja.time(at + 60_000));
    expect(errorDetail(en, { kind: "relay-rate-limited", at, status: 429 })).toBe("The team relay asked this browser to slow down.");
  });

  it("reads an entry stored by an older version, which kept an English sentence: the kind stays, the sentence goes", () => {
    const stored = { schemaVersion: 1, source: "x", accounts: [], error: { kind: "unauthorized", at } };
    const error = parseStoredStatus(stored).value.error!;
    expect(error).toEqual({ kind: "unauthorized", at });
    expect(errorDetail(en, error)).toBe("Cobalt rejected the API key.");
    expect(errorDetail(de, error)).toBe("Cobalt hat den API-Schlüssel abgelehnt.");
  });

  it("says nothing more than the title where an old entry leaves nothing to say", () => {
    expect(errorDetail(en, { kind: "bad-response", at })).toBe("");
    expect(errorDetail(en, { kind: "not-set-up", at })).toBe("");
    expect(errorDetail(en, { kind: "timeout", at })).toBe("");
  });
});
