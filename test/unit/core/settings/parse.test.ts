import { describe, expect, it } from "vitest";
import { noticeText } from "../../../../src/core/words/notices.ts";
import { shouldCheck } from "../../../../src/core/check/schedule.ts";
import { EMPTY_STATUS } from "../../../../src/core/status/model.ts";
import { currentError } from "../../../../src/core/status/view-state.ts";
import { sourceNames } from "../../../../src/core/words/names.ts";
import { de, en, ja } from "../../support/i18n.ts";
import { BUDGET, DEFAULT_BASE_URL, INTERVAL, maskKey, newSource, type CheckSettings, type CobaltSource, type Settings } from "../../../../src/core/settings/model.ts";
import { SETTINGS_VERSION, parseStoredSettings, serializeSettings, type ParsedSettings } from "../../../../src/core/settings/parse.ts";
import { keyEnvironment } from "../../../../src/core/settings/source-ids.ts";
import { linkedAccountIdProblem, parseLinkedAccountIds } from "../../../../src/core/settings/form-rules.ts";
import { sourceKey } from "../../../../src/core/settings/fingerprint.ts";

const STORED: CobaltSource = {
  id: "main",
  kind: "cobalt",
  label: "",
  apiKey: "tk_stored_key_1234",
  baseUrl: "https://app.refold.ai",
  linkedAccountIds: ["acct-1", "acct-2"],
  intervalMinutes: 10,
  requestsPerMinute: 60,
};
const PRODUCTION: CobaltSource = { ...STORED, id: "s0a1b2c3d", label: "Production", apiKey: "pk_live_key_5678", linkedAccountIds: [] };
/** What a browser without stored settings has: one Cobalt source, "main", every field at its default. */
const DEFAULT_SETTINGS: Settings = { sources: [newSource("main")] };
const DEFAULT_SOURCE = DEFAULT_SETTINGS.sources[0] as CobaltSource;

/** The notices as the pages show them, in English, sources named as the pages name them. */
function words({ settings, notices }: ParsedSettings): string[] {
  const names = sourceNames(en, settings.sources);
  return notices.map((notice) => noticeText(en, notice, names));
}

/** The v2 layout: one source's fields at the top level. */
const V2 = { schemaVersion: 2, apiKey: STORED.apiKey, baseUrl: STORED.baseUrl, linkedAccountIds: STORED.linkedAccountIds, intervalMinutes: 10, requestsPerMinute: 60 };

/** Stored settings with one source whose field is replaced. */
function withField(field: string, value: unknown, source: CobaltSource = STORED): Record<string, unknown> {
  return { schemaVersion: 3, sources: [{ ...source, [field]: value }] };
}

function notice(label: string, source?: string): string {
  const text = `The saved "${label}" could not be read and was reset to its default. Check it in Options and save.`;
  return source === undefined ? text : `${source}: ${text}`;
}

describe("defaults", () => {
  it("are what the options page promises: one source, the first, with no key", () => {
    expect(DEFAULT_SETTINGS).toEqual({
      sources: [{ id: "main", kind: "cobalt", label: "", apiKey: "", baseUrl: "https://api.gocobalt.io", linkedAccountIds: [], intervalMinutes: 5, requestsPerMinute: 120 }],
    });
    expect(DEFAULT_BASE_URL).toBe("https://api.gocobalt.io");
    expect(INTERVAL).toEqual({ min: 1, max: 60, default: 5 });
    expect(BUDGET).toEqual({ min: 10, max: 1200, default: 120 });
    expect(SETTINGS_VERSION).toBe(3);
  });
});

