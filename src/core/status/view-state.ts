import { fingerprint } from "../settings/fingerprint.ts";
import { isRelay, isSetUp, type Watched } from "../settings/model.ts";
import type { ErrorInfo, Status } from "./model.ts";

/**
 * The failure that applies to what the user sees now. A failure recorded for other settings
 * (before the key was changed, say) no longer applies: a new check is already on its way.
 */
export function currentError(settings: Watched, status: Status): ErrorInfo | undefined {
  if (!isSetUp(settings)) {
    const cause = isRelay(settings) ? (settings.relayUrl.trim() === "" ? "no-relay-url" : "no-token") : settings.apiKey.trim() === "" ? "no-key" : "no-base-url";
    return { kind: "not-set-up", cause, at: 0 };
  }
  if (status.error && status.source === fingerprint(settings)) return status.error;
  return undefined;
}

/** Results belong to the current settings (otherwise they are from before a settings change). */
export function isCurrent(settings: Watched, status: Status): boolean {
  return status.source === fingerprint(settings);
}

/**
 * The results on hand were fetched with settings that have since changed (key, base URL or
 * linked accounts; a relay's URL or token): a check of the new settings is due or running. Until it ends they describe
 * the previous settings, and nothing may be done with them (a reconnect link would be made with
 * the new key, perhaps in another environment).
 */
export function fromPreviousSettings(settings: Watched, status: Status): boolean {
  return status.source !== "" && !isCurrent(settings, status);
}
