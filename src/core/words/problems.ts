import type { Translator } from "../i18n/translator.ts";
import type { FormProblem } from "../settings/form-rules.ts";
import type { BaseUrlProblem } from "../kit/url.ts";

/*
 * What is wrong with a setting, as data, and in words. Apart from core/settings/form.ts so that the
 * popup (which words a stored base URL's problem in a notice) does not load the form's logic.
 */

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
    case "relay-url":
      return relayUrlText(t, problem.problem);
    case "token-missing":
      return t.msg("formTokenMissing");
    case "token-characters":
      return t.msg("formTokenCharacters");
  }
}

function relayUrlText(t: Translator, problem: BaseUrlProblem): string {
  switch (problem.code) {
    case "url-empty":
      return t.msg("relayUrlEmpty");
    case "url-not-url":
      return t.msg("relayUrlNotUrl", { input: problem.input });
    case "url-scheme":
      return t.msg("relayUrlScheme", { scheme: problem.scheme });
    case "url-http-remote":
      return t.msg("relayUrlHttpRemote", { host: problem.host });
    case "url-credentials":
      return t.msg("relayUrlCredentials");
    case "url-query":
      return t.msg("relayUrlQuery");
  }
}