describe("parseStoredSettings", () => {
  it("gives the defaults, silently, when nothing is stored", () => {
    const parsed = parseStoredSettings(undefined);
    expect(parsed).toEqual({ settings: DEFAULT_SETTINGS, notices: [] });
    expect(parsed.settings).not.toBe(DEFAULT_SETTINGS);
    expect(parsed.settings.sources[0]).not.toBe(DEFAULT_SOURCE);
  });

  it.each<[string, unknown]>([
    ["a string", "tk_key"],
    ["null", null],
    ["an array", [1, 2]],
    ["a number", 7],
    ["a boolean", true],
    ["a v3 object without a list of sources", { schemaVersion: 3, sources: "main" }],
    ["a v3 object with an empty list", { schemaVersion: 3, sources: [] }],
  ])("gives the defaults with one notice for %s", (_label, raw) => {
    const parsed = parseStoredSettings(raw);
    expect(parsed.settings).toEqual(DEFAULT_SETTINGS);
    expect(words(parsed)).toEqual(["The saved settings could not be read, so the defaults are in use. Enter your settings again and save."]);
  });

  it("reads back what serializeSettings wrote", () => {
    const settings: Settings = { sources: [STORED, PRODUCTION] };
    const stored = serializeSettings(settings);
    expect(stored).toEqual({ schemaVersion: SETTINGS_VERSION, sources: [STORED, PRODUCTION] });
    expect(parseStoredSettings(stored)).toEqual({ settings, notices: [] });
    expect(parseStoredSettings(JSON.parse(JSON.stringify(stored)))).toEqual({ settings, notices: [] });
  });

  it("fills a source's missing fields from the defaults without notices", () => {
    expect(parseStoredSettings({ schemaVersion: 3, sources: [{ id: "main", apiKey: "tk_x" }] })).toEqual({ settings: { sources: [{ ...DEFAULT_SOURCE, apiKey: "tk_x" }] }, notices: [] });
  });

  it.each<[keyof CobaltSource, unknown, string]>([
    ["apiKey", 42, "API key"],
    ["apiKey", null, "API key"],
    ["linkedAccountIds", [1, 2], "Linked account IDs"],
    ["linkedAccountIds", { a: 1 }, "Linked account IDs"],
    ["intervalMinutes", "five", "Check every (minutes)"],
    ["intervalMinutes", "5", "Check every (minutes)"],
    ["intervalMinutes", null, "Check every (minutes)"],
    ["intervalMinutes", Number.NaN, "Check every (minutes)"],
    ["requestsPerMinute", {}, "Requests per minute"],
    ["requestsPerMinute", Number.POSITIVE_INFINITY, "Requests per minute"],
    ["label", 12, "Label"],
  ])("a corrupted %s (%j) falls back alone, with one notice naming it", (field, bad, label) => {
    const parsed = parseStoredSettings(withField(field, bad));
    expect(parsed.settings).toEqual({ sources: [{ ...STORED, [field]: DEFAULT_SOURCE[field] }] });
    expect(words(parsed)).toEqual([notice(label)]);
  });

  it("the same damage in the v2 layout falls back alone too, with today's words", () => {
    const parsed = parseStoredSettings({ ...V2, intervalMinutes: "every now and then" });
    expect(parsed.settings).toEqual({ sources: [{ ...STORED, intervalMinutes: 5 }] });
    expect(words(parsed)).toEqual([notice("Check every (minutes)")]);
  });

  it("with several sources, a damaged field falls back alone and the notice names its source", () => {
    const parsed = parseStoredSettings({ schemaVersion: 3, sources: [STORED, { ...PRODUCTION, apiKey: 99, requestsPerMinute: "many" }] });
    expect(parsed.settings).toEqual({ sources: [STORED, { ...PRODUCTION, apiKey: "", requestsPerMinute: 120 }] });
    expect(words(parsed)).toEqual([notice("API key", "Production"), notice("Requests per minute", "Production")]);
  });

  it("a source without a label is named after its key's environment in a notice", () => {
    const parsed = parseStoredSettings({ schemaVersion: 3, sources: [{ ...STORED, intervalMinutes: "x" }, PRODUCTION] });
    expect(words(parsed)).toEqual([notice("Check every (minutes)", "Test")]);
  });

  it.each<[string, string]>([
    [
      "http://cobalt.example.com:8080",
      "The API base URL must start with https:// for cobalt.example.com:8080: http:// would send the API key unencrypted, so it is only for a local server (localhost, 127.0.0.1 or [::1]).",
    ],
    ["ftp://files.example.com", "The API base URL must start with https:// (or http:// for a local server), not ftp://."],
    ["https://user:pw@app.refold.ai", "Remove the user name and password from the API base URL; the API key is sent separately."],
  ])("a stored base URL that may not be used (%j) is left empty, never replaced by Cobalt's, with a notice saying why", (bad, why) => {
    // Replaced by the default, a self-hosted org's key would go to Cobalt's own API.
    const parsed = parseStoredSettings(withField("baseUrl", bad));
    expect(parsed.settings).toEqual({ sources: [{ ...STORED, baseUrl: "" }] });
    expect(words(parsed)).toEqual([`The saved "API base URL" was not used: ${why} Enter it again in Options and save; until then nothing is checked.`]);
    expect(currentError(parsed.settings.sources[0]!, EMPTY_STATUS)).toEqual({ kind: "not-set-up", cause: "no-base-url", at: 0 });
    expect(shouldCheck("alarm", parsed.settings.sources[0]!, EMPTY_STATUS, 0)).toEqual({ run: false, reason: "not set up" });
  });

  it.each<[unknown]>([[17], [null], [["https://cobalt.internal.example"]], [{ url: "https://cobalt.internal.example" }]])(
    "a stored base URL that cannot be read (%j) is left empty, never replaced by Cobalt's, with a notice",
    (bad) => {
      // Replaced by the default, a self-hosted org's key would go to Cobalt's own API.
      const parsed = parseStoredSettings(withField("baseUrl", bad));
      expect(parsed.settings).toEqual({ sources: [{ ...STORED, baseUrl: "" }] });
      expect(words(parsed)).toEqual(['The saved "API base URL" could not be read and was left empty. Enter it again in Options and save; until then nothing is checked.']);
      expect(currentError(parsed.settings.sources[0]!, EMPTY_STATUS)).toEqual({ kind: "not-set-up", cause: "no-base-url", at: 0 });
      expect(shouldCheck("alarm", parsed.settings.sources[0]!, EMPTY_STATUS, 0)).toEqual({ run: false, reason: "not set up" });
      for (const t of [de, ja]) expect(noticeText(t, parsed.notices[0]!)).not.toBe(noticeText(t, { code: "field-reset", field: "intervalMinutes" }));
    },
  );

  it("keeps a stored plain-http base URL on this computer", () => {
    for (const baseUrl of ["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787"]) {
      expect(parseStoredSettings(withField("baseUrl", baseUrl))).toEqual({ settings: { sources: [{ ...STORED, baseUrl }] }, notices: [] });
    }
  });

  it("keeps notices as data, worded when shown in the language of the moment", () => {
    const parsed = parseStoredSettings({ schemaVersion: 2, apiKey: 42, baseUrl: "http://cobalt.example.com" });
    expect(parsed.notices).toEqual([
      { code: "field-reset", field: "apiKey" },
      { code: "field-reset", field: "baseUrl", problem: { code: "url-http-remote", host: "cobalt.example.com" } },
    ]);
    expect(noticeText(de, parsed.notices[0]!)).toBe(
      "Der gespeicherte Wert für „API-Schlüssel“ konnte nicht gelesen werden und wurde auf den Standardwert zurückgesetzt. Prüfen Sie ihn in den Optionen und speichern Sie.",
    );
    expect(noticeText(de, { code: "settings-unreadable" })).toBe(
      "Die gespeicherten Einstellungen konnten nicht gelesen werden, daher gelten die Standardwerte. Geben Sie Ihre Einstellungen erneut ein und speichern Sie sie.",
    );
  });

  it("gives one notice per corrupted field", () => {
    const parsed = parseStoredSettings({ schemaVersion: 2, apiKey: 1, baseUrl: "ftp://x", linkedAccountIds: "x", intervalMinutes: "x", requestsPerMinute: "x" });
    expect(parsed.settings).toEqual({ sources: [{ ...DEFAULT_SETTINGS.sources[0]!, baseUrl: "" }] });
    expect(parsed.notices).toHaveLength(5);
  });

  it("normalizes a stored base URL", () => {
    const parsed = parseStoredSettings(withField("baseUrl", "app.refold.ai/api/v2/public/application/"));
    expect((parsed.settings.sources[0] as CobaltSource).baseUrl).toBe("https://app.refold.ai");
    expect(parsed.notices).toEqual([]);
  });

  it("trims a stored label and cuts it at 60 characters", () => {
    expect(parseStoredSettings(withField("label", "  Staging  ")).settings.sources[0]!.label).toBe("Staging");
    expect(parseStoredSettings(withField("label", "x".repeat(80))).settings.sources[0]!.label).toBe("x".repeat(60));
  });

  it.each<[number, number]>([
    [0, 1],
    [-5, 1],
    [1, 1],
    [2.4, 2],
    [2.6, 3],
    [60, 60],
    [61, 60],
    [1e308, 60],
  ])("clamps intervalMinutes %d to %d", (stored, expected) => {
    const parsed = parseStoredSettings(withField("intervalMinutes", stored));
    expect((parsed.settings.sources[0] as CobaltSource).intervalMinutes).toBe(expected);
    expect(parsed.notices).toEqual([]);
  });

  it.each<[number, number]>([
    [0, 10],
    [9, 10],
    [10, 10],
    [500, 500],
    [1200, 1200],
    [5000, 1200],
  ])("clamps requestsPerMinute %d to %d", (stored, expected) => {
    const parsed = parseStoredSettings(withField("requestsPerMinute", stored));
    expect((parsed.settings.sources[0] as CobaltSource).requestsPerMinute).toBe(expected);
    expect(parsed.notices).toEqual([]);
  });

  it("migrates an unversioned object whose linkedAccountIds is the raw field text", () => {
    const parsed = parseStoredSettings({
      apiKey: "tk_old",
      baseUrl: "https://api.gocobalt.io/",
      linkedAccountIds: "acct-1, acct-2\nacct-3,,acct-1\r\n",
      intervalMinutes: 15,
    });
    expect(parsed).toEqual({
      settings: {
        sources: [
          {
            id: "main",
            kind: "cobalt",
            label: "",
            apiKey: "tk_old",
            baseUrl: "https://api.gocobalt.io",
            linkedAccountIds: ["acct-1", "acct-2", "acct-3"],
            intervalMinutes: 15,
            requestsPerMinute: BUDGET.default,
          },
        ],
      },
      notices: [],
    });
  });

  it("migrates an empty id text to 'every account'", () => {
    expect((parseStoredSettings({ apiKey: "tk_old", linkedAccountIds: "  " }).settings.sources[0] as CobaltSource).linkedAccountIds).toEqual([]);
  });

  it("migrates a v2 user's settings into the first source, \"main\", losing nothing", () => {
    expect(parseStoredSettings(V2)).toEqual({ settings: { sources: [STORED] }, notices: [] });
    // Saved again, it is the v3 layout, and reads back the same.
    expect(serializeSettings({ sources: [STORED] })).toEqual({ schemaVersion: 3, sources: [STORED] });
  });

  it("does not reinterpret a string in v2: that is damage", () => {
    const parsed = parseStoredSettings({ ...V2, linkedAccountIds: "acct-1" });
    expect((parsed.settings.sources[0] as CobaltSource).linkedAccountIds).toEqual([]);
    expect(words(parsed)).toEqual([notice("Linked account IDs")]);
  });

  it("ignores unknown stored fields, at the top and in a source", () => {
    const parsed = parseStoredSettings({ ...serializeSettings({ sources: [STORED] }), theme: "dark", sources: [{ ...STORED, colour: "blue" }] });
    expect(parsed).toEqual({ settings: { sources: [STORED] }, notices: [] });
    expect(parseStoredSettings({ ...V2, theme: "dark" })).toEqual({ settings: { sources: [STORED] }, notices: [] });
  });

  it("leaves out an unreadable source and one of an unknown kind, with a notice each, and keeps the others", () => {
    const parsed = parseStoredSettings({ schemaVersion: 3, sources: [STORED, "junk", { ...PRODUCTION, id: "pigeon1", kind: "carrier-pigeon" }, PRODUCTION] });
    expect(parsed.settings).toEqual({ sources: [STORED, PRODUCTION] });
    expect(words(parsed)).toEqual([
      "A saved source could not be read and was left out. Add it again in Options.",
      'A saved source of a kind this version does not know ("carrier-pigeon") was left out.',
    ]);
  });

  it("gives a source with a damaged or repeated id a fixed one in its place, keeping its fields", () => {
    const parsed = parseStoredSettings({ schemaVersion: 3, sources: [{ ...STORED, id: "Not An Id!" }, { ...PRODUCTION, id: "main" }, { ...PRODUCTION, label: "Again", id: "main" }] });
    expect(parsed.settings.sources.map((source) => source.id)).toEqual(["main", "restored-1", "restored-2"]);
    expect(parsed.settings.sources[0]).toEqual(STORED);
    expect(parsed.settings.sources[2]).toEqual({ ...PRODUCTION, label: "Again", id: "restored-2" });
  });

  it("newSource gives a source with the defaults", () => {
    expect(newSource("s12345678")).toEqual({ ...DEFAULT_SOURCE, id: "s12345678" });
    expect(newSource("x", { label: "L" }).label).toBe("L");
  });
});

