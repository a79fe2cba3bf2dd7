import { useEffect, useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import { expectedRequests } from "../../core/check/estimate.ts";
import { BUDGET, INTERVAL, MAX_LABEL_LENGTH, SUGGESTED_BASE_URLS, type CobaltSource } from "../../core/settings/model.ts";
import { keyEnvironment } from "../../core/settings/source-ids.ts";
import { editField, loadIncoming, openForm, storedSettingsChanged, validateForm, type FormErrors, type FormState, type SettingsForm } from "../../core/settings/form.ts";
import { isSampleSource } from "../../core/preview/state.ts";
import { Connection } from "./Connection.tsx";
import { budgetHint, Field, keyHint } from "./field.tsx";
import { keyCheckText, useKeyCheck } from "./key-check.ts";
import { RemoveSource } from "./RemoveSource.tsx";
import { saveFromForm, SourceFrame, type SaveState, type SourceFormProps } from "./save-flow.tsx";

type Props = SourceFormProps<CobaltSource>;

/** One source's settings, with its own live key check, its own Save and its own connection status. */
export function SourceForm({ source, stored, first, name, status, progress, now, removable, onDiscard, choice }: Props) {
  // The form starts from what is stored. Settings saved elsewhere (another tab) replace it while
  // it is untouched; with edits, they are offered and never overwrite typing (core/settings/form.ts).
  const [formState, setFormState] = useState<FormState>(() => openForm(source));
  const form = formState.form;
  const [errors, setErrors] = useState<FormErrors>({});
  const [revealed, setRevealed] = useState(false);
  const [save, setSave] = useState<SaveState>({ state: "idle" });
  // The demo org's settings are shown as they are, and its key is never checked (or sent anywhere).
  const sample = isSampleSource(source);
  const keyCheck = useKeyCheck(sample ? "" : form.apiKey, form.baseUrl);
  useEffect(() => setFormState((state) => storedSettingsChanged(state, source)), [source]);
  const t = uiTranslator();
  const id = (field: string) => `${first ? "" : `${source.id}-`}${field}`;

  const set = (field: keyof SettingsForm) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
    setFormState((state) => editField(state, field, value));
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
    setSave({ state: "idle" });
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const result = validateForm(form);
    if (!result.ok) {
      setErrors(result.errors);
      setSave({ state: "failed", message: t.msg("optionsInvalid") });
      return;
    }
    setErrors({});
    const next: CobaltSource = { ...source, ...result.settings };
    saveFromForm(
      {
        next,
        url: next.baseUrl,
        refused: (origin) => setErrors({ baseUrl: { code: "permission-denied", origin } }),
        showSaved: () => {
          const before = formState;
          setFormState(openForm(next));
          return () => setFormState(before);
        },
        words: { refused: "optionsPermissionRefused", failed: "optionsSaveFailed" },
      },
      setSave,
    );
  };

  const env = keyEnvironment(form.apiKey.trim());
  const fields = (
    <form onSubmit={onSubmit} noValidate>
      {choice}
      {(name !== undefined || form.label !== "") && (
        <Field id={id("label")} label={t.msg("fieldLabel")} error={errors.label} hint={t.msg("optionsLabelHint", { max: MAX_LABEL_LENGTH })}>
          <input id={id("label")} type="text" autocomplete="off" value={form.label} onInput={set("label")} aria-invalid={errors.label ? "true" : undefined} aria-describedby={`${id("label")}-hint ${id("label")}-error`} />
        </Field>
      )}
      <Field id={id("apiKey")} label={t.msg("fieldApiKey")} error={errors.apiKey} hint={keyHint(stored ? source.apiKey : "", env)}>
        <div class="key-row">
          <input
            id={id("apiKey")}
            type={(revealed ? "text" : "password") as "text"}
            autocomplete="off"
            spellcheck={false}
            value={form.apiKey}
            onInput={set("apiKey")}
            aria-invalid={errors.apiKey ? "true" : undefined}
            aria-describedby={`${id("apiKey")}-hint ${id("apiKey")}-error ${id("apiKey")}-check`}
          />
          <button type="button" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
            {revealed ? t.msg("optionsHideKey") : t.msg("optionsShowKey")}
          </button>
        </div>
        <p id={id("apiKey-check")} class={`check ${keyCheck.state}`} aria-live="polite">
          {keyCheck.state === "checking" ? t.msg("optionsCheckingKey") : keyCheckText(keyCheck)}
        </p>
      </Field>
      <Field id={id("baseUrl")} label={t.msg("fieldBaseUrl")} error={errors.baseUrl} hint={t.msg("optionsBaseUrlHint")}>
        <input id={id("baseUrl")} type="text" list={id("baseUrl-suggestions")} autocomplete="off" spellcheck={false} value={form.baseUrl} onInput={set("baseUrl")} aria-invalid={errors.baseUrl ? "true" : undefined} aria-describedby={`${id("baseUrl")}-hint ${id("baseUrl")}-error`} />
        <datalist id={id("baseUrl-suggestions")}>
          {SUGGESTED_BASE_URLS.map((url) => (
            <option key={url} value={url} />
          ))}
        </datalist>
      </Field>
      <Field id={id("linkedAccountIds")} label={t.msg("fieldLinkedAccountIds")} error={errors.linkedAccountIds} hint={t.msg("optionsLinkedAccountIdsHint")}>
        <textarea id={id("linkedAccountIds")} rows={4} spellcheck={false} value={form.linkedAccountIds} onInput={set("linkedAccountIds")} aria-invalid={errors.linkedAccountIds ? "true" : undefined} aria-describedby={`${id("linkedAccountIds")}-hint ${id("linkedAccountIds")}-error`} />
      </Field>
      <div class="numbers">
        <Field id={id("intervalMinutes")} label={t.msg("fieldIntervalMinutes")} error={errors.intervalMinutes} hint={t.msg("optionsIntervalHint", { min: INTERVAL.min, max: INTERVAL.max })}>
          <input id={id("intervalMinutes")} type="number" min={INTERVAL.min} max={INTERVAL.max} step={1} value={form.intervalMinutes} onInput={set("intervalMinutes")} aria-invalid={errors.intervalMinutes ? "true" : undefined} aria-describedby={`${id("intervalMinutes")}-hint ${id("intervalMinutes")}-error`} />
        </Field>
        <Field id={id("requestsPerMinute")} label={t.msg("fieldRequestsPerMinute")} error={errors.requestsPerMinute} hint={budgetHint(expectedRequests(source, status), source.requestsPerMinute, status.accountsTotal)}>
          <input id={id("requestsPerMinute")} type="number" min={BUDGET.min} max={BUDGET.max} step={1} value={form.requestsPerMinute} onInput={set("requestsPerMinute")} aria-invalid={errors.requestsPerMinute ? "true" : undefined} aria-describedby={`${id("requestsPerMinute")}-hint ${id("requestsPerMinute")}-error`} />
        </Field>
      </div>
      {formState.incoming && (
        <div class="banner warn" role="status">
          <p>{t.msg("optionsChangedElsewhere")}</p>
          <button type="button" onClick={() => setFormState(loadIncoming)}>
            {t.msg("optionsLoadSaved")}
          </button>
        </div>
      )}
      <div class="save-row">
        <button type="submit" class="primary" disabled={save.state === "saving"}>
          {t.msg("optionsSave")}
        </button>
        <span class={`save-state ${save.state}`} role="status">
          {save.state === "saving" ? t.msg("optionsSaving") : save.state === "saved" ? t.msg("optionsSaved") : save.state === "failed" ? save.message : ""}
        </span>
      </div>
      {removable && <RemoveSource id={source.id} name={name ?? ""} stored={stored} onDiscard={onDiscard} />}
    </form>
  );
  // A disabled fieldset turns off every field and button of the demo org's form at once.
  const shownFields = sample ? <fieldset class="locked" disabled>{fields}</fieldset> : fields;
  const connection = stored && <Connection source={source} status={status} progress={progress} now={now} name={name} idPrefix={id("")} />;
  return (
    <SourceFrame name={name} headingId={id("source-name")}>
      {shownFields}
      {connection}
    </SourceFrame>
  );
}
