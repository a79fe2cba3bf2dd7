import { uiTranslator } from "../../adapters/i18n.ts";
import { loadRelayIncoming, openRelayForm, relayStoredChanged, validateRelayForm, type RelayFields as RelaySourceFields, type RelayForm, type RelayFormErrors } from "../../relay/client/form.ts";
import { maskKey, MAX_LABEL_LENGTH, RELAY_INTERVAL, type RelaySource } from "../../core/settings/model.ts";
import { Field } from "./field.tsx";
import type { SourceFormProps } from "./save-flow.tsx";
import { SecretField } from "./SecretField.tsx";
import { fieldId, SourceFormFrame } from "./SourceFormFrame.tsx";
import { tokenCheckText, useTokenCheck } from "./token-check.ts";
import { useSourceForm, type FormKind } from "./use-source-form.ts";

/** What the organisation's policy sets of this source: all but the token (a relay it sets), or its interval. */
export interface RelayOrg {
  managed: boolean;
  intervalLocked: boolean;
}

type Props = SourceFormProps<RelaySource> & { org?: RelayOrg };

/** The relay form's words, for the parts both kinds of source form share. */
const WORDS = {
  show: "relayShowToken",
  hide: "relayHideToken",
  changedElsewhere: "relayChangedElsewhere",
  loadSaved: "relayLoadSaved",
  save: "relaySave",
  saving: "relaySaving",
  saved: "relaySaved",
  invalid: "relayInvalid",
  refused: "relayPermissionRefused",
  failed: "relaySaveFailed",
} as const;

/** A team relay source's form: its fields are the relay's address and the member's token, and it is reached at the relay. */
const RELAY: FormKind<RelaySource, RelayForm, RelaySourceFields> = {
  open: openRelayForm,
  follow: relayStoredChanged,
  load: loadRelayIncoming,
  validate: validateRelayForm,
  address: "relayUrl",
  url: (next) => next.relayUrl,
  words: WORDS,
};

/**
 * A team relay source's settings, for a team whose Cobalt key stays on its relay: the relay's URL,
 * the member token (masked, with its own live check against the relay), the polling interval,
 * whether the badge leaves out what a teammate is on, its own Save (which asks for the relay's origin inside the click) and its connection status.
 */
export function RelaySourceForm({ org = { managed: false, intervalLocked: false }, ...props }: Props) {
  const { source, stored, name } = props;
  const edit = useSourceForm(source, RELAY);
  const form = edit.formState.form;
  return (
    <SourceFormFrame {...props} edit={edit} words={WORDS} locked={false}>
      <RelayFields id={fieldId(props)} form={form} errors={edit.errors} set={edit.set} showLabel={name !== undefined || form.label !== ""} savedToken={stored ? source.token : ""} savedRelayUrl={stored ? source.relayUrl : ""} org={org} />
    </SourceFormFrame>
  );
}

interface FieldsProps {
  id(field: string): string;
  form: RelayForm;
  errors: RelayFormErrors;
  set(field: keyof RelayForm): (event: Event) => void;
  showLabel: boolean;
  savedToken: string;
  savedRelayUrl: string;
  org: RelayOrg;
}

/** The relay's fields; what the organisation sets is shown read-only, and says so. */
function RelayFields({ id, form, errors, set, showLabel, savedToken, savedRelayUrl, org }: FieldsProps) {
  const t = uiTranslator();
  const described = (field: string) => [`${id(field)}-hint`, `${id(field)}-error`].join(" ");
  const byOrg = t.msg("orgSetHint");
  return (
    <>
      {(showLabel || (org.managed && form.label !== "")) && (
        <Field id={id("label")} label={t.msg("fieldLabel")} error={errors.label} hint={org.managed ? byOrg : t.msg("relayLabelHint", { max: MAX_LABEL_LENGTH })}>
          <input id={id("label")} type="text" autocomplete="off" value={form.label} onInput={set("label")} readOnly={org.managed} aria-invalid={errors.label ? "true" : undefined} aria-describedby={described("label")} />
        </Field>
      )}
      <Field id={id("relayUrl")} label={t.msg("fieldRelayUrl")} error={errors.relayUrl} hint={org.managed ? byOrg : t.msg("relayUrlHint")}>
        <input id={id("relayUrl")} type="text" autocomplete="off" spellcheck={false} value={form.relayUrl} onInput={set("relayUrl")} readOnly={org.managed} aria-invalid={errors.relayUrl ? "true" : undefined} aria-describedby={described("relayUrl")} />
      </Field>
      <TokenField id={id("token")} form={form} error={errors.token} onInput={set("token")} savedToken={savedToken} savedRelayUrl={savedRelayUrl} />
      <Field id={id("intervalMinutes")} label={t.msg("fieldIntervalMinutes")} error={errors.intervalMinutes} hint={org.intervalLocked ? byOrg : t.msg("relayIntervalHint", { min: RELAY_INTERVAL.min, max: RELAY_INTERVAL.max })}>
        <input id={id("intervalMinutes")} type="number" min={RELAY_INTERVAL.min} max={RELAY_INTERVAL.max} step={1} value={form.intervalMinutes} onInput={set("intervalMinutes")} readOnly={org.intervalLocked} aria-invalid={errors.intervalMinutes ? "true" : undefined} aria-describedby={described("intervalMinutes")} />
      </Field>
      <label class="toggle">
        <input id={id("badgeUnclaimedOnly")} type="checkbox" checked={form.badgeUnclaimedOnly === "on"} onChange={set("badgeUnclaimedOnly")} aria-describedby={`${id("badgeUnclaimedOnly")}-hint`} />
        {t.msg("fieldBadgeUnclaimedOnly")}
      </label>
      <p id={`${id("badgeUnclaimedOnly")}-hint`} class="hint muted">
        {t.msg("relayUnclaimedOnlyHint")}
      </p>
    </>
  );
}

/** The member token: masked like the API key unless the user asks, with the relay's live verdict. */
function TokenField(props: { id: string; form: RelayForm; error: RelayFormErrors["token"]; onInput(event: Event): void; savedToken: string; savedRelayUrl: string }) {
  const t = uiTranslator();
  const check = useTokenCheck(props.form.relayUrl, props.form.token, props.savedRelayUrl);
  const hint = props.savedToken === "" ? t.msg("relayTokenHintNone") : t.msg("relayTokenHintSaved", { masked: maskKey(props.savedToken) });
  return <SecretField id={props.id} label={t.msg("fieldToken")} error={props.error} hint={hint} value={props.form.token} onInput={props.onInput} words={WORDS} check={{ state: check.state, words: tokenCheckText(check) }} />;
}
