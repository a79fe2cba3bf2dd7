import { describe, expect, it } from "vitest";
import { noticeText, type Notice } from "../../src/core/notices.ts";
import { de, en } from "./support/i18n.ts";
import {
  BUDGET,
  DEFAULT_BASE_URL,
  DEFAULT_SETTINGS,
  INTERVAL,
  SETTINGS_VERSION,
  keyEnvironment,
  linkedAccountIdProblem,
  maskKey,
  parseLinkedAccountIds,
  parseStoredSettings,
  serializeSettings,
  sourceKey,
  type Settings,
} from "../../src/core/settings.ts";

const STORED: Settings = {
  apiKey: "tk_stored_key_1234",
  baseUrl: "https://app.refold.ai",
  linkedAccountIds: ["acct-1", "acct-2"],
  intervalMinutes: 10,
  requestsPerMinute: 60,
};

/** The notices as the pages show them, in English. */
function words(notices: Notice[]): string[] {
  return notices.map((notice) => noticeText(en, notice));
}

function notice(label: string): string {
  return `The saved "${label}" could not be read and was reset to its default. Check it in Options and save.`;
}

describe("defaults", () => {
  it("are what the options page promises", () => {
    expect(DEFAULT_SETTINGS).toEqual({
      apiKey: "",
      baseUrl: "https://api.gocobalt.io",
      linkedAccountIds: [],
      intervalMinutes: 5,
      requestsPerMinute: 120,
    });
    expect(DEFAULT_BASE_URL).toBe("https://api.gocobalt.io");
    expect(INTERVAL).toEqual({ min: 1, max: 60, default: 5 });
    expect(BUDGET).toEqual({ min: 10, max: 1200, default: 120 });
  });
});

describe("parseStoredSettings", () => {
  it("gives the defaults, silently, when nothing is stored", () => {
    const parsed = parseStoredSettings(undefined);
    expect(parsed).toEqual({ settings: DEFAULT_SETTINGS, notices: [] });
    expect(parsed.settings).not.toBe(DEFAULT_SETTINGS);
  });

  it.each<[string, unknown]>([
    ["a string", "tk_key"],
    ["null", null],
    ["an array", [1, 2]],
    ["a number", 7],
    ["a boolean", true],
  ])("gives the defaults with one notice for %s", (_label, raw) => {
    const parsed = parseStoredSettings(raw);
    expect(parsed.settings).toEqual(DEFAULT_SETTINGS);
    expect(words(parsed.notices)).toEqual(["The saved settings could not be read, so the defaults are in use. Enter your settings again and save."]);
  });

  it("reads back what serializeSettings wrote", () => {
    const stored = serializeSettings(STORED);
    expect(stored).toEqual({ schemaVersion: SETTINGS_VERSION, ...STORED });
    expect(parseStoredSettings(stored)).toEqual({ settings: STORED, notices: [] });
    expect(parseStoredSettings(JSON.parse(JSON.stringify(stored)))).toEqual({ settings: STORED, notices: [] });
  });

  it("fills missing fields from the defaults without notices", () => {
    expect(parseStoredSettings({ schemaVersion: 2, apiKey: "tk_x" })).toEqual({ settings: { ...DEFAULT_SETTINGS, apiKey: "tk_x" }, notices: [] });
  });

  it.each<[keyof Settings, unknown, string]>([
    ["apiKey", 42, "API key"],
    ["apiKey", null, "API key"],
    ["baseUrl", 17, "API base URL"],
    ["linkedAccountIds", [1, 2], "Linked account IDs"],
    ["linkedAccountIds", { a: 1 }, "Linked account IDs"],
    ["intervalMinutes", "five", "Check every (minutes)"],
    ["intervalMinutes", "5", "Check every (minutes)"],
    ["intervalMinutes", null, "Check every (minutes)"],
    ["intervalMinutes", Number.NaN, "Check every (minutes)"],
    ["requestsPerMinute", {}, "Requests per minute"],
    ["requestsPerMinute", Number.POSITIVE_INFINITY, "Requests per minute"],
  ])("a corrupted %s (%j) falls back alone, with one notice naming it", (field, bad, label) => {
    const parsed = parseStoredSettings({ ...serializeSettings(STORED), [field]: bad });
    expect(parsed.settings).toEqual({ ...STORED, [field]: DEFAULT_SETTINGS[field] });
    expect(words(parsed.notices)).toEqual([notice(label)]);
  });

  it.each<[string, string]>([
    [
      "http://cobalt.example.com:8080",
      "The API base URL must start with https:// for cobalt.example.com:8080: http:// would send the API key unencrypted, so it is only for a local server (localhost, 127.0.0.1 or [::1]).",
    ],
    ["ftp://files.example.com", "The API base URL must start with https:// (or http:// for a local server), not ftp://."],
    ["https://user:pw@app.refold.ai", "Remove the user name and password from the API base URL; the API key is sent separately."],
  ])("a stored base URL that may not be used (%j) falls back alone, with a notice saying why", (bad, why) => {
    const parsed = parseStoredSettings({ ...serializeSettings(STORED), baseUrl: bad });
    expect(parsed.settings).toEqual({ ...STORED, baseUrl: DEFAULT_BASE_URL });
    expect(words(parsed.notices)).toEqual([`The saved "API base URL" was reset to its default: ${why} Check it in Options and save.`]);
  });

  it("keeps a stored plain-http base URL on this computer", () => {
    for (const baseUrl of ["http://127.0.0.1:8787", "http://localhost:8787", "http://[::1]:8787"]) {
      expect(parseStoredSettings({ ...serializeSettings(STORED), baseUrl })).toEqual({ settings: { ...STORED, baseUrl }, notices: [] });
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
    expect(parsed.settings).toEqual(DEFAULT_SETTINGS);
    expect(parsed.notices).toHaveLength(5);
  });

  it("normalizes a stored base URL", () => {
    const parsed = parseStoredSettings({ ...serializeSettings(STORED), baseUrl: "app.refold.ai/api/v2/public/application/" });
    expect(parsed.settings.baseUrl).toBe("https://app.refold.ai");
    expect(parsed.notices).toEqual([]);
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
    const parsed = parseStoredSettings({ ...serializeSettings(STORED), intervalMinutes: stored });
    expect(parsed.settings.intervalMinutes).toBe(expected);
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
    const parsed = parseStoredSettings({ ...serializeSettings(STORED), requestsPerMinute: stored });
    expect(parsed.settings.requestsPerMinute).toBe(expected);
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
        apiKey: "tk_old",
        baseUrl: "https://api.gocobalt.io",
        linkedAccountIds: ["acct-1", "acct-2", "acct-3"],
        intervalMinutes: 15,
        requestsPerMinute: BUDGET.default,
      },
      notices: [],
    });
  });

  it("migrates an empty id text to 'every account'", () => {
    expect(parseStoredSettings({ apiKey: "tk_old", linkedAccountIds: "  " }).settings.linkedAccountIds).toEqual([]);
  });

  it("does not reinterpret a string in the current version: that is damage", () => {
    const parsed = parseStoredSettings({ ...serializeSettings(STORED), linkedAccountIds: "acct-1" });
    expect(parsed.settings.linkedAccountIds).toEqual([]);
    expect(words(parsed.notices)).toEqual([notice("Linked account IDs")]);
  });

  it("ignores unknown stored fields", () => {
    const parsed = parseStoredSettings({ ...serializeSettings(STORED), theme: "dark" });
    expect(parsed).toEqual({ settings: STORED, notices: [] });
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
    const variants: Settings[] = [
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
