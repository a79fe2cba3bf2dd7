import { readFileSync } from "node:fs";
import { catalogLookup, type CatalogFile } from "../../../src/core/i18n/catalog.ts";
import { createTranslator, type Translator } from "../../../src/core/i18n/translator.ts";

/** The languages shipped: one folder each under public/_locales, English the default. */
export const LANGUAGES = ["en", "de", "ja"] as const;
export type Language = (typeof LANGUAGES)[number];

export function catalog(language: Language): CatalogFile {
  return JSON.parse(readFileSync(`public/_locales/${language}/messages.json`, "utf8")) as CatalogFile;
}

/**
 * What the browser gives a page whose UI language is `uiLanguage`: the catalog of its language if
 * shipped, falling back to English message by message, read by the getMessage stand-in.
 */
export function translatorFor(uiLanguage: string): Translator {
  const own = LANGUAGES.find((language) => language === uiLanguage.split("-")[0]);
  const catalogs = own && own !== "en" ? [catalog(own), catalog("en")] : [catalog("en")];
  return createTranslator(catalogLookup(...catalogs), uiLanguage);
}

export const en = translatorFor("en-US");
export const de = translatorFor("de-DE");
export const ja = translatorFor("ja");
