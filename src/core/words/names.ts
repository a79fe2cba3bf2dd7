import type { Translator } from "../i18n/translator.ts";
import type { CobaltSource, RelaySource } from "../settings/model.ts";
import type { SourceId } from "../settings/source-ids.ts";
import { keyEnvironment } from "../settings/source-ids.ts";

/** Cobalt's own API hosts (SUGGESTED_BASE_URLS in core/settings/model.ts): a name made from them leaves the host out. */
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
