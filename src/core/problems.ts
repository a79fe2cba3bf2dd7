import type { Translator } from "./i18n/translator.ts";
import type { IdProblem } from "./settings.ts";
import type { BaseUrlProblem } from "./url.ts";

/*
 * What is wrong with a setting, as data, and in words. Apart from settings-form.ts so that the
 * popup (which words a stored base URL's problem in a notice) does not load the form's logic.
 */

/** What is wrong with a field, as data: the options page words it (problemText) when it shows it. */
export type FormProblem =
  | { code: "label-too-long"; max: number }
  | { code: "key-missing" }
  | { code: "key-spaces" }
  | { code: "key-characters" }
  | BaseUrlProblem
  | IdProblem
  | { code: "interval-range"; min: number; max: number }
  | { code: "budget-range"; min: number; max: number }
  /** Save asked for access to the base URL's origin, and the user said no. */
  | { code: "permission-denied"; origin: string };

/** A field's problem in words. */
export function problemText(t: Translator, problem: FormProblem): string {
  switch (problem.code) {
    case "label-too-long":
      return t.msg("formLabelTooLong", { max: problem.max });
    case "key-missing":
      return t.msg("formKeyMissing");
    case "key-spaces":
      return t.msg("formKeySpaces");
    case "key-characters":
      return t.msg("formKeyCharacters");
    case "url-empty":
      return t.msg("baseUrlEmpty");
    case "url-not-url":
      return t.msg("baseUrlNotUrl", { input: problem.input });
    case "url-scheme":
      return t.msg("baseUrlScheme", { scheme: problem.scheme });
    case "url-http-remote":
      return t.msg("baseUrlHttpRemote", { host: problem.host });
    case "url-credentials":
      return t.msg("baseUrlCredentials");
    case "url-query":
      return t.msg("baseUrlQuery");
    case "id-too-long":
      return t.msg("formIdTooLong", { id: problem.start, max: problem.max });
    case "id-control":
      return t.msg("formIdControl", { id: problem.id });
    case "interval-range":
      return t.msg("formIntervalRange", { min: problem.min, max: problem.max });
    case "budget-range":
      return t.msg("formBudgetRange", { min: problem.min, max: problem.max });
    case "permission-denied":
      return t.msg("formPermissionDenied", { origin: problem.origin });
  }
}