describe("keyEnvironment", () => {
  it.each<[string, string]>([
    ["tk_abc", "test"],
    ["tk", "test"],
    ["pk_abc", "production"],
    ["sk_abc", "unknown"],
    ["TK_abc", "unknown"],
    ["", "unknown"],
  ])("%j → %s", (key, env) => {
    expect(keyEnvironment(key)).toBe(env);
  });
});

describe("maskKey", () => {
  it.each<[string, string]>([
    ["", ""],
    ["abc", "•••"],
    ["12345678", "••••••••"],
    ["abcdefghi", "abcd•fghi"],
    ["tk_0123456789abcdef", "tk_0•••••••••••cdef"],
    ["pk_" + "x".repeat(50) + "WXYZ", "pk_x" + "•".repeat(16) + "WXYZ"],
  ])("%j → %j", (key, masked) => {
    expect(maskKey(key)).toBe(masked);
  });

  it("never reveals more than the first 4 and last 4 characters", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (let length = 1; length <= 60; length++) {
      const key = alphabet.repeat(2).slice(0, length);
      const masked = maskKey(key);
      const visible = [...masked].filter((c) => c !== "•").join("");
      if (length <= 8) {
        expect(visible, key).toBe("");
      } else {
        expect(visible, key).toBe(key.slice(0, 4) + key.slice(-4));
        expect(masked.startsWith(key.slice(0, 4)) && masked.endsWith(key.slice(-4)), key).toBe(true);
      }
    }
  });
});

