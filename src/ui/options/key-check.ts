import { useEffect, useState } from "preact/hooks";
import { CobaltClient } from "../../core/api/client.ts";
import { toApiError } from "../../core/api/errors.ts";
import { plural } from "../../core/format.ts";
import { keyEnvironment } from "../../core/settings.ts";
import { normalizeBaseUrl } from "../../core/url.ts";
import { hasApiPermission } from "../../adapters/permissions.ts";

export type KeyCheck = { state: "idle" } | { state: "checking" } | { state: "ok"; text: string; accounts?: number } | { state: "bad"; text: string };

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
        const env = keyEnvironment(key);
        const found = page.totalDocs ?? page.accounts.length;
        if (!cancelled) {
          setResult({ state: "ok", accounts: found, text: `Key accepted${env === "unknown" ? "" : ` (${env} environment)`}: ${plural(found, "linked account")} found.` });
        }
      } catch (error) {
        if (!cancelled) setResult({ state: "bad", text: toApiError(error).message });
      }
    }, 600);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [apiKey, baseUrl]);
  return result;
}
