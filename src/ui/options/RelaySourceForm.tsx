import { useEffect, useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import { loadRelayIncoming, openRelayForm, relayStoredChanged, validateRelayForm, type RelayForm, type RelayFormErrors, type RelayFormState } from "../../relay/client/form.ts";
import { editField } from "../../core/settings/form.ts";
import { maskKey, MAX_LABEL_LENGTH, RELAY_INTERVAL, type RelaySource } from "../../core/settings/model.ts";
import { Connection } from "./Connection.tsx";
import { Field } from "./field.tsx";
import { RemoveSource } from "./RemoveSource.tsx";
import { saveFromForm, SourceFrame, type SaveState, type SourceFormProps } from "./save-flow.tsx";
import { tokenCheckText, useTokenCheck } from "./token-check.ts";

type Props = SourceFormProps<RelaySource>;

/**
 * A team relay source's settings: its URL, the member token (masked, with its own live
 * check against the relay), the polling interval, its own Save (which asks for the relay's origin
 * inside the click) and its connection status. Words come from the catalogs.
 */
export function RelaySourceForm(props: Props) {
  const { source, stored, first, name } = props;
  const [formState, setFormState] = useState<RelayFormState>(() => openRelayForm(source));
  const [errors, setErrors] = useState<RelayFormErrors>({});
  const [save, setSave] = useState<SaveState>({ state: "idle" });
  useEffect(() => setFormState((state) => relayStoredChanged(state, source)), [source]);
  const id = (field: string) => `${first ? "" : `${source.id}-`}${field}`;
  const set = (field: keyof RelayForm) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setFormState((state) => editField(state, field, value));
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
    setSave({ state: "idle" });
  };
  const onSubmit = useRelaySave(source, formState, setFormState, setErrors, setSave);
  const fields = (
    <form onSubmit={onSubmit} noValidate>
      {props.choice}
      <RelayFields id={id} form={formState.form} errors={errors} set={set} showLabel={name !== undefined || formState.form.label !== ""} savedToken={stored ? source.token : ""} />
      <SaveRow formState={formState} save={save} onLoad={() => setFormState(loadRelayIncoming)} />
      {props.removable && <RemoveSource id={source.id} name={name ?? ""} stored={stored} onDiscard={props.onDiscard} />}
    </form>
  );
  const connection = stored && <Connection source={source} status={props.status} progress={props.progress} now={props.now} name={name} idPrefix={id("")} />;
  return (
    <SourceFrame name={name} headingId={id("source-name")}>
      {fields}
      {connection}
    </SourceFrame>
  );
}

/** Save: validate, then store and check (save-flow.tsx). */
function useRelaySave(
  source: RelaySource,
  formState: RelayFormState,
  setFormState: (state: RelayFormState) => void,
  setErrors: (errors: RelayFormErrors) => void,
  setSave: (state: SaveState) => void,
) {
  const t = uiTranslator();
  return (event: Event) => {
    event.preventDefault();
    const result = validateRelayForm(formState.form);
    if (!result.ok) {
      setErrors(result.errors);
      setSave({ state: "failed", message: t.msg("relayInvalid") });
      return;
    }
    setErrors({});
    const next: RelaySource = { ...source, ...result.settings };
    saveFromForm(
      {
        next,
        url: next.relayUrl,
        refused: (origin) => setErrors({ relayUrl: { code: "permission-denied", origin } }),
        showSaved: () => {
          const before = formState;
          setFormState(openRelayForm(next));
          return () => setFormState(before);
        },
        words: { refused: "relayPermissionRefused", failed: "relaySaveFailed" },
      },
      setSave,
    );
  };
}

interface FieldsProps {
  id(field: string): string;
  form: RelayForm;
  errors: RelayFormErrors;
  set(field: keyof RelayForm): (event: Event) => void;
  showLabel: boolean;
  savedToken: string;
}

