import { useEffect, useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import { CobaltClient } from "../../core/api/client.ts";
import { toApiError, type ErrorInfo } from "../../core/api/errors.ts";
import { errorMessage } from "../../core/error-text.ts";
import { environmentLabel } from "../../core/environment.ts";
import { keyEnvironment } from "../../core/settings.ts";
import { normalizeBaseUrl } from "../../core/url.ts";
import { hasApiPermission } from "../../adapters/permissions.ts";

/** The live check's result as data; keyCheckText words it. */
export type KeyCheck = { state: "idle" } | { state: "checking" } | { state: "ok"; apiKey: string; accounts: number } | { state: "bad"; error: ErrorInfo };

/**
 * Checks the key as it is typed (after a pause), against the base URL in the form, and says in
 * words whether it works. Only origins the extension may already reach are asked.
 */
export function useKeyCheck(apiKey: string, baseUrl: string): KeyCheck {
  const [result, setResult] = useState<KeyCheck>({ state: "idle" });
  useEffect(() => {
    const key = apiKey.trim();
    const base = normalizeBaseUrl(baseUrl);
    if (key === "" || !base.ok || /\s/.test(key) || !/^[\x21-\x7e]+$/.test(key)) {
      setResult({ state: "idle" });
      return;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      if (!(await hasApiPermission(base.value))) {
        if (!cancelled) setResult({ state: "idle" });
        return;
      }
      setResult({ state: "checking" });
      const client = new CobaltClient({ baseUrl: base.value, apiKey: key, fetch: (url, init) => fetch(url, init) });
      try {
        const page = await client.listLinkedAccounts(1, 1);
        if (!cancelled) setResult({ state: "ok", apiKey: key, accounts: page.totalDocs ?? page.accounts.length });
      } catch (error) {
        if (!cancelled) setResult({ state: "bad", error: toApiError(error).info(Date.now()) });
      }
    }, 600);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [apiKey, baseUrl]);
  return result;
}

/** What the check found, in words ("" while there is nothing to say). */
export function keyCheckText(check: KeyCheck): string {
  const t = uiTranslator();
  if (check.state === "bad") return errorMessage(t, check.error);
  if (check.state !== "ok") return "";
  if (keyEnvironment(check.apiKey) === "unknown") return t.plural("keyCheckAcceptedAnyEnvironment", check.accounts);
  return t.plural("keyCheckAccepted", check.accounts, { environment: environmentLabel(t, { apiKey: check.apiKey }) });
}
