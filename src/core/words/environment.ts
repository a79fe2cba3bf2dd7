import type { MessageKey } from "../i18n/keys.ts";
import type { Translator } from "../i18n/translator.ts";
import { keyEnvironment, type KeyEnvironment } from "../settings/source-ids.ts";
import { type CheckSettings, type RelaySource } from "../settings/model.ts";

const ENVIRONMENT: Record<KeyEnvironment, MessageKey> = { test: "envTest", production: "envProduction", unknown: "envUnknown" };

/** "test environment", from the key's prefix; "team relay" for a relay source (it holds no key). */
export function environmentLabel(t: Translator, settings: Pick<CheckSettings, "apiKey"> | Pick<RelaySource, "kind">): string {
  if ("kind" in settings && settings.kind === "relay") return t.msg("envRelay");
  return t.msg(ENVIRONMENT[keyEnvironment((settings as Pick<CheckSettings, "apiKey">).apiKey)]);
}
