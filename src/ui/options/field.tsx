import type { ComponentChildren } from "preact";
import { checkDurationMs } from "../../core/check/estimate.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { problemText } from "../../core/words/problems.ts";
import { type FormProblem } from "../../core/settings/form-rules.ts";
import { duration } from "../../core/words/format.ts";
import type { Translator } from "../../core/i18n/translator.ts";
import { maskKey } from "../../core/settings/model.ts";
import { type KeyEnvironment } from "../../core/settings/source-ids.ts";

/** One labelled field with its hint and its error; `id` is the control's id. */
export function Field(props: { id: string; label: string; error: FormProblem | undefined; hint: string; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? " invalid" : ""}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      <p id={`${props.id}-hint`} class="hint muted">
        {props.hint}
      </p>
      <p id={`${props.id}-error`} class="field-error" role={props.error ? "alert" : undefined}>
        {props.error ? problemText(uiTranslator(), props.error) : ""}
      </p>
    </div>
  );
}

/** Sentences one after the other, with what the language puts between them. */
function sentences(t: Translator, ...texts: string[]): string {
  return texts.filter((text) => text !== "").reduce((first, second) => t.msg("joinSentences", { first, second }));
}

/** The saved key (masked), what kind of key is typed, and which key to prefer. */
export function keyHint(storedKey: string, typedEnv: KeyEnvironment): string {
  const t = uiTranslator();
  const stored = storedKey === "" ? t.msg("optionsKeyNone") : t.msg("optionsKeySaved", { key: maskKey(storedKey) });
  const env = typedEnv === "test" ? t.msg("optionsKeyIsTest") : typedEnv === "production" ? t.msg("optionsKeyIsProduction") : "";
  return sentences(t, stored, env, t.msg("optionsKeyAdvice"));
}

/** How many linked accounts were found, and what a full check costs at this budget. */
export function budgetHint(requests: number | undefined, perMinute: number, accounts: number | undefined): string {
  const t = uiTranslator();
  const found = accounts === undefined ? "" : t.plural("optionsAccountsFound", accounts);
  if (requests === undefined) return sentences(t, found, t.msg("optionsBudgetHint"));
  return sentences(t, found, t.plural("optionsBudgetEstimate", requests, { duration: duration(t, checkDurationMs(requests, perMinute)) }));
}
