import { describe, expect, it } from "vitest";
import { catalogLookup, type CatalogFile } from "../../../../src/core/i18n/catalog.ts";
import { createTranslator, formatLanguage } from "../../../../src/core/i18n/translator.ts";
import { de, en, ja, translatorFor } from "../../support/i18n.ts";

// Local times, so the calendar day is the same in any time zone the tests run in.
const AFTERNOON = new Date(2026, 5, 30, 14, 5).getTime();

describe("catalogLookup (browser.i18n.getMessage's rules)", () => {
  const file: CatalogFile = {
    greet: { message: "Hello $Name$, you have $count$ new $$ and $1!", placeholders: { name: { content: "$2" }, count: { content: "$1" } } },
    plain: { message: "Just text" },
  };
  const lookup = catalogLookup(file, { fallback: { message: "from the default locale" } });

  it("replaces named placeholders (in any case) by their content, then $n by the substitutions, and $$ by $", () => {
    expect(lookup("greet", ["3", "Ada"])).toBe("Hello Ada, you have 3 new $ and 3!");
  });

  it("leaves a missing substitution empty and never reads substituted text again", () => {
    expect(lookup("greet", ["$2"])).toBe("Hello , you have $2 new $ and $2!");
  });

  it("falls back to the next catalog, and gives '' for a name no catalog has", () => {
    expect(lookup("fallback", [])).toBe("from the default locale");
    expect(lookup("nothing", [])).toBe("");
    expect(lookup("plain", ["x"])).toBe("Just text");
  });
});

describe("formatLanguage", () => {
  it.each<[string, string, string]>([
    ["de-DE", "de", "de-DE"],
    ["de-AT", "de", "de-AT"],
    ["en-GB", "en", "en-GB"],
    ["en_US", "en", "en-US"],
    // The texts are English (no French catalog): numbers and plurals follow the texts.
    ["fr-FR", "en", "en"],
    ["ja", "ja", "ja"],
    ["not a tag!", "de", "de"],
    ["de-DE", "", "en"],
  ])("UI %s with the %s catalog formats in %s", (ui, texts, expected) => {
    expect(formatLanguage(ui, texts)).toBe(expected);
  });
});

