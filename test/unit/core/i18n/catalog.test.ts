import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CatalogFile } from "../../../../src/core/i18n/catalog.ts";
import { catalog, LANGUAGES, type Language } from "../../support/i18n.ts";

/*
 * The catalogs the browser reads (public/_locales/<language>/messages.json) against each other:
 * every language has every message, with the same placeholders, in a form both browsers load.
 */

const PLURAL = /^(.+)_(zero|one|two|few|many|other)$/;
/** Languages written right to left, should one be added. */
const RIGHT_TO_LEFT: ReadonlySet<string> = new Set(["ar", "dv", "fa", "he", "ps", "ur", "yi"]);
const english = catalog("en");

/** Base names of the plural messages, from English. */
const pluralBases = [...new Set(Object.keys(english).flatMap((key) => PLURAL.exec(key)?.[1] ?? []))];

function categories(language: Language): string[] {
  return new Intl.PluralRules(language).resolvedOptions().pluralCategories;
}

/** The names a language must have: every plain message, and each plural in the forms it uses. */
function expectedKeys(language: Language): string[] {
  const plain = Object.keys(english).filter((key) => !PLURAL.test(key));
  const plurals = pluralBases.flatMap((base) => categories(language).map((category) => `${base}_${category}`));
  return [...plain, ...plurals].sort();
}

/** The placeholders of a message, by name, as `content`: what a translation must keep. */
function placeholders(file: CatalogFile, key: string): Record<string, string> {
  return Object.fromEntries(Object.entries(file[key]?.placeholders ?? {}).map(([name, p]) => [name, p.content]));
}

/** The English message a key's placeholders are compared with (a plural form: English's "other"). */
function englishTwin(key: string): string {
  const base = PLURAL.exec(key)?.[1];
  return base === undefined ? key : `${base}_other`;
}

describe.each(LANGUAGES)("the %s catalog", (language) => {
  const file = catalog(language);

  it("has every message, and each plural in exactly the forms the language uses", () => {
    expect(Object.keys(file).sort()).toEqual(expectedKeys(language));
  });

  it("declares the same placeholders as English for every message", () => {
    for (const key of Object.keys(file)) expect(placeholders(file, key), key).toEqual(placeholders(english, englishTwin(key)));
  });

  it("uses only declared placeholders, and every one of them (a plural form may leave out the count)", () => {
    for (const [key, entry] of Object.entries(file)) {
      const used = [...entry.message.matchAll(/\$([a-z0-9_@]+)\$/gi)].map((m) => m[1]!.toLowerCase());
      const declared = Object.keys(entry.placeholders ?? {});
      for (const name of used) expect(declared, `${key} uses $${name}$`).toContain(name);
      for (const name of declared) {
        if (name === "count" && PLURAL.test(key)) continue;
        expect(used, `${key} leaves out $${name}$`).toContain(name);
      }
      // No positional $1 or stray $: named placeholders only, and $$ for a dollar sign.
      expect(entry.message.replace(/\$[a-z0-9_@]+\$/gi, "").replace(/\$\$/g, ""), key).not.toContain("$");
    }
  });

  it("has a non-empty text for every message, with no surrounding spaces", () => {
    for (const [key, entry] of Object.entries(file)) {
      expect(entry.message.trim(), key).not.toBe("");
      expect(entry.message, key).toBe(entry.message.trim());
    }
  });

  it("names its own language in catalogLanguage", () => {
    expect(file.catalogLanguage?.message).toBe(language);
  });

  it("names the direction its language is written in (catalogDirection: the pages' dir)", () => {
    expect(file.catalogDirection?.message).toBe(RIGHT_TO_LEFT.has(language) ? "rtl" : "ltr");
  });

  it("keeps the manifest's texts within the stores' limits, and free of the word Chrome (the listing also goes to Edge)", () => {
    expect(file.appName!.message.length).toBeLessThanOrEqual(75);
    expect(file.appDescription!.message.length).toBeLessThanOrEqual(132);
    for (const key of ["appName", "appShortName", "appDescription"]) expect(file[key]!.message, key).not.toMatch(/chrome/i);
  });
});

describe("the catalogs' form", () => {
  it("are all tested: LANGUAGES names every folder under public/_locales (a new language joins the list)", () => {
    expect(readdirSync("public/_locales").sort()).toEqual([...LANGUAGES].sort());
  });


  it("use message names both browsers accept", () => {
    for (const language of LANGUAGES) for (const key of Object.keys(catalog(language))) expect(key).toMatch(/^[A-Za-z0-9_]+$/);
  });

  it("give placeholders the contents $1, $2… in the alphabetical order of their names (how the Translator passes them)", () => {
    for (const language of LANGUAGES) {
      // Read once per language: reading the file again for each message made this test slow.
      const messages = catalog(language);
      for (const [key, entry] of Object.entries(messages)) {
        const names = Object.keys(entry.placeholders ?? {});
        const contents = Object.fromEntries([...names].sort().map((name, i) => [name, `$${i + 1}`]));
        expect(placeholders(messages, key), `${language}: ${key}`).toEqual(contents);
        expect(names.every((name) => name === name.toLowerCase()), `${language}: ${key}`).toBe(true);
      }
    }
  });

  it("describe every English message for translators", () => {
    for (const [key, entry] of Object.entries(english)) expect(entry.description?.trim(), key).toBeTruthy();
  });

  it("have English plural messages in English's forms", () => {
    for (const base of pluralBases) for (const category of categories("en")) expect(english, base).toHaveProperty(`${base}_${category}`);
  });

  it("hold every __MSG_…__ the manifest names, with English as the default locale", () => {
    const manifest = readFileSync("manifest.json", "utf8");
    expect(JSON.parse(manifest).default_locale).toBe("en");
    const names = [...manifest.matchAll(/__MSG_(\w+)__/g)].map((m) => m[1]!);
    expect(names).toEqual(expect.arrayContaining(["appName", "appShortName", "appDescription"]));
    for (const name of names) expect(english, name).toHaveProperty(name);
  });
});
