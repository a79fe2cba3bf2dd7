import { describe, expect, it } from "vitest";
import { toForm, validateForm, type FormErrors, type SettingsForm } from "../../src/core/settings-form.ts";
import type { Settings } from "../../src/core/settings.ts";

const VALID: SettingsForm = {
  apiKey: "tk_0123456789abcdef",
  baseUrl: "https://app.refold.ai",
  linkedAccountIds: "acct-1\nacct-2",
  intervalMinutes: "5",
  requestsPerMinute: "120",
};

function errorsFor(patch: Partial<SettingsForm>): FormErrors {
  const result = validateForm({ ...VALID, ...patch });
  if (result.ok) throw new Error("expected the form to be refused");
  return result.errors;
}

const MESSAGES = {
  keyMissing: "Paste your Cobalt API key (Cobalt dashboard: Settings → Developer, or Settings → Credentials).",
  keySpaces: "The API key contains spaces or line breaks; copy it again from the Cobalt dashboard.",
  keyChars: "The API key contains characters that cannot be sent to the API (it may have been pasted with typographic quotes).",
  interval: "Choose a whole number of minutes from 1 to 60.",
  budget: "Choose a whole number of requests per minute from 10 to 1200.",
};

describe("validateForm", () => {
  it("turns a valid form into settings", () => {
    expect(validateForm(VALID)).toEqual({
      ok: true,
      settings: {
        apiKey: "tk_0123456789abcdef",
        baseUrl: "https://app.refold.ai",
        linkedAccountIds: ["acct-1", "acct-2"],
        intervalMinutes: 5,
        requestsPerMinute: 120,
      },
    });
  });

  it("normalizes what people paste", () => {
    const result = validateForm({
      apiKey: "  pk_live_key\n",
      baseUrl: " app.refold.ai/api/v2/public/application/ ",
      linkedAccountIds: " acct-1, acct-2 ,acct-1\n\nacct 3 ",
      intervalMinutes: " 15 ",
      requestsPerMinute: "0060",
    });
    expect(result).toEqual({
      ok: true,
      settings: {
        apiKey: "pk_live_key",
        baseUrl: "https://app.refold.ai",
        linkedAccountIds: ["acct-1", "acct-2", "acct", "3"],
        intervalMinutes: 15,
        requestsPerMinute: 60,
      },
    });
  });

  it("accepts an empty id list (watch every account) and the range limits", () => {
    const result = validateForm({ ...VALID, linkedAccountIds: "  ", intervalMinutes: "1", requestsPerMinute: "1200" });
    expect(result.ok && result.settings.linkedAccountIds).toEqual([]);
    const top = validateForm({ ...VALID, intervalMinutes: "60", requestsPerMinute: "10" });
    expect(top.ok && [top.settings.intervalMinutes, top.settings.requestsPerMinute]).toEqual([60, 10]);
  });

  it("explains a missing key", () => {
    expect(errorsFor({ apiKey: "" })).toEqual({ apiKey: MESSAGES.keyMissing });
    expect(errorsFor({ apiKey: " \n " })).toEqual({ apiKey: MESSAGES.keyMissing });
  });

  it("explains a key with spaces or line breaks inside", () => {
    expect(errorsFor({ apiKey: "tk_abc def" })).toEqual({ apiKey: MESSAGES.keySpaces });
    expect(errorsFor({ apiKey: "tk_abc\ndef" })).toEqual({ apiKey: MESSAGES.keySpaces });
  });

  it("explains a key with characters a header cannot carry", () => {
    expect(errorsFor({ apiKey: "“tk_abc”" })).toEqual({ apiKey: MESSAGES.keyChars });
    expect(errorsFor({ apiKey: "tk_ключ" })).toEqual({ apiKey: MESSAGES.keyChars });
  });

  it.each<[string, string]>([
    ["", "Enter the API base URL, for example https://api.gocobalt.io."],
    ["ftp://files.example.com", "The API base URL must start with https:// (or http:// for a local server), not ftp://."],
    ["https://u:p@app.refold.ai", "Remove the user name and password from the API base URL; the API key is sent separately."],
    ["https://app.refold.ai?x=1", "Remove the ? or # part from the API base URL."],
    ["https://", '"https://" is not a URL. Use a form like https://api.gocobalt.io.'],
  ])("explains the base URL %j", (baseUrl, message) => {
    expect(errorsFor({ baseUrl })).toEqual({ baseUrl: message });
  });

  it("explains an over-long linked account ID", () => {
    const long = "x".repeat(201);
    expect(errorsFor({ linkedAccountIds: `acct-1\n${long}` })).toEqual({
      linkedAccountIds: `The linked account ID "${"x".repeat(20)}…" is longer than 200 characters.`,
    });
  });

  it("explains a linked account ID with a control character", () => {
    expect(errorsFor({ linkedAccountIds: "acct-1, acct\u00072" })).toEqual({
      linkedAccountIds: 'The linked account ID "acct\u00072" contains a control character.',
    });
  });

  it.each(["", "0", "61", "2.5", "-1", "five", "1e1", "5 minutes"])("refuses the interval %j", (intervalMinutes) => {
    expect(errorsFor({ intervalMinutes })).toEqual({ intervalMinutes: MESSAGES.interval });
  });

  it.each(["", "9", "1201", "60.5", "-120", "lots"])("refuses the request budget %j", (requestsPerMinute) => {
    expect(errorsFor({ requestsPerMinute })).toEqual({ requestsPerMinute: MESSAGES.budget });
  });

  it("reports every bad field at once", () => {
    const errors = errorsFor({ apiKey: "", baseUrl: "ftp://x", linkedAccountIds: "a\u0001", intervalMinutes: "0", requestsPerMinute: "0" });
    expect(Object.keys(errors).sort()).toEqual(["apiKey", "baseUrl", "intervalMinutes", "linkedAccountIds", "requestsPerMinute"]);
  });
});

describe("toForm", () => {
  it("shows settings as the form fields and validates back to the same settings", () => {
    const settings: Settings = {
      apiKey: "tk_abc",
      baseUrl: "https://cobalt.example.com/proxy",
      linkedAccountIds: ["a", "b", "c"],
      intervalMinutes: 7,
      requestsPerMinute: 30,
    };
    const form = toForm(settings);
    expect(form).toEqual({
      apiKey: "tk_abc",
      baseUrl: "https://cobalt.example.com/proxy",
      linkedAccountIds: "a\nb\nc",
      intervalMinutes: "7",
      requestsPerMinute: "30",
    });
    expect(validateForm(form)).toEqual({ ok: true, settings });
  });
});
