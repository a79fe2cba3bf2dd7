import type { MessageKey } from "./i18n/keys.ts";
import type { Translator } from "./i18n/translator.ts";
import { keyEnvironment, type CheckSettings, type KeyEnvironment } from "./settings.ts";

const ENVIRONMENT: Record<KeyEnvironment, MessageKey> = { test: "envTest", production: "envProduction", unknown: "envUnknown" };

/** "test environment", from the key's prefix. */
export function environmentLabel(t: Translator, settings: Pick<CheckSettings, "apiKey">): string {
  return t.msg(ENVIRONMENT[keyEnvironment(settings.apiKey)]);
}
