import type { MessageKey, ParamsArg, PluralKey, PluralParamsArg } from "./keys.ts";

/*
 * Text in the user's language, with no browser API: the pages and the background build a
 * Translator from browser.i18n (adapters/i18n.ts); tests and the relay build one from the JSON
 * catalogs (catalog.ts). Core functions that say something in words take one as a parameter.
 */

/**
 * browser.i18n.getMessage, or its stand-in: the message `key` with `$1`…`$9` replaced by the
 * substitutions, in the language of the catalog the browser chose; "" for an unknown key.
 */
export type Lookup = (key: string, substitutions: string[]) => string;

export type TimeUnit = "second" | "minute" | "hour" | "day";

export interface Translator {
  /** The language texts, numbers, dates and plurals follow (BCP 47, like "de-DE"). */
  readonly language: string;
  /** Which way the texts are written ("rtl" for Arabic or Hebrew): the pages' `dir`. */
  readonly direction: "ltr" | "rtl";
  /** A message; numbers among the substitutions are formatted for the language. */
  msg<K extends MessageKey>(key: K, ...params: ParamsArg<K>): string;
  /** The form of a plural message that fits `count` (Intl.PluralRules); `count` fills $count$. */
  plural<B extends PluralKey>(key: B, count: number, ...params: PluralParamsArg<B>): string;
  number(value: number): string;
  /** A clock time: "02:05 PM", "14:05". */
  time(at: number): string;
  /** A short date without the year: "Jun 30", "30. Juni", "6月30日". */
  date(at: number): string;
  /** Relative to now: relative(-5, "minute") is "5 minutes ago", "vor 5 Minuten". */
  relative(value: number, unit: TimeUnit): string;
  /** An amount of time, its unit spelt out: "30 seconds", "3.0 hours". */
  quantity(value: number, unit: TimeUnit, fractionDigits?: number): string;
}

/*
 * Placeholders are named in the catalogs ($count$) and passed by name here; a message's named
 * placeholders stand for $1, $2… in the alphabetical order of their names (a unit test holds every
 * catalog to it), so the names sorted give the substitutions' order.
 *
 * Each message is looked up once, with marks from Unicode's private use area as substitutions;
 * later uses fill the marks. A popup listing a thousand apps asks the browser for each button's
 * words once, not a thousand times.
 */
const FIRST_MARK = 0xe000;
const MARKS = Array.from({ length: 9 }, (_, i) => String.fromCharCode(FIRST_MARK + i));
const MARK = /[\ue000-\ue008]/g;

type Values = Record<string, string | number>;

/**
 * `uiLanguage` is the browser's (i18n.getUILanguage()). The catalog says which language the
 * browser picked for the texts (its `catalogLanguage` message): numbers, dates and plural rules
 * follow the texts, so a French browser shown the English catalog gets "1,200 apps", never
 * "1 200 apps" with French plural rules.
 */
export function createTranslator(lookup: Lookup, uiLanguage: string): Translator {
  const language = formatLanguage(uiLanguage, lookup("catalogLanguage", []));
  const templates = new Map<string, string>();
  const numbers = once(() => new Intl.NumberFormat(language));
  const plurals = once(() => new Intl.PluralRules(language));
  const times = once(() => new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit" }));
  const dates = once(() => new Intl.DateTimeFormat(language, { month: "short", day: "numeric" }));
  const relatives = once(() => new Intl.RelativeTimeFormat(language, { numeric: "always" }));
  const quantities = new Map<string, Intl.NumberFormat>();

  const number = (value: number) => numbers().format(value);
  const fill = (key: string, params: Values): string => {
    let template = templates.get(key);
    if (template === undefined) templates.set(key, (template = lookup(key, MARKS)));
    const values = Object.keys(params)
      .sort()
      .map((name) => {
        const value = params[name]!;
        return typeof value === "number" ? number(value) : value;
      });
    return template.replace(MARK, (mark) => values[mark.charCodeAt(0) - FIRST_MARK] ?? "");
  };

  const direction = once(() => (lookup("catalogDirection", []) === "rtl" ? "rtl" : "ltr"));

  return {
    language,
    // Asked only by the pages, once: the badge and the core never need it.
    get direction() {
      return direction();
    },
    msg: (key, ...params) => fill(key, params[0] ?? {}) || key,
    plural: (key, count, ...params) => {
      const values: Values = { ...params[0], count };
      const category = plurals().select(count);
      // A language may lack a form the rules name (a catalog not yet complete): "other" is always there.
      return fill(`${key}_${category}`, values) || fill(`${key}_other`, values) || key;
    },
    number,
    time: (at) => times().format(at),
    date: (at) => dates().format(at),
    relative: (value, unit) => relatives().format(value, unit),
    quantity: (value, unit, fractionDigits = 0) => {
      const id = `${unit}/${fractionDigits}`;
      let format = quantities.get(id);
      if (!format) {
        format = new Intl.NumberFormat(language, { style: "unit", unit, unitDisplay: "long", minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
        quantities.set(id, format);
      }
      return format.format(value);
    },
  };
}

/**
 * The browser's own language when the texts are in it (de-AT for German texts: Austrian dates),
 * else the texts' language. "" (no catalogLanguage message) counts as English, the default locale.
 */
export function formatLanguage(uiLanguage: string, catalogLanguage: string): string {
  const texts = canonical(catalogLanguage) ?? "en";
  const ui = canonical(uiLanguage);
  return ui !== undefined && primary(ui) === primary(texts) ? ui : texts;
}

function canonical(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag.replace(/_/g, "-"))[0];
  } catch {
    return undefined;
  }
}

function primary(tag: string): string {
  return tag.split("-")[0]!.toLowerCase();
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