function RelayFields({ id, form, errors, set, showLabel, savedToken }: FieldsProps) {
  const t = uiTranslator();
  const described = (field: string, ...more: string[]) => [`${id(field)}-hint`, `${id(field)}-error`, ...more].join(" ");
  return (
    <>
      {showLabel && (
        <Field id={id("label")} label={t.msg("fieldLabel")} error={errors.label} hint={t.msg("relayLabelHint", { max: MAX_LABEL_LENGTH })}>
          <input id={id("label")} type="text" autocomplete="off" value={form.label} onInput={set("label")} aria-invalid={errors.label ? "true" : undefined} aria-describedby={described("label")} />
        </Field>
      )}
      <Field id={id("relayUrl")} label={t.msg("fieldRelayUrl")} error={errors.relayUrl} hint={t.msg("relayUrlHint")}>
        <input id={id("relayUrl")} type="text" autocomplete="off" spellcheck={false} value={form.relayUrl} onInput={set("relayUrl")} aria-invalid={errors.relayUrl ? "true" : undefined} aria-describedby={described("relayUrl")} />
      </Field>
      <TokenField id={id("token")} form={form} error={errors.token} onInput={set("token")} savedToken={savedToken} describedBy={described("token", `${id("token")}-check`)} />
      <Field id={id("intervalMinutes")} label={t.msg("fieldIntervalMinutes")} error={errors.intervalMinutes} hint={t.msg("relayIntervalHint", { min: RELAY_INTERVAL.min, max: RELAY_INTERVAL.max })}>
        <input id={id("intervalMinutes")} type="number" min={RELAY_INTERVAL.min} max={RELAY_INTERVAL.max} step={1} value={form.intervalMinutes} onInput={set("intervalMinutes")} aria-invalid={errors.intervalMinutes ? "true" : undefined} aria-describedby={described("intervalMinutes")} />
      </Field>
    </>
  );
}

/** The member token: masked like the API key unless the user asks, with the relay's live verdict. */
function TokenField(props: { id: string; form: RelayForm; error: RelayFormErrors["token"]; onInput(event: Event): void; savedToken: string; describedBy: string }) {
  const t = uiTranslator();
  const [revealed, setRevealed] = useState(false);
  const check = useTokenCheck(props.form.relayUrl, props.form.token);
  const hint = props.savedToken === "" ? t.msg("relayTokenHintNone") : t.msg("relayTokenHintSaved", { masked: maskKey(props.savedToken) });
  return (
    <Field id={props.id} label={t.msg("fieldToken")} error={props.error} hint={hint}>
      <div class="key-row">
        <input id={props.id} type={(revealed ? "text" : "password") as "text"} autocomplete="off" spellcheck={false} value={props.form.token} onInput={props.onInput} aria-invalid={props.error ? "true" : undefined} aria-describedby={props.describedBy} />
        <button type="button" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
          {t.msg(revealed ? "relayHideToken" : "relayShowToken")}
        </button>
      </div>
      <p id={`${props.id}-check`} class={`check ${check.state}`} aria-live="polite">
        {tokenCheckText(check)}
      </p>
    </Field>
  );
}

function SaveRow({ formState, save, onLoad }: { formState: RelayFormState; save: SaveState; onLoad(): void }) {
  const t = uiTranslator();
  const words = save.state === "saving" ? t.msg("relaySaving") : save.state === "saved" ? t.msg("relaySaved") : save.state === "failed" ? save.message : "";
  return (
    <>
      {formState.incoming && (
        <div class="banner warn" role="status">
          <p>{t.msg("relayChangedElsewhere")}</p>
          <button type="button" onClick={onLoad}>
            {t.msg("relayLoadSaved")}
          </button>
        </div>
      )}
      <div class="save-row">
        <button type="submit" class="primary" disabled={save.state === "saving"}>
          {t.msg("relaySave")}
        </button>
        <span class={`save-state ${save.state}`} role="status">
          {words}
        </span>
      </div>
    </>
  );
}
