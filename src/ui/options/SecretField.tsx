import { useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import type { FormProblem } from "../../core/settings/form-rules.ts";
import { Field } from "./field.tsx";

/** The show/hide button's words, as each kind of source names its secret. */
export interface RevealWords {
  show: "optionsShowKey" | "relayShowToken";
  hide: "optionsHideKey" | "relayHideToken";
}

interface Props {
  /** The input's id; its hint, error and check lines are named after it. */
  id: string;
  label: string;
  error: FormProblem | undefined;
  hint: string;
  value: string;
  onInput(event: Event): void;
  words: RevealWords;
  /** The live check of what is typed: its state (a class) and its verdict in words. */
  check: { state: string; words: string };
}

/**
 * A secret a source is reached with (the Cobalt API key, the relay's member token): masked so it
 * is not read over the user's shoulder, shown while the user asks, and with the live check's
 * verdict under it, which screen readers hear as it changes.
 */
export function SecretField({ id, label, error, hint, value, onInput, words, check }: Props) {
  const t = uiTranslator();
  const [revealed, setRevealed] = useState(false);
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <div class="key-row">
        <input
          id={id}
          type={(revealed ? "text" : "password") as "text"}
          autocomplete="off"
          spellcheck={false}
          value={value}
          onInput={onInput}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={`${id}-hint ${id}-error ${id}-check`}
        />
        <button type="button" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
          {t.msg(revealed ? words.hide : words.show)}
        </button>
      </div>
      <p id={`${id}-check`} class={`check ${check.state}`} aria-live="polite">
        {check.words}
      </p>
    </Field>
  );
}
