import { sourceKey, type CheckSettings } from "./settings.ts";
import type { ErrorInfo, Status } from "./status.ts";

/**
 * The failure that applies to what the user sees now. A failure recorded for other settings
 * (before the key was changed, say) no longer applies: a new check is already on its way.
 */
export function currentError(settings: CheckSettings, status: Status): ErrorInfo | undefined {
  if (settings.apiKey.trim() === "") {
    return { kind: "not-set-up", cause: "no-key", at: 0 };
  }
  if (settings.baseUrl.trim() === "") return { kind: "not-set-up", cause: "no-base-url", at: 0 };
  if (status.error && status.source === sourceKey(settings)) return status.error;
  return undefined;
}

/** Results belong to the current settings (otherwise they are from before a settings change). */
export function isCurrent(settings: CheckSettings, status: Status): boolean {
  return status.source === sourceKey(settings);
}

/**
 * The results on hand were fetched with settings that have since changed (key, base URL or
 * linked accounts): a check of the new settings is due or running. Until it ends they describe
 * the previous settings, and nothing may be done with them (a reconnect link would be made with
 * the new key, perhaps in another environment).
 */
export function fromPreviousSettings(settings: CheckSettings, status: Status): boolean {
  return status.source !== "" && !isCurrent(settings, status);
}
