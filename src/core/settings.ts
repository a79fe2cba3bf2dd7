import type { Notice } from "./notices.ts";
import { arrayOf, bool, num, str, type Guard } from "./store/guards.ts";
import { normalizeBaseUrl, normalizeRelayUrl, type BaseUrlProblem } from "./url.ts";
import { isSourceId, MAIN_SOURCE_ID, replacementId } from "./sources.ts";

export { keyEnvironment, type KeyEnvironment } from "./sources.ts";

export const SETTINGS_VERSION = 3;
export const DEFAULT_BASE_URL = "https://api.gocobalt.io";
export const SUGGESTED_BASE_URLS = ["https://api.gocobalt.io", "https://app.refold.ai"] as const;
export const INTERVAL = { min: 1, max: 60, default: 5 } as const;
/** Cobalt documents 20 requests/s in one place and 10/min per linked account in another; the
 * org's own backend shares the same limit, so the default uses a small slice of it. */
export const BUDGET = { min: 10, max: 1200, default: 120 } as const;
/** Longer labels are cut: a label names a source in a heading and a tooltip line. */
export const MAX_LABEL_LENGTH = 60;

/** What a check of one Cobalt API key needs: the check runner, the schedule, the relay. */
export interface CheckSettings {
  apiKey: string;
  baseUrl: string;
  /** Empty means every linked account of the key's environment. */
  linkedAccountIds: string[];
  intervalMinutes: number;
  /** Requests per minute, spread evenly over a check. */
  requestsPerMinute: number;
}

export type SourceId = string;

/** One Cobalt API key and what to watch with it (a test and a production key are two sources). */
export interface CobaltSource extends CheckSettings {
  /** Stable: part of storage keys and alarm names, never changed by an edit. */
  id: SourceId;
  kind: "cobalt";
  /** Empty: the pages name the source after its key's environment (sources.ts). */
  label: string;
}

/**
 * A team relay (issue 11): a server the org runs holds the Cobalt key and serves its status; this
 * browser holds only a member token, sent to the relay's origin alone.
 */
export interface RelaySource {
  id: SourceId;
  kind: "relay";
  label: string;
  /** https, or plain http on this computer (url.ts normalizeRelayUrl); "" until set. */
  relayUrl: string;
  token: string;
  intervalMinutes: number;
}

export type Source = CobaltSource | RelaySource;

/** What a check, the schedule and the views are given: a Cobalt key's settings (the relay
 * server's own too) or a relay source. */
export type Watched = CheckSettings | RelaySource;

export function isRelay(source: Watched): source is RelaySource {
  return (source as { kind?: unknown }).kind === "relay";
}

/** Polling the relay is cheap (a 304 of a few bytes), so it is asked every minute by default. */
export const RELAY_INTERVAL = { min: INTERVAL.min, max: INTERVAL.max, default: 1 } as const;

export interface Settings {
  /** At least one. The first is the one a single-source user has always had. */
  sources: Source[];
  /** Desktop notifications (issue 9): on only once the user turned them on in Options. */
  notifications?: boolean;
}

export const DEFAULT_CHECK_SETTINGS: CheckSettings = {
  apiKey: "",
  baseUrl: DEFAULT_BASE_URL,
  linkedAccountIds: [],
  intervalMinutes: INTERVAL.default,
  requestsPerMinute: BUDGET.default,
};

export function newSource(id: SourceId, fields: Partial<Omit<CobaltSource, "id" | "kind">> = {}): CobaltSource {
  return { id, kind: "cobalt", label: "", ...DEFAULT_CHECK_SETTINGS, linkedAccountIds: [], ...fields };
}

export function newRelaySource(id: SourceId, fields: Partial<Omit<RelaySource, "id" | "kind">> = {}): RelaySource {
  return { id, kind: "relay", label: "", relayUrl: "", token: "", intervalMinutes: RELAY_INTERVAL.default, ...fields };
}

export const DEFAULT_SETTINGS: Settings = { sources: [newSource(MAIN_SOURCE_ID)] };

function defaultSettings(): Settings {
  return { sources: [newSource(MAIN_SOURCE_ID)] };
}

/** Shows enough of the key to recognise it, never enough to use it. */
export function maskKey(apiKey: string): string {
  if (apiKey === "") return "";
  if (apiKey.length <= 8) return "•".repeat(apiKey.length);
  return `${apiKey.slice(0, 4)}${"•".repeat(Math.min(apiKey.length - 8, 16))}${apiKey.slice(-4)}`;
}

export function parseLinkedAccountIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((id) => id !== ""))];
}

const MAX_ID_LENGTH = 200;

/** Why a linked account ID cannot be used, as data (worded by settings-form.ts's problemText). */
export type IdProblem = { code: "id-too-long"; start: string; max: number } | { code: "id-control"; id: string };

/** Why an ID cannot be used, or undefined. IDs are sent percent-encoded, so any text is possible;
 * control characters and absurd lengths are typing accidents, not IDs. */
export function linkedAccountIdProblem(id: string): IdProblem | undefined {
  if (id.length > MAX_ID_LENGTH) return { code: "id-too-long", start: id.slice(0, 20), max: MAX_ID_LENGTH };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return { code: "id-control", id };
  return undefined;
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
 * loads no zod), twins of the zod schemas in store/schemas.ts (test/unit/guards.test.ts).
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
} satisfies { [K in keyof RelayFields]: Guard<RelayFields[K]> };

/** A source's settings fields (of either kind), in the order the options page shows them. */
export type SettingsField = keyof SourceFields | keyof RelayFields;

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
 * Reads the stored settings of any version (settings-migrate.ts brings older ones to a list of
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
  const copy = (source: Source) => (isRelay(source) ? { ...source } : { ...source, linkedAccountIds: [...source.linkedAccountIds] });
  const stored: Record<string, unknown> = { schemaVersion: SETTINGS_VERSION, sources: settings.sources.map(copy) };
  if (settings.notifications !== undefined) stored.notifications = settings.notifications;
  return stored;
}

export function findSource(settings: Settings, id: SourceId): Source | undefined {
  return settings.sources.find((source) => source.id === id);
}

/** A settings change that alters which data is fetched; interval or budget changes do not. */
export function sourceKey(settings: CheckSettings): string {
  return fnv1a(JSON.stringify([settings.baseUrl, settings.apiKey, settings.linkedAccountIds]));
}

/** Whether the source can be checked at all: it has its key, or its member token. */
export function isSetUp(source: Watched): boolean {
  if (isRelay(source)) return source.token.trim() !== "" && source.relayUrl.trim() !== "";
  // An empty base URL is one that was saved unusable (parseSource): never Cobalt's by default.
  return source.apiKey.trim() !== "" && source.baseUrl.trim() !== "";
}

/** sourceKey for either kind: a relay source fetches what its URL and token give. */
export function fingerprint(source: Watched): string {
  return isRelay(source) ? fnv1a(JSON.stringify(["relay", source.relayUrl, source.token])) : sourceKey(source);
}

/** The address this source's requests go to (and whose origin it needs permission for). */
export function sourceUrl(source: Source): string {
  return isRelay(source) ? source.relayUrl : source.baseUrl;
}

/** A short fingerprint (not a secret-keeping hash: it only tells "same settings or not"). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
