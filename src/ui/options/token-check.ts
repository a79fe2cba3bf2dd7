import { uiTranslator } from "../../adapters/i18n.ts";
import { relayClient } from "../../relay/client/for-source.ts";
import { AFTER_SAVE, useLiveCheck, type LiveCheck } from "./live-check.ts";
import { errorMessage } from "../../core/words/error-text.ts";
import { normalizeRelayUrl } from "../../core/kit/url.ts";
import { mayCheckLive } from "../../core/settings/form-rules.ts";

/** The live token check's result as data; tokenCheckText words it. */
export type TokenCheck = LiveCheck<object>;

/**
 * Asks the relay (GET /v1/status with the token) whether it accepts the token as typed:
 * accepted, rejected, or unreachable. Only the relay URL saved for this source (`savedRelayUrl`,
 * "" when none): never a host still being typed.
 */
export function useTokenCheck(relayUrl: string, token: string, savedRelayUrl: string): TokenCheck {
  return useLiveCheck([relayUrl, token, savedRelayUrl], () => {
    const typed = token.trim();
    const url = normalizeRelayUrl(relayUrl);
    if (typed === "" || !url.ok || !/^[\x21-\x7e]+$/.test(typed)) return undefined;
    if (!mayCheckLive(url.value, [savedRelayUrl])) return AFTER_SAVE;
    return {
      url: url.value,
      secret: typed,
      ask: async () => {
        await relayClient({ relayUrl: url.value, token: typed }).status();
        return {};
      },
    };
  });
}

export function tokenCheckText(check: TokenCheck): string {
  const t = uiTranslator();
  switch (check.state) {
    case "idle":
      return "";
    case "unsaved":
      return t.msg("relayCheckAfterSave");
    case "checking":
      return t.msg("relayCheckChecking");
    case "ok":
      return t.msg("relayCheckAccepted");
    case "bad":
      return check.error.kind === "relay-token-rejected" ? t.msg("relayCheckRejected") : errorMessage(t, check.error);
  }
}
