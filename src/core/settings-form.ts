import { BUDGET, INTERVAL, linkedAccountIdProblem, parseLinkedAccountIds, type Settings } from "./settings.ts";
import { normalizeBaseUrl } from "./url.ts";

/** The options form as typed: strings, exactly what the user sees. */
export interface SettingsForm {
  apiKey: string;
  baseUrl: string;
  linkedAccountIds: string;
  intervalMinutes: string;
  requestsPerMinute: string;
}

export type FormErrors = Partial<Record<keyof SettingsForm, string>>;

export function toForm(settings: Settings): SettingsForm {
  return {
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
export function validateForm(form: SettingsForm): { ok: true; settings: Settings } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  const apiKey = form.apiKey.trim();
  if (apiKey === "") errors.apiKey = "Paste your Cobalt API key (Cobalt dashboard: Settings → Developer, or Settings → Credentials).";
  else if (/\s/.test(apiKey)) errors.apiKey = "The API key contains spaces or line breaks; copy it again from the Cobalt dashboard.";
  else if (!/^[\x21-\x7e]+$/.test(apiKey)) errors.apiKey = "The API key contains characters that cannot be sent to the API (it may have been pasted with typographic quotes).";

  const base = normalizeBaseUrl(form.baseUrl);
  if (!base.ok) errors.baseUrl = base.message;

  const ids = parseLinkedAccountIds(form.linkedAccountIds);
  const idProblem = ids.map(linkedAccountIdProblem).find((problem) => problem !== undefined);
  if (idProblem) errors.linkedAccountIds = idProblem;

  const intervalMinutes = wholeNumber(form.intervalMinutes, INTERVAL.min, INTERVAL.max);
  if (intervalMinutes === undefined) errors.intervalMinutes = `Choose a whole number of minutes from ${INTERVAL.min} to ${INTERVAL.max}.`;

  const requestsPerMinute = wholeNumber(form.requestsPerMinute, BUDGET.min, BUDGET.max);
  if (requestsPerMinute === undefined) errors.requestsPerMinute = `Choose a whole number of requests per minute from ${BUDGET.min} to ${BUDGET.max}.`;

  if (Object.keys(errors).length > 0 || !base.ok || intervalMinutes === undefined || requestsPerMinute === undefined) {
    return { ok: false, errors };
  }
  return { ok: true, settings: { apiKey, baseUrl: base.value, linkedAccountIds: ids, intervalMinutes, requestsPerMinute } };
}
