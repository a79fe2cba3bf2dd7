import { api } from "./browser.ts";
import { createTranslator, type Translator } from "../core/i18n/translator.ts";

/*
 * The Translator of the browser's UI language, from browser.i18n: the catalogs are
 * public/_locales/<language>/messages.json, which the browser picks and falls back from itself.
 */

let cached: { i18n: unknown; translator: Translator } | undefined;

/**
 * Built once per browser API object (the language changes only with a browser restart, which
 * starts every page and background afresh): its messages are looked up once each.
 */
export function uiTranslator(): Translator {
  const i18n = api().i18n;
  if (cached?.i18n !== i18n) {
    cached = { i18n, translator: createTranslator((key, substitutions) => i18n.getMessage(key, substitutions), i18n.getUILanguage()) };
  }
  return cached.translator;
}