describe("parseLinkedAccountIds", () => {
  it.each<[string, string[]]>([
    ["", []],
    ["   \n ", []],
    ["acct-1", ["acct-1"]],
    ["a,b", ["a", "b"]],
    ["a, b ,c", ["a", "b", "c"]],
    ["a\nb\r\nc\td", ["a", "b", "c", "d"]],
    [",,a,,\n\n,b,", ["a", "b"]],
    ["a b a\nb", ["a", "b"]],
    ["user_12345 ünï", ["user_12345", "ünï"]],
  ])("%j → %j", (text, ids) => {
    expect(parseLinkedAccountIds(text)).toEqual(ids);
  });
});

describe("linkedAccountIdProblem", () => {
  it("accepts ordinary, punctuated and non-ASCII ids up to 200 characters", () => {
    for (const id of ["acct-1", "user_12345", "66b0d2f25bfbf7ed1a4e6e38", "müller", "a".repeat(200), "a@b.c/d?e"]) {
      expect(linkedAccountIdProblem(id), id).toBeUndefined();
    }
  });

  it("refuses ids longer than 200 characters, quoting their start", () => {
    const id = "abcdefghijklmnopqrstuvwxyz".repeat(8).slice(0, 201);
    expect(linkedAccountIdProblem(id)).toEqual({ code: "id-too-long", start: "abcdefghijklmnopqrst", max: 200 });
  });

  it.each(["a\u0000b", "a\u0007b", "a\u001fb", "a\u007fb"])("refuses control characters (%j)", (id) => {
    expect(linkedAccountIdProblem(id)).toEqual({ code: "id-control", id });
  });
});

describe("sourceKey", () => {
  const key = sourceKey(STORED);

  it("is a short stable hex fingerprint", () => {
    expect(key).toMatch(/^[0-9a-f]{8}$/);
    expect(sourceKey({ ...STORED })).toBe(key);
  });

  it("changes with the key, the base URL and the ids", () => {
    const variants: CheckSettings[] = [
      { ...STORED, apiKey: "tk_stored_key_1235" },
      { ...STORED, baseUrl: "https://api.gocobalt.io" },
      { ...STORED, linkedAccountIds: ["acct-1"] },
      { ...STORED, linkedAccountIds: ["acct-2", "acct-1"] },
      { ...STORED, linkedAccountIds: [] },
    ];
    const keys = variants.map(sourceKey);
    for (const other of keys) expect(other).not.toBe(key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("does not change with the interval or the request budget", () => {
    expect(sourceKey({ ...STORED, intervalMinutes: 60, requestsPerMinute: 10 })).toBe(key);
  });

  it("does not run fields together", () => {
    expect(sourceKey({ ...STORED, linkedAccountIds: ["a,b"] })).not.toBe(sourceKey({ ...STORED, linkedAccountIds: ["a", "b"] }));
  });
});
