import { uiTranslator } from "../../adapters/i18n.ts";
import { expectedRequests } from "../../core/check/estimate.ts";
import { BUDGET, INTERVAL, MAX_LABEL_LENGTH, SUGGESTED_BASE_URLS, type CobaltSource } from "../../core/settings/model.ts";
import { keyEnvironment } from "../../core/settings/source-ids.ts";
import { loadIncoming, openForm, storedSettingsChanged, validateForm, type FormErrors, type SettingsForm, type SourceFields } from "../../core/settings/form.ts";
import { isSampleSource } from "../../core/preview/state.ts";
import type { Status } from "../../core/status/model.ts";
import { budgetHint, Field, keyHint } from "./field.tsx";
import { keyCheckText, useKeyCheck } from "./key-check.ts";
import type { SourceFormProps } from "./save-flow.tsx";
import { SecretField } from "./SecretField.tsx";
import { fieldId, SourceFormFrame } from "./SourceFormFrame.tsx";
import { useSourceForm, type FormKind } from "./use-source-form.ts";

type Props = SourceFormProps<CobaltSource>;

/** The Cobalt form's words, for the parts both kinds of source form share. */
const WORDS = {
  show: "optionsShowKey",
  hide: "optionsHideKey",
  changedElsewhere: "optionsChangedElsewhere",
  loadSaved: "optionsLoadSaved",
  save: "optionsSave",
  saving: "optionsSaving",
  saved: "optionsSaved",
  invalid: "optionsInvalid",
  refused: "optionsPermissionRefused",
  failed: "optionsSaveFailed",
} as const;

/** A Cobalt source's form: its fields are its API key's settings, and it is reached at its base URL. */
const COBALT: FormKind<CobaltSource, SettingsForm, SourceFields> = {
  open: openForm,
  follow: storedSettingsChanged,
  load: loadIncoming,
  validate: validateForm,
  address: "baseUrl",
  url: (next) => next.baseUrl,
  words: WORDS,
};

/** One source's settings, with its own live key check, its own Save and its own connection status. */
export function SourceForm(props: Props) {
  const { source, name } = props;
  const edit = useSourceForm(source, COBALT);
  const form = edit.formState.form;
  // The demo org's settings are shown as they are, and its key is never checked (or sent anywhere).
  const sample = isSampleSource(source);
  return (
    <SourceFormFrame {...props} edit={edit} words={WORDS} locked={sample}>
      <CobaltFields id={fieldId(props)} source={source} stored={props.stored} status={props.status} form={form} errors={edit.errors} set={edit.set} showLabel={name !== undefined || form.label !== ""} sample={sample} />
    </SourceFormFrame>
  );
}

interface FieldsProps {
  id(field: string): string;
  source: CobaltSource;
  stored: boolean;
  status: Status;
  form: SettingsForm;
  errors: FormErrors;
  set(field: keyof SettingsForm): (event: Event) => void;
  showLabel: boolean;
  sample: boolean;
}

/** The fields of a Cobalt source: its label, the key, where the API is, which linked accounts, and how often and how fast to check. */
function CobaltFields({ id, source, stored, status, form, errors, set, showLabel, sample }: FieldsProps) {
  const t = uiTranslator();
  return (
    <>
      {showLabel && (
        <Field id={id("label")} label={t.msg("fieldLabel")} error={errors.label} hint={t.msg("optionsLabelHint", { max: MAX_LABEL_LENGTH })}>
          <input id={id("label")} type="text" autocomplete="off" value={form.label} onInput={set("label")} aria-invalid={errors.label ? "true" : undefined} aria-describedby={`${id("label")}-hint ${id("label")}-error`} />
        </Field>
      )}
      <ApiKeyField id={id("apiKey")} form={form} error={errors.apiKey} onInput={set("apiKey")} savedKey={stored ? source.apiKey : ""} savedBaseUrl={stored ? source.baseUrl : ""} sample={sample} />
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
    </>
  );
}

/**
 * The API key, masked unless the user asks: the hint says which key is saved and what kind of
 * key is typed, and the live check says whether Cobalt takes it. The demo org's key is never checked.
 */
function ApiKeyField(props: { id: string; form: SettingsForm; error: FormErrors["apiKey"]; onInput(event: Event): void; savedKey: string; savedBaseUrl: string; sample: boolean }) {
  const t = uiTranslator();
  const { form } = props;
  const check = useKeyCheck(props.sample ? "" : form.apiKey, form.baseUrl, props.savedBaseUrl);
  const verdict = check.state === "checking" ? t.msg("optionsCheckingKey") : keyCheckText(check);
  const hint = keyHint(props.savedKey, keyEnvironment(form.apiKey.trim()));
  return <SecretField id={props.id} label={t.msg("fieldApiKey")} error={props.error} hint={hint} value={form.apiKey} onInput={props.onInput} words={WORDS} check={{ state: check.state, words: verdict }} />;
}
