import { uiTranslator } from "../../adapters/i18n.ts";
import { CobaltClient } from "../../core/api/client.ts";
import { errorMessage } from "../../core/words/error-text.ts";
import { environmentLabel } from "../../core/words/environment.ts";
import { keyEnvironment } from "../../core/settings/source-ids.ts";
import { normalizeBaseUrl } from "../../core/kit/url.ts";
import { mayCheckLive } from "../../core/settings/form-rules.ts";
import { SUGGESTED_BASE_URLS } from "../../core/settings/model.ts";
import { AFTER_SAVE, useLiveCheck, type LiveCheck } from "./live-check.ts";

/** The live key check's result as data; keyCheckText words it. */
export type KeyCheck = LiveCheck<{ apiKey: string; accounts: number }>;

/**
 * Checks the key as it is typed, against the base URL in the form (one linked account asked
 * for), and says in words whether it works. Only against a base URL saved for this source
 * (`savedBaseUrl`, "" when none) or one of Cobalt's own: never a host still being typed.
 */
export function useKeyCheck(apiKey: string, baseUrl: string, savedBaseUrl: string): KeyCheck {
  return useLiveCheck([apiKey, baseUrl, savedBaseUrl], () => {
    const key = apiKey.trim();
    const base = normalizeBaseUrl(baseUrl);
    if (key === "" || !base.ok || /\s/.test(key) || !/^[\x21-\x7e]+$/.test(key)) return undefined;
    if (!mayCheckLive(base.value, [savedBaseUrl, ...SUGGESTED_BASE_URLS])) return AFTER_SAVE;
    return {
      url: base.value,
      secret: key,
      ask: async () => {
        const client = new CobaltClient({ baseUrl: base.value, apiKey: key, fetch: (url, init) => fetch(url, init) });
        const page = await client.listLinkedAccounts(1, 1);
        return { apiKey: key, accounts: page.totalDocs ?? page.accounts.length };
      },
    };
  });
}

/** What the check found, in words ("" while there is nothing to say). */
export function keyCheckText(check: KeyCheck): string {
  const t = uiTranslator();
  if (check.state === "bad") return errorMessage(t, check.error);
  if (check.state === "unsaved") return t.msg("keyCheckAfterSave");
  if (check.state !== "ok") return "";
  if (keyEnvironment(check.apiKey) === "unknown") return t.plural("keyCheckAcceptedAnyEnvironment", check.accounts);
  return t.plural("keyCheckAccepted", check.accounts, { environment: environmentLabel(t, { apiKey: check.apiKey }) });
}
