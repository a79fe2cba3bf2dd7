import english from "../../../../public/_locales/en/messages.json" with { type: "json" };
import { catalogLookup, type CatalogFile } from "../../../core/i18n/catalog.ts";
import { createTranslator } from "../../../core/i18n/translator.ts";

/** The relay speaks to its operator in English, from the extension's own English catalog. */
export const englishText = createTranslator(catalogLookup(english as CatalogFile), "en");
