import type { FormProblem } from "./form-rules.ts";
import { BUDGET, INTERVAL, MAX_LABEL_LENGTH, type CobaltSource } from "./model.ts";
import { linkedAccountIdProblem, parseLinkedAccountIds } from "./form-rules.ts";
import { normalizeBaseUrl } from "../kit/url.ts";

/** The options form as typed: strings, exactly what the user sees. */
export interface SettingsForm {
  label: string;
  apiKey: string;
  baseUrl: string;
  linkedAccountIds: string;
  intervalMinutes: string;
  requestsPerMinute: string;
}

export type FormErrors = Partial<Record<keyof SettingsForm, FormProblem>>;

/** What the form edits of a source: everything but its identity. */
export type SourceFields = Omit<CobaltSource, "id" | "kind">;

export function toForm(settings: SourceFields): SettingsForm {
  return {
    label: settings.label,
    apiKey: settings.apiKey,
    baseUrl: settings.baseUrl,
    linkedAccountIds: settings.linkedAccountIds.join("\n"),
    intervalMinutes: String(settings.intervalMinutes),
    requestsPerMinute: String(settings.requestsPerMinute),
  };
}

function wholeNumber(text: string, min: number, max: number): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= min && value <= max ? value : undefined;
}

/**
 * Checks every field and says exactly what is wrong with each. No format rule for the key beyond
 * what a header can carry: key formats change, and a stale pattern would lock people out.
 */
export function validateForm(form: SettingsForm): { ok: true; settings: SourceFields } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  const label = form.label.trim();
  if (label.length > MAX_LABEL_LENGTH) errors.label = { code: "label-too-long", max: MAX_LABEL_LENGTH };

  const apiKey = form.apiKey.trim();
  if (apiKey === "") errors.apiKey = { code: "key-missing" };
  else if (/\s/.test(apiKey)) errors.apiKey = { code: "key-spaces" };
  else if (!/^[\x21-\x7e]+$/.test(apiKey)) errors.apiKey = { code: "key-characters" };

  const base = normalizeBaseUrl(form.baseUrl);
  if (!base.ok) errors.baseUrl = base.problem;

  const ids = parseLinkedAccountIds(form.linkedAccountIds);
  const idProblem = ids.map(linkedAccountIdProblem).find((problem) => problem !== undefined);
  if (idProblem) errors.linkedAccountIds = idProblem;

  const intervalMinutes = wholeNumber(form.intervalMinutes, INTERVAL.min, INTERVAL.max);
  if (intervalMinutes === undefined) errors.intervalMinutes = { code: "interval-range", min: INTERVAL.min, max: INTERVAL.max };

  const requestsPerMinute = wholeNumber(form.requestsPerMinute, BUDGET.min, BUDGET.max);
  if (requestsPerMinute === undefined) errors.requestsPerMinute = { code: "budget-range", min: BUDGET.min, max: BUDGET.max };

  if (Object.keys(errors).length > 0 || !base.ok || intervalMinutes === undefined || requestsPerMinute === undefined) {
    return { ok: false, errors };
  }
  return { ok: true, settings: { label, apiKey, baseUrl: base.value, linkedAccountIds: ids, intervalMinutes, requestsPerMinute } };
}

/*
 * Several options tabs share one stored settings object (each form is one source of it). Each form remembers the stored values
 * it last took (`base`), so a change saved elsewhere can be told apart from the user's typing:
 * an untouched form follows it; a form with edits keeps them and offers the stored settings,
 * which the user may load (replacing the edits knowingly) or overwrite by saving.
 */
export interface FormState<F extends object = SettingsForm, S = SourceFields> {
  form: F;
  /** The stored settings, as form fields, that this form last took or saved. */
  base: F;
  /** Settings saved elsewhere while this form had edits: offered, not applied. */
  incoming?: S;
}

/** Every kind of source's form holds only strings, field by field. */
function sameForm<F extends object>(a: F, b: F): boolean {
  return (Object.keys(a) as (keyof F)[]).every((field) => a[field] === b[field]);
}

/** A form showing `stored`: when the page opens, and after this form saved them (which answers any offer). */
export function openForm(stored: SourceFields): FormState {
  const form = toForm(stored);
  return { form, base: form };
}

export function isEdited<F extends object, S>(state: FormState<F, S>): boolean {
  return !sameForm(state.form, state.base);
}

export function editField<F extends object, S>(state: FormState<F, S>, field: keyof F, value: string): FormState<F, S> {
  return { ...state, form: { ...state.form, [field]: value } };
}

/** What the form does when the stored settings change (another tab saved, or this one did). */
export function storedSettingsChanged(state: FormState, stored: SourceFields): FormState {
  return followStored(state, stored, toForm);
}

/** storedSettingsChanged for any kind of source's form, given how its stored fields read as the form's. */
export function followStored<F extends object, S>(state: FormState<F, S>, stored: S, toFormOf: (stored: S) => F): FormState<F, S> {
  const storedForm = toFormOf(stored);
  if (sameForm(storedForm, state.base)) {
    // Nothing this form has not seen: its own save echoed back, or a change undone elsewhere.
    return state.incoming ? { form: state.form, base: state.base } : state;
  }
  if (!isEdited(state) || sameForm(state.form, storedForm)) return { form: storedForm, base: storedForm };
  return { form: state.form, base: state.base, incoming: stored };
}

/** The user chose the settings saved elsewhere over their edits. */
export function loadIncoming(state: FormState): FormState {
  return loadIncomingWith(state, toForm);
}

export function loadIncomingWith<F extends object, S>(state: FormState<F, S>, toFormOf: (stored: S) => F): FormState<F, S> {
  if (!state.incoming) return state;
  const form = toFormOf(state.incoming);
  return { form, base: form };
}
