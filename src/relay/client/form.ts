import type { FormProblem } from "../../core/settings/form-rules.ts";
import { followStored, loadIncomingWith, type FormState } from "../../core/settings/form.ts";
import { MAX_LABEL_LENGTH, RELAY_INTERVAL, type RelaySource } from "../../core/settings/model.ts";
import { normalizeRelayUrl } from "../../core/kit/url.ts";

/** A relay source's options form as typed: strings, exactly what the user sees. */
export interface RelayForm {
  label: string;
  relayUrl: string;
  token: string;
  intervalMinutes: string;
  /** The badge option's checkbox: "on" or "". */
  badgeUnclaimedOnly: string;
}

export type RelayFields = Omit<RelaySource, "id" | "kind">;
export type RelayFormErrors = Partial<Record<keyof RelayForm, FormProblem>>;
export type RelayFormState = FormState<RelayForm, RelayFields>;

export function toRelayForm(settings: RelayFields): RelayForm {
  return { label: settings.label, relayUrl: settings.relayUrl, token: settings.token, intervalMinutes: String(settings.intervalMinutes), badgeUnclaimedOnly: settings.badgeUnclaimedOnly ? "on" : "" };
}

/** What a header can carry, with no spaces: the token is sent as `Authorization: Bearer <token>`. */
const TOKEN = /^[\x21-\x7e]+$/;

export function validateRelayForm(form: RelayForm): { ok: true; settings: RelayFields } | { ok: false; errors: RelayFormErrors } {
  const errors: RelayFormErrors = {};
  const label = form.label.trim();
  if (label.length > MAX_LABEL_LENGTH) errors.label = { code: "label-too-long", max: MAX_LABEL_LENGTH };
  const url = normalizeRelayUrl(form.relayUrl);
  if (!url.ok) errors.relayUrl = { code: "relay-url", problem: url.problem };
  const token = form.token.trim();
  if (token === "") errors.token = { code: "token-missing" };
  else if (!TOKEN.test(token)) errors.token = { code: "token-characters" };
  const interval = form.intervalMinutes.trim();
  const intervalMinutes = /^\d+$/.test(interval) ? Number(interval) : Number.NaN;
  if (!(intervalMinutes >= RELAY_INTERVAL.min && intervalMinutes <= RELAY_INTERVAL.max)) {
    errors.intervalMinutes = { code: "interval-range", min: RELAY_INTERVAL.min, max: RELAY_INTERVAL.max };
  }
  if (Object.keys(errors).length > 0 || !url.ok) return { ok: false, errors };
  return { ok: true, settings: { label, relayUrl: url.value, token, intervalMinutes, badgeUnclaimedOnly: form.badgeUnclaimedOnly === "on" } };
}

/** The same tab-following rules as the Cobalt form (core/settings/form.ts). */
export function openRelayForm(stored: RelayFields): RelayFormState {
  const form = toRelayForm(stored);
  return { form, base: form };
}

export function relayStoredChanged(state: RelayFormState, stored: RelayFields): RelayFormState {
  return followStored(state, stored, toRelayForm);
}

export function loadRelayIncoming(state: RelayFormState): RelayFormState {
  return loadIncomingWith(state, toRelayForm);
}
