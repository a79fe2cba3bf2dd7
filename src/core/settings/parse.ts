import { arrayOf, bool, num, str, type Guard } from "../kit/guards.ts";
import { normalizeBaseUrl, normalizeRelayUrl, type BaseUrlProblem } from "../kit/url.ts";
import { parseLinkedAccountIds } from "./form-rules.ts";
import { BUDGET, INTERVAL, MAX_LABEL_LENGTH, newRelaySource, newSource, RELAY_INTERVAL, isRelay, type CobaltSource, type RelaySource, type SettingsField, type Settings, type Source } from "./model.ts";
import { type SourceId } from "./source-ids.ts";
import type { Notice } from "./notices.ts";
import { isSourceId, MAIN_SOURCE_ID, replacementId } from "./source-ids.ts";

/*
 * Stored settings, read and written: every earlier layout is brought to today's, and each field
 * of each source is read on its own, so a damaged value costs that value alone.
 */

export const SETTINGS_VERSION = 3;

function defaultSettings(): Settings {
  return { sources: [newSource(MAIN_SOURCE_ID)] };
}

/** A whole number within bounds: stored values out of range are brought into it, not refused. */
const clampInt = (min: number, max: number): Guard<number> => (value) => {
  const n = num(value);
  return n === undefined ? undefined : Math.min(max, Math.max(min, Math.round(n)));
};

type SourceFields = Omit<CobaltSource, "id" | "kind">;
type RelayFields = Omit<RelaySource, "id" | "kind">;

const label: Guard<string> = (value) => str(value)?.trim().slice(0, MAX_LABEL_LENGTH);

/**
 * One check per field, so a damaged value costs that value alone: hand-written guards (the popup
 * loads no zod), twins of the zod schemas in test/unit/support/schemas.ts (test/unit/guards.test.ts).
 */
export const FIELD_GUARDS = {
  label,
  apiKey: str,
  baseUrl: str,
  linkedAccountIds: arrayOf(str),
  intervalMinutes: clampInt(INTERVAL.min, INTERVAL.max),
  requestsPerMinute: clampInt(BUDGET.min, BUDGET.max),
} satisfies { [K in keyof SourceFields]: Guard<SourceFields[K]> };

export const RELAY_FIELD_GUARDS = {
  label,
  relayUrl: str,
  token: str,
  intervalMinutes: clampInt(RELAY_INTERVAL.min, RELAY_INTERVAL.max),
  badgeUnclaimedOnly: bool,
} satisfies { [K in keyof RelayFields]-?: Guard<NonNullable<RelayFields[K]>> };

const UNREADABLE: Notice = { code: "settings-unreadable" };

type RawObject = Record<string, unknown>;

function isObject(value: unknown): value is RawObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Earlier layouts, oldest first, brought to a list of raw sources. Version 1 kept the IDs as the
 * raw text of the field; version 2 stored the parsed list and added the request budget; both held
 * one source's fields at the top level, which become the first source, "main", with no label.
 * Undefined when there is nothing to read.
 */
function migrateToSources(raw: unknown): { sources: RawObject[]; notices: Notice[] } | undefined {
  if (!isObject(raw)) return undefined;
  const version = typeof raw.schemaVersion === "number" ? raw.schemaVersion : 1;
  if (version < 3) {
    const { schemaVersion: _version, ...single } = raw;
    if (version < 2 && typeof single.linkedAccountIds === "string") single.linkedAccountIds = parseLinkedAccountIds(single.linkedAccountIds);
    return { sources: [{ ...single, id: MAIN_SOURCE_ID, kind: "cobalt", label: "" }], notices: [] };
  }
  if (!Array.isArray(raw.sources)) return undefined;
  const sources: RawObject[] = [];
  const notices: Notice[] = [];
  for (const entry of raw.sources as unknown[]) {
    if (!isObject(entry)) notices.push({ code: "source-unreadable" });
    else if (entry.kind !== undefined && entry.kind !== "cobalt" && entry.kind !== "relay") notices.push({ code: "source-unknown-kind", kind: String(entry.kind).slice(0, 40) });
    else sources.push(entry);
  }
  return { sources, notices };
}

export interface ParsedSettings {
  settings: Settings;
  /** One per stored value that could not be read and fell back to its default. */
  notices: Notice[];
}

/** A field that could not be read, and why (when the reason is worth telling). */
interface Damage {
  field: SettingsField;
  problem?: BaseUrlProblem;
}

/**
 * Reads the stored settings of any version (migrateToSources brings older ones to a list of
 * sources). Each field of each source is read on its own: a damaged one falls back to its
 * default alone, with a notice naming it (and its source, when there are several).
 */
