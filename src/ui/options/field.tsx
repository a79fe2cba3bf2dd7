import type { ComponentChildren } from "preact";
import { checkDurationMs } from "../../core/estimate.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { problemText, type FormProblem } from "../../core/problems.ts";
import { maskKey, type KeyEnvironment } from "../../core/settings.ts";
import { duration, plural } from "../shared/interim-format.ts";

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

export function keyHint(storedKey: string, typedEnv: KeyEnvironment): string {
  const env = typedEnv === "unknown" ? "" : ` This is a ${typedEnv} key.`;
  const stored = storedKey === "" ? "No key saved yet." : `Saved key: ${maskKey(storedKey)}.`;
  return `${stored}${env} Prefer a test key, or a key kept only for monitoring: it can read your whole org.`;
}

export function budgetHint(requests: number | undefined, perMinute: number, accounts: number | undefined): string {
  const found = accounts === undefined ? "" : `${plural(accounts, "linked account")} found. `;
  if (requests === undefined) return `${found}Spreads requests evenly; Cobalt limits how often the API may be called.`;
  return `${found}A full check makes about ${plural(requests, "request")}: at least ${duration(checkDurationMs(requests, perMinute))} at this budget.`;
}
