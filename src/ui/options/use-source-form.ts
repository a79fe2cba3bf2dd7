import { useEffect, useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import type { FormProblem } from "../../core/settings/form-rules.ts";
import { editField, type FormState } from "../../core/settings/form.ts";
import type { Source } from "../../core/settings/model.ts";
import { saveFromForm, type SaveState, type SaveSteps } from "./save-flow.tsx";

/** What is wrong with each field of a form, by field. */
export type FieldErrors<F extends object> = Partial<Record<keyof F, FormProblem>>;

/**
 * What sets one kind of source's form apart from the other's: how a stored source reads as the
 * form, how the form is checked, where the source is reached (its origin is asked for at Save),
 * and the words it says that in. The rest of editing and saving is the same for both.
 */
export interface FormKind<S extends Source, F extends object, Fields> {
  open(stored: S): FormState<F, Fields>;
  follow(state: FormState<F, Fields>, stored: S): FormState<F, Fields>;
  load(state: FormState<F, Fields>): FormState<F, Fields>;
  validate(form: F): { ok: true; settings: Fields } | { ok: false; errors: FieldErrors<F> };
  /** The address field: its origin is asked for at Save, and it is marked when that is refused. */
  address: keyof F;
  url(next: S): string;
  words: { invalid: "optionsInvalid" | "relayInvalid" } & SaveSteps["words"];
}

/** One source's form as it is being edited, and what the form does on input, on Save and on "load". */
export interface SourceEdit<F extends object, Fields> {
  formState: FormState<F, Fields>;
  errors: FieldErrors<F>;
  save: SaveState;
  /** The input handler of one field. */
  set(field: keyof F): (event: Event) => void;
  onSubmit(event: Event): void;
  /** Takes the settings saved elsewhere over the edits. */
  loadSaved(): void;
}

/**
 * A source's form state. The form starts from what is stored. Settings saved elsewhere (another
 * tab) replace it while it is untouched; with edits, they are offered and never overwrite typing
 * (core/settings/form.ts). Typing in a field clears that field's error and the last Save's status.
 */
export function useSourceForm<S extends Source, F extends object, Fields>(source: S, kind: FormKind<S, F, Fields>): SourceEdit<F, Fields> {
  const [formState, setFormState] = useState<FormState<F, Fields>>(() => kind.open(source));
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [save, setSave] = useState<SaveState>({ state: "idle" });
  useEffect(() => setFormState((state) => kind.follow(state, source)), [source]);
  const set = (field: keyof F) => (event: Event) => {
    const input = event.currentTarget as HTMLInputElement | HTMLTextAreaElement;
    // A checkbox's field is "on" or "" (its value is "on" either way).
    const value = input instanceof HTMLInputElement && input.type === "checkbox" ? (input.checked ? "on" : "") : input.value;
    setFormState((state) => editField(state, field, value));
    if (errors[field]) setErrors({ ...errors, [field]: undefined });
    setSave({ state: "idle" });
  };
  const onSubmit = (event: Event) => {
    event.preventDefault();
    submit(source, kind, formState, { setFormState, setErrors, setSave });
  };
  return { formState, errors, save, set, onSubmit, loadSaved: () => setFormState(kind.load) };
}

interface Setters<F extends object, Fields> {
  setFormState(state: FormState<F, Fields>): void;
  setErrors(errors: FieldErrors<F>): void;
  setSave(state: SaveState): void;
}

/** Save: validate, then store and check (save-flow.tsx); a form with mistakes stores nothing and marks them. */
function submit<S extends Source, F extends object, Fields>(source: S, kind: FormKind<S, F, Fields>, formState: FormState<F, Fields>, { setFormState, setErrors, setSave }: Setters<F, Fields>): void {
  const t = uiTranslator();
  const result = kind.validate(formState.form);
  if (!result.ok) {
    setErrors(result.errors);
    setSave({ state: "failed", message: t.msg(kind.words.invalid) });
    return;
  }
  setErrors({});
  const next: S = { ...source, ...result.settings };
  saveFromForm(
    {
      next,
      url: kind.url(next),
      refused: (origin) => {
        const errors: FieldErrors<F> = {};
        errors[kind.address] = { code: "permission-denied", origin };
        setErrors(errors);
      },
      showSaved: () => {
        const before = formState;
        setFormState(kind.open(next));
        return () => setFormState(before);
      },
      words: { refused: kind.words.refused, failed: kind.words.failed },
    },
    setSave,
  );
}
