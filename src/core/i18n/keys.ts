import type english from "../../../public/_locales/en/messages.json";

/*
 * The message names, typed from the English catalog (public/_locales/en/messages.json, the
 * default locale): a name that is not in it, or a substitution a message does not declare, is a
 * compile error. Type-only: the catalog itself never enters a bundle (browser.i18n reads it).
 *
 * Naming: <area><Subject><Part> in camelCase, for example badgeTitle, errorUnauthorizedTitle,
 * errorUnauthorizedAdvice, formKeyMissing; plural forms end in _<category> (Intl.PluralRules'
 * categories: _one, _other, and _few or _many for languages that need them).
 */

type Catalog = typeof english;

/** Every name in the English catalog, plural forms included. */
export type CatalogKey = keyof Catalog & string;

export type PluralCategory = "zero" | "one" | "two" | "few" | "many" | "other";

/** Messages with plural forms, by their base name: `badgeCount` for badgeCount_one and badgeCount_other. */
export type PluralKey = { [K in CatalogKey]: K extends `${infer Base}_other` ? Base : never }[CatalogKey];

/** Messages without plural forms. */
export type MessageKey = Exclude<CatalogKey, `${string}_${PluralCategory}`>;

type PlaceholderName<K extends CatalogKey> = Catalog[K] extends { placeholders: infer P } ? keyof P & string : never;

/** A value for each placeholder; numbers are formatted for the language. */
export type Params<K extends CatalogKey> = { [N in PlaceholderName<K>]: string | number };

/** The substitutions argument of a message: none when it has no placeholders. */
export type ParamsArg<K extends CatalogKey> = [PlaceholderName<K>] extends [never] ? [] : [params: Params<K>];

type OtherForm<B extends PluralKey> = `${B}_other` & CatalogKey;

/** A plural message's substitutions besides `count`, which the count itself fills. */
export type PluralParamsArg<B extends PluralKey> = [Exclude<PlaceholderName<OtherForm<B>>, "count">] extends [never]
  ? []
  : [params: Omit<Params<OtherForm<B>>, "count">];