export function parseStoredSettings(raw: unknown): ParsedSettings {
  if (raw === undefined) return { settings: defaultSettings(), notices: [] };
  const migrated = migrateToSources(raw);
  if (!migrated) return { settings: defaultSettings(), notices: [UNREADABLE] };
  const notices = [...migrated.notices];
  const sources: Source[] = [];
  const damage: Damage[][] = [];
  const taken = new Set<SourceId>();
  for (const entry of migrated.sources) {
    const id = typeof entry.id === "string" && isSourceId(entry.id) && !taken.has(entry.id) ? entry.id : replacementId(sources.length, taken);
    taken.add(id);
    const parsed = entry.kind === "relay" ? parseRelaySource(id, entry) : parseSource(id, entry);
    sources.push(parsed.source);
    damage.push(parsed.damage);
  }
  if (sources.length === 0) return { settings: defaultSettings(), notices: notices.length > 0 ? notices : [UNREADABLE] };
  const preferences = parsePreferences(raw as RawObject);
  sources.forEach((source, index) => {
    // With several sources, the notice names the source (the pages word its name).
    const of = sources.length > 1 ? { sourceId: source.id } : {};
    for (const { field, problem } of damage[index]!) notices.push({ code: "field-reset", field, ...(problem ? { problem } : {}), ...of });
  });
  return { settings: { sources, ...preferences.values }, notices: [...notices, ...preferences.notices] };
}

/**
 * The top-level preferences beside the sources (version 3 on; older layouts had none), each read
 * on its own: a damaged one falls back to its default alone, with a notice.
 */
function parsePreferences(raw: RawObject): { values: Pick<Settings, "notifications">; notices: Notice[] } {
  const version = typeof raw.schemaVersion === "number" ? raw.schemaVersion : 1;
  if (version < 3 || !("notifications" in raw)) return { values: {}, notices: [] };
  const notifications = bool(raw.notifications);
  return notifications !== undefined ? { values: { notifications }, notices: [] } : { values: {}, notices: [{ code: "notifications-reset" }] };
}

function parseSource(id: SourceId, raw: RawObject): { source: CobaltSource; damage: Damage[] } {
  const source = newSource(id);
  const damage: Damage[] = [];
  for (const key of Object.keys(FIELD_GUARDS) as (keyof SourceFields)[]) {
    if (!(key in raw)) continue;
    const value = FIELD_GUARDS[key](raw[key]);
    if (value === undefined) {
      damage.push({ field: key });
      // Never Cobalt's own API in its place (see below): unset until the user enters it again.
      if (key === "baseUrl") source.baseUrl = "";
      continue;
    }
    // A base URL that reads fine but may not be used (plain http to another computer, say)
    // carries its reason, so the user knows what to enter instead.
    const base = key === "baseUrl" ? normalizeBaseUrl(value as string) : undefined;
    // Left empty, not replaced by the default: a self-hosted org's key must never go to Cobalt's
    // own API. An empty base URL means "not set up" until the user enters it again.
    if (base && !base.ok) {
      damage.push({ field: key, problem: base.problem });
      source.baseUrl = "";
    } else (source as Record<keyof SourceFields, unknown>)[key] = base ? base.value : value;
  }
  return { source, damage };
}

/** A relay source's fields, each on its own like a Cobalt source's (parseSource). */
function parseRelaySource(id: SourceId, raw: RawObject): { source: RelaySource; damage: Damage[] } {
  const source = newRelaySource(id);
  const damage: Damage[] = [];
  for (const key of Object.keys(RELAY_FIELD_GUARDS) as (keyof RelayFields)[]) {
    if (!(key in raw)) continue;
    const value = RELAY_FIELD_GUARDS[key](raw[key]);
    if (value === undefined) {
      damage.push({ field: key });
      continue;
    }
    // "" is an unfinished source, not damage; anything else must be a usable relay address.
    const url = key === "relayUrl" && value !== "" ? normalizeRelayUrl(value as string) : undefined;
    if (url && !url.ok) damage.push({ field: key, problem: url.problem });
    else (source as Record<keyof RelayFields, unknown>)[key] = url ? url.value : value;
  }
  return { source, damage };
}

export function serializeSettings(settings: Settings): Record<string, unknown> {
  const copy = (source: Source) => {
    if (!isRelay(source)) return { ...source, linkedAccountIds: [...source.linkedAccountIds] };
    // Off is not stored: settings saved before the option existed read the same.
    const { badgeUnclaimedOnly, ...rest } = source;
    return badgeUnclaimedOnly ? { ...rest, badgeUnclaimedOnly } : rest;
  };
  const stored: Record<string, unknown> = { schemaVersion: SETTINGS_VERSION, sources: settings.sources.map(copy) };
  if (settings.notifications !== undefined) stored.notifications = settings.notifications;
  return stored;
}