describe("Translator", () => {
  it("fills placeholders by name, in the language's number format", () => {
    expect(en.msg("formBudgetRange", { min: 10, max: 1200 })).toBe("Choose a whole number of requests per minute from 10 to 1,200.");
    expect(de.msg("formBudgetRange", { max: 1200, min: 10 })).toBe("Wählen Sie eine ganze Zahl von Anfragen pro Minute zwischen 10 und 1.200.");
    expect(ja.msg("formBudgetRange", { min: 10, max: 1200 })).toBe("1 分あたりのリクエスト数を 10～1,200 の整数で指定してください。");
  });

  it("passes text as it is, even text that looks like a placeholder", () => {
    expect(en.msg("rowReconnectName", { app: "$1 $app$ $$" })).toBe("Reconnect $1 $app$ $$");
  });

  it("says a missing message's name rather than nothing", () => {
    const empty = createTranslator(() => "", "en");
    expect(empty.msg("appName")).toBe("appName");
    expect(empty.plural("countLinkedAccounts", 2)).toBe("countLinkedAccounts");
  });

  it("says which way its texts are written, from the catalog: the pages' dir", () => {
    expect([en.direction, de.direction, ja.direction]).toEqual(["ltr", "ltr", "ltr"]);
    const arabic = catalogLookup({ catalogLanguage: { message: "ar" }, catalogDirection: { message: "rtl" } });
    expect(createTranslator(arabic, "ar-EG").direction).toBe("rtl");
    // A catalog that does not say (or says nonsense) is taken as left to right, like English.
    expect(createTranslator(() => "", "en").direction).toBe("ltr");
    expect(createTranslator(catalogLookup({ catalogDirection: { message: "sideways" } }), "en").direction).toBe("ltr");
  });

  it("asks the browser for each message once, however often it is used", () => {
    const asked: string[] = [];
    const base = catalogLookup({ rowReconnectName: { message: "Reconnect $app$", placeholders: { app: { content: "$1" } } } });
    const t = createTranslator((key, subs) => (asked.push(key), base(key, subs)), "en");
    expect(["A", "B", "C"].map((app) => t.msg("rowReconnectName", { app }))).toEqual(["Reconnect A", "Reconnect B", "Reconnect C"]);
    expect(asked).toEqual(["catalogLanguage", "rowReconnectName"]);
  });

  describe("plural", () => {
    it.each<[number, string]>([
      [0, "0 linked accounts"],
      [1, "1 linked account"],
      [2, "2 linked accounts"],
      [1200, "1,200 linked accounts"],
    ])("English: %i → %s", (count, text) => {
      expect(en.plural("countLinkedAccounts", count)).toBe(text);
    });

    it.each<[number, string]>([
      [0, "0 verknüpfte Konten"],
      [1, "1 verknüpftes Konto"],
      [2, "2 verknüpfte Konten"],
      [1200, "1.200 verknüpfte Konten"],
    ])("German: %i → %s", (count, text) => {
      expect(de.plural("countLinkedAccounts", count)).toBe(text);
    });

    it.each([0, 1, 2, 1200])("Japanese has one form for every count (%i)", (count) => {
      expect(ja.plural("countLinkedAccounts", count)).toBe(`リンクされたアカウント ${count.toLocaleString("ja")} 件`);
    });

    it("takes other placeholders besides the count", () => {
      expect(en.plural("badgeCount", 1, { across: en.plural("countAccountsAcross", 1) })).toBe("1 app needs re-authentication across 1 linked account");
      expect(de.plural("badgeCount", 3, { across: de.plural("countAccountsAcross", 2) })).toBe("3 Apps in 2 verknüpften Konten müssen erneut authentifiziert werden");
    });

    it("follows the texts' language, not a browser language without a catalog", () => {
      // French counts 0 as singular; the English texts a French browser is shown do not.
      const french = translatorFor("fr-FR");
      expect(french.language).toBe("en");
      expect(french.plural("countLinkedAccounts", 0)).toBe("0 linked accounts");
      expect(french.number(1200)).toBe("1,200");
    });

    it("falls back to the other form when a catalog lacks the one the rules name", () => {
      const partial = catalogLookup({ catalogLanguage: { message: "de" }, x_other: { message: "$count$ things", placeholders: { count: { content: "$1" } } } });
      // @ts-expect-error: "x" is no message of the real catalogs; this catalog is made up.
      expect(createTranslator(partial, "de").plural("x", 1)).toBe("1 things");
    });
  });

  describe("dates, times and durations in the language", () => {
    it("formats a clock time and a short date", () => {
      expect(en.time(AFTERNOON)).toBe("02:05 PM");
      expect(de.time(AFTERNOON)).toBe("14:05");
      expect(ja.time(AFTERNOON)).toBe("14:05");
      expect(translatorFor("en-GB").time(AFTERNOON)).toBe("14:05");
      expect(en.date(AFTERNOON)).toBe("Jun 30");
      expect(de.date(AFTERNOON)).toBe("30. Juni");
      expect(ja.date(AFTERNOON)).toBe("6月30日");
    });

    it("says how long ago", () => {
      expect(en.relative(-5, "minute")).toBe("5 minutes ago");
      expect(de.relative(-5, "minute")).toBe("vor 5 Minuten");
      expect(ja.relative(-5, "minute")).toBe("5 分前");
      expect(en.relative(-1, "hour")).toBe("1 hour ago");
    });

    it("spells out an amount of time", () => {
      expect(en.quantity(1, "second")).toBe("1 second");
      expect(en.quantity(3, "hour", 1)).toBe("3.0 hours");
      expect(de.quantity(3, "hour", 1)).toBe("3,0 Stunden");
      expect(ja.quantity(30, "second")).toBe("30 秒");
    });
  });
});

describe("message names and substitutions", () => {
  it("are checked by the compiler (each line below must fail to type-check, or `tsc` fails)", () => {
    const misuses = () => {
      // @ts-expect-error: no such message in the English catalog
      en.msg("noSuchMessage");
      // @ts-expect-error: a plural form is reached through plural()
      en.msg("countLinkedAccounts_one");
      // @ts-expect-error: formBudgetRange needs both min and max
      en.msg("formBudgetRange", { min: 1 });
      // @ts-expect-error: appName takes no substitutions
      en.msg("appName", { app: "x" });
      // @ts-expect-error: plural() takes the base name
      en.plural("countLinkedAccounts_one", 1);
      // @ts-expect-error: badgeCount needs `across` besides the count
      en.plural("badgeCount", 1);
    };
    expect(misuses).toBeTypeOf("function");
  });
});
