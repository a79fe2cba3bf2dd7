import { describe, expect, it } from "vitest";
import {
  editField,
  isEdited,
  loadIncoming,
  openForm,
  storedSettingsChanged,
  toForm,
  validateForm,
  type FormErrors,
  type SettingsForm,
  type SourceFields,
} from "../../../../src/core/settings/form.ts";
import { problemText } from "../../../../src/core/words/problems.ts";
import { de, en, ja } from "../../support/i18n.ts";
import { mayCheckLive } from "../../../../src/core/settings/form-rules.ts";
import { SUGGESTED_BASE_URLS } from "../../../../src/core/settings/model.ts";

const VALID: SettingsForm = {
  label: "",
  apiKey: "tk_0123456789abcdef",
  baseUrl: "https://app.refold.ai",
  linkedAccountIds: "acct-1\nacct-2",
  intervalMinutes: "5",
  requestsPerMinute: "120",
};

function problemsFor(patch: Partial<SettingsForm>): FormErrors {
  const result = validateForm({ ...VALID, ...patch });
  if (result.ok) throw new Error("expected the form to be refused");
  return result.errors;
}

/** What the options page says under each refused field, in English. */
function errorsFor(patch: Partial<SettingsForm>): Partial<Record<keyof SettingsForm, string>> {
  return Object.fromEntries(Object.entries(problemsFor(patch)).map(([field, problem]) => [field, problemText(en, problem)]));
}

const MESSAGES = {
  keyMissing: "Paste your Cobalt API key (Cobalt dashboard: Settings → Developer, or Settings → Credentials).",
  keySpaces: "The API key contains spaces or line breaks; copy it again from the Cobalt dashboard.",
  keyChars: "The API key contains characters that cannot be sent to the API (it may have been pasted with typographic quotes).",
  interval: "Choose a whole number of minutes from 1 to 60.",
  budget: "Choose a whole number of requests per minute from 10 to 1,200.",
};

