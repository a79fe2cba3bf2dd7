import type { Lookup } from "./translator.ts";

/*
 * What browser.i18n.getMessage does, over the JSON catalogs themselves: for the unit tests (which
 * read the real catalogs) and for code that runs outside a browser (the relay).
 */

export interface CatalogEntry {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}

export type CatalogFile = Record<string, CatalogEntry>;

/**
 * The first catalog that has the message wins: pass the language's, then the default locale's,
 * as the browser falls back. The rules of Chrome and Firefox: `$name$` (in any case) becomes its
 * placeholder's `content`, then `$1`…`$9` the substitutions (a missing one is empty) and `$$` a
 * dollar sign; substituted text is not read again.
 */
export function catalogLookup(...catalogs: CatalogFile[]): Lookup {
  return (key, substitutions) => {
    const entry = catalogs.find((catalog) => Object.hasOwn(catalog, key))?.[key];
    if (!entry) return "";
    const contents = new Map(Object.entries(entry.placeholders ?? {}).map(([name, placeholder]) => [name.toLowerCase(), placeholder.content]));
    const expanded = entry.message.replace(/\$([a-z0-9_@]+)\$/gi, (whole, name: string) => contents.get(name.toLowerCase()) ?? whole);
    return expanded.replace(/\$(?:([1-9]\d*)|(\$+))/g, (_whole, index: string | undefined, dollars: string | undefined) =>
      index !== undefined ? (substitutions[Number(index) - 1] ?? "") : dollars!,
    );
  };
}
