import { useEffect, useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import { hasApiPermission } from "../../adapters/permissions.ts";
import { relayClient } from "../../adapters/relay.ts";
import { toApiError, type ErrorInfo } from "../../core/api/errors.ts";
import { errorMessage } from "../../core/error-text.ts";
import { normalizeRelayUrl } from "../../core/url.ts";

/** The live token check's result as data; tokenCheckText words it. */
export type TokenCheck = { state: "idle" } | { state: "checking" } | { state: "ok" } | { state: "bad"; error: ErrorInfo };

/**
 * Asks the relay (GET /v1/status with the token) whether it accepts the token as typed, after a
 * pause: accepted, rejected, or unreachable. Only a relay the extension may already reach is asked.
 */
export function useTokenCheck(relayUrl: string, token: string): TokenCheck {
  const [result, setResult] = useState<TokenCheck>({ state: "idle" });
  useEffect(() => {
    const typed = token.trim();
    const url = normalizeRelayUrl(relayUrl);
    if (typed === "" || !url.ok || !/^[\x21-\x7e]+$/.test(typed)) {
      setResult({ state: "idle" });
      return;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      if (!(await hasApiPermission(url.value))) {
        if (!cancelled) setResult({ state: "idle" });
        return;
      }
      setResult({ state: "checking" });
      try {
        await relayClient({ relayUrl: url.value, token: typed }).status();
        if (!cancelled) setResult({ state: "ok" });
      } catch (error) {
        if (!cancelled) setResult({ state: "bad", error: toApiError(error).info(Date.now()) });
      }
    }, 600);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [relayUrl, token]);
  return result;
}

export function tokenCheckText(check: TokenCheck): string {
  const t = uiTranslator();
  switch (check.state) {
    case "idle":
      return "";
    case "checking":
      return t.msg("relayCheckChecking");
    case "ok":
      return t.msg("relayCheckAccepted");
    case "bad":
      return check.error.kind === "relay-token-rejected" ? t.msg("relayCheckRejected") : errorMessage(t, check.error);
  }
}