describe("validateForm", () => {
  it("turns a valid form into settings", () => {
    expect(validateForm(VALID)).toEqual({
      ok: true,
      settings: {
        label: "",
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
      label: "  Production ",
      apiKey: "  pk_live_key\n",
      baseUrl: " app.refold.ai/api/v2/public/application/ ",
      linkedAccountIds: " acct-1, acct-2 ,acct-1\n\nacct 3 ",
      intervalMinutes: " 15 ",
      requestsPerMinute: "0060",
    });
    expect(result).toEqual({
      ok: true,
      settings: {
        label: "Production",
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

  it("says what is wrong as data, worded in the page's language", () => {
    expect(problemsFor({ apiKey: "", intervalMinutes: "0" })).toEqual({ apiKey: { code: "key-missing" }, intervalMinutes: { code: "interval-range", min: 1, max: 60 } });
    const problems = problemsFor({ requestsPerMinute: "0", linkedAccountIds: "acct\u00072" });
    expect(problemText(de, problems.requestsPerMinute!)).toBe("Wählen Sie eine ganze Zahl von Anfragen pro Minute zwischen 10 und 1.200.");
    expect(problemText(de, problems.linkedAccountIds!)).toBe("Die ID des verknüpften Kontos „acct\u00072“ enthält ein Steuerzeichen.");
    expect(problemText(ja, { code: "permission-denied", origin: "https://cobalt.example.com" })).toBe(
      "拡張機能が https://cobalt.example.com にアクセスするには許可が必要です。もう一度［保存］をクリックして許可してください。",
    );
  });

  it("refuses a label longer than 60 characters", () => {
    expect(errorsFor({ label: "x".repeat(61) })).toEqual({ label: "Keep the label to 60 characters or fewer." });
    expect(validateForm({ ...VALID, label: "x".repeat(60) }).ok).toBe(true);
  });

  it("reports every bad field at once", () => {
    const errors = errorsFor({ apiKey: "", baseUrl: "ftp://x", linkedAccountIds: "a\u0001", intervalMinutes: "0", requestsPerMinute: "0" });
    expect(Object.keys(errors).sort()).toEqual(["apiKey", "baseUrl", "intervalMinutes", "linkedAccountIds", "requestsPerMinute"]);
  });
});

describe("toForm", () => {
  it("shows settings as the form fields and validates back to the same settings", () => {
    const settings: SourceFields = {
      label: "Staging",
      apiKey: "tk_abc",
      baseUrl: "https://cobalt.example.com/proxy",
      linkedAccountIds: ["a", "b", "c"],
      intervalMinutes: 7,
      requestsPerMinute: 30,
    };
    const form = toForm(settings);
    expect(form).toEqual({
      label: "Staging",
      apiKey: "tk_abc",
      baseUrl: "https://cobalt.example.com/proxy",
      linkedAccountIds: "a\nb\nc",
      intervalMinutes: "7",
      requestsPerMinute: "30",
    });
    expect(validateForm(form)).toEqual({ ok: true, settings });
  });
});

describe("the form and settings saved elsewhere (another options tab)", () => {
  const stored: SourceFields = { label: "", apiKey: "tk_abc", baseUrl: "https://app.refold.ai", linkedAccountIds: ["a"], intervalMinutes: 5, requestsPerMinute: 120 };
  const elsewhere: SourceFields = { ...stored, intervalMinutes: 9, linkedAccountIds: ["a", "b"] };

  it("an untouched form follows the stored settings", () => {
    const state = storedSettingsChanged(openForm(stored), elsewhere);
    expect(state).toEqual({ form: toForm(elsewhere), base: toForm(elsewhere) });
    expect(isEdited(state)).toBe(false);
  });

  it("a form with edits keeps them and offers the stored settings instead of applying them", () => {
    const edited = editField(openForm(stored), "apiKey", "tk_typed");
    expect(isEdited(edited)).toBe(true);
    const state = storedSettingsChanged(edited, elsewhere);
    expect(state.form).toEqual({ ...toForm(stored), apiKey: "tk_typed" });
    expect(state.incoming).toEqual(elsewhere);
    // The user chooses to load them: the edits are replaced, knowingly.
    expect(loadIncoming(state)).toEqual({ form: toForm(elsewhere), base: toForm(elsewhere) });
  });

  it("offers the latest of several changes made elsewhere, and drops the offer when storage is back to what the form started from", () => {
    const edited = editField(openForm(stored), "requestsPerMinute", "60");
    const later = { ...elsewhere, requestsPerMinute: 30 };
    const twice = storedSettingsChanged(storedSettingsChanged(edited, elsewhere), later);
    expect(twice.incoming).toEqual(later);
    const back = storedSettingsChanged(twice, stored);
    expect(back.incoming).toBeUndefined();
    expect(back.form.requestsPerMinute).toBe("60");
  });

  it("edits that match what was saved elsewhere leave nothing to offer", () => {
    const edited = editField(editField(openForm(stored), "intervalMinutes", "9"), "linkedAccountIds", "a\nb");
    expect(storedSettingsChanged(edited, elsewhere)).toEqual({ form: toForm(elsewhere), base: toForm(elsewhere) });
  });

  it("a field typed back to its stored value is no edit", () => {
    const state = editField(editField(openForm(stored), "intervalMinutes", "7"), "intervalMinutes", "5");
    expect(isEdited(state)).toBe(false);
    expect(storedSettingsChanged(state, elsewhere).form).toEqual(toForm(elsewhere));
  });

  it("its own save, echoed back by storage, changes nothing", () => {
    // After saving, the form shows what it saved (normalized), as stored.
    const saved = openForm(elsewhere);
    expect(storedSettingsChanged(saved, elsewhere)).toBe(saved);
  });

  it("loading with nothing offered changes nothing", () => {
    const edited = editField(openForm(stored), "apiKey", "tk_mine");
    expect(loadIncoming(edited)).toBe(edited);
  });
});

describe("which address the live key check may ask", () => {
  const SAVED = "https://cobalt.internal.example";
  it("only the saved one or Cobalt's own, never one typed halfway or not saved", () => {
    const confirmed = [SAVED, ...SUGGESTED_BASE_URLS];
    for (const typed of [SAVED, "https://api.gocobalt.io", "https://app.refold.ai"]) expect(mayCheckLive(typed, confirmed)).toBe(true);
    for (const typed of ["https://api.gocob", "https://api.gocobalt.io.example", "https://cobalt.internal.ex", "https://cobalt.internal.example/other", ""]) expect(mayCheckLive(typed, confirmed)).toBe(false);
    // No saved address (a new source): Cobalt's own only; an empty saved one confirms nothing.
    expect(mayCheckLive("", ["", ...SUGGESTED_BASE_URLS])).toBe(false);
  });
});
