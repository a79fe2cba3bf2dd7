import type { Translator } from "./i18n/translator.ts";
import type { CobaltSource, RelaySource, SourceId } from "./settings.ts";
import { DEFAULT_SOURCE } from "./store/keys.ts";

/*
 * Sources: what identifies them and what they are called on the pages. A source's id is part of
 * its storage keys (`status.<id>`, `progress.<id>`…) and alarm names (`check.<id>`), so it is a
 * short word without dots, and never changes.
 */

/** The source migrated from the single-source settings; its results were already stored under it. */
export const MAIN_SOURCE_ID = DEFAULT_SOURCE;

const ID_PATTERN = /^[a-z0-9-]{1,40}$/;

export function isSourceId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** "s" and 8 random base-36 characters: unique enough among the few sources of one browser. */
export function newSourceId(random: () => number, taken: ReadonlySet<SourceId> = new Set()): SourceId {
  for (;;) {
    let id = "s";
    for (let i = 0; i < 8; i++) id += Math.floor(random() * 36).toString(36);
    if (!taken.has(id)) return id;
  }
}

/** A stored id that cannot be used (damaged, or a duplicate): a fixed one in its place, so the
 * same stored settings always read the same way. */
export function replacementId(index: number, taken: ReadonlySet<SourceId>): SourceId {
  let id = index === 0 && !taken.has(MAIN_SOURCE_ID) ? MAIN_SOURCE_ID : `restored-${index}`;
  for (let n = 2; taken.has(id); n++) id = `restored-${index}-${n}`;
  return id;
}

export type KeyEnvironment = "test" | "production" | "unknown";

/** Cobalt's documented prefixes: `tk` test keys, `pk` production keys. */
export function keyEnvironment(apiKey: string): KeyEnvironment {
  if (apiKey.startsWith("tk")) return "test";
  if (apiKey.startsWith("pk")) return "production";
  return "unknown";
}


/** Cobalt's own API hosts (settings.ts SUGGESTED_BASE_URLS): a name made from them leaves the host out. */
const COBALT_HOSTS = ["api.gocobalt.io", "app.refold.ai"];

type Named = Pick<CobaltSource, "id" | "kind" | "label" | "apiKey" | "baseUrl"> | Pick<RelaySource, "id" | "kind" | "label" | "relayUrl">;

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return baseUrl;
  }
}

/** The source's own label, or one made from its key's environment and (if not Cobalt's own) its host. */
function ownName(t: Translator, source: Named): string {
  const label = source.label.trim();
  if (label !== "") return label;
  if (source.kind === "relay") return t.msg("sourceNameRelay", { host: hostOf(source.relayUrl) });
  const host = hostOf(source.baseUrl);
  const env = keyEnvironment(source.apiKey);
  if (env === "unknown") return host;
  const name = t.msg(env === "test" ? "sourceNameTest" : "sourceNameProduction");
  return COBALT_HOSTS.includes(host) ? name : t.msg("sourceNameWithHost", { name, host });
}

/**
 * What each source is called on the pages, in the badge's tooltip and in notices: distinct, so a
 * heading or a line names one source only ("Production", "Production (2)").
 */
export function sourceNames(t: Translator, sources: readonly Named[]): Map<SourceId, string> {
  const names = new Map<SourceId, string>();
  const used = new Set<string>();
  for (const source of sources) {
    const base = ownName(t, source);
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = t.msg("sourceNameNumbered", { name: base, n });
    used.add(name.toLowerCase());
    names.set(source.id, name);
  }
  return names;
}
