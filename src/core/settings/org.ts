import { isRecord, num, str } from "../kit/guards.ts";
import { isRelay, newRelaySource, newSource, RELAY_INTERVAL, type CobaltSource, type RelaySource, type Settings, type Source } from "./model.ts";
import type { Notice } from "./notices.ts";
import { parsePolicy, type ManagedRelay, type ParsedPolicy, type PolicyProblem, type Preset } from "./policy.ts";
import { MAIN_SOURCE_ID, type SourceId } from "./source-ids.ts";

export { MANAGED_RELAYS_KEY, POLICY_KEY } from "./org-keys.ts";

/*
 * The settings in effect: the user's own (stored under `settings`) with what the organisation's
 * policy sets (stored under `policy`, as the browser gave it) laid over them, never written into
 * them. Remove the policy and the user's own settings are what they were. A relay the policy sets
 * keeps the member's part (their token, their interval) under `managedRelays`, by the relay's id,
 * and only while the policy names that relay.
 */

/** The member's part of a relay the policy sets: their token, the URL it was saved for, their interval. */
export interface ManagedRelayEntry {
  relayUrl: string;
  token: string;
  /** Absent while the interval is locked (and for one never chosen). */
  intervalMinutes?: number;
  /** The member's badge option (RelaySource.badgeUnclaimedOnly); kept only when on. */
  badgeUnclaimedOnly?: boolean;
}

export type ManagedRelayEntries = Record<SourceId, ManagedRelayEntry>;

/** What the pages show of the policy: which sources and settings are the organisation's. */
export interface OrgView {
  /** The relays the policy sets (each is one of the sources in effect), in its order. */
  managed: SourceId[];
  allowApiKeySources: boolean;
  /** The user's Cobalt key sources while keys are not allowed: kept, never checked, shown as disabled. */
  disabled: CobaltSource[];
  notifications?: Preset<boolean>;
  intervalMinutes?: Preset<number>;
  /** Values of the policy that were ignored. */
  problems: PolicyProblem[];
  /** The new source shown when the page would have none: not stored, nothing to remove. */
  placeholder?: SourceId;
}

export interface Effective {
  settings: Settings;
  /** Absent without a policy. */
  org?: OrgView;
  /** Stored member parts that could not be read. */
  notices: Notice[];
}

/** Reads the stored member parts one by one: a damaged one costs that relay's token alone, with a notice. */
export function parseManagedRelays(raw: unknown): { entries: ManagedRelayEntries; notices: Notice[] } {
  const entries: ManagedRelayEntries = {};
  const notices: Notice[] = [];
  if (!isRecord(raw)) return { entries, notices: raw === undefined ? [] : [{ code: "field-reset", field: "token" }] };
  for (const [id, value] of Object.entries(raw)) {
    const relayUrl = isRecord(value) ? str(value.relayUrl) : undefined;
    const token = isRecord(value) ? str(value.token) : undefined;
    if (relayUrl === undefined || token === undefined) {
      notices.push({ code: "field-reset", field: "token", sourceId: id });
      continue;
    }
    const interval = num((value as Record<string, unknown>).intervalMinutes);
    const entry: ManagedRelayEntry = { relayUrl, token };
    if (interval !== undefined && Number.isInteger(interval) && interval >= RELAY_INTERVAL.min && interval <= RELAY_INTERVAL.max) entry.intervalMinutes = interval;
    if ((value as Record<string, unknown>).badgeUnclaimedOnly === true) entry.badgeUnclaimedOnly = true;
    entries[id] = entry;
  }
  return { entries, notices };
}

/** A source that holds nothing worth keeping: a new, empty Cobalt source (what a fresh install shows). */
export function holdsNothing(source: Source): boolean {
  if (isRelay(source)) return false;
  const empty = newSource(source.id);
  return (Object.keys(empty) as (keyof CobaltSource)[]).every((field) => (field === "linkedAccountIds" ? source.linkedAccountIds.length === 0 : source[field] === empty[field]));
}

/** Whether the policy hides empty Cobalt sources: it sets relays, or allows no keys. */
function hidesEmpty(parsed: ParsedPolicy): boolean {
  return parsed.policy.relays.length > 0 || !parsed.policy.allowApiKeySources;
}

/**
 * The settings in effect and what the pages show of the policy. The user's own sources come
 * first (their page stays as it was), then the relays the policy sets. While keys are not
 * allowed the user's key sources are set aside (`disabled`), and a locked interval applies to
 * every relay source. With nothing left to show, a new source to set up: a relay when keys are
 * not allowed.
 */
export function applyPolicy(own: Settings, parsed: ParsedPolicy | undefined, entries: ManagedRelayEntries): { settings: Settings; org?: OrgView } {
  if (!parsed) return { settings: own };
  const { policy } = parsed;
  const managed = policy.relays.map((relay) => managedSource(relay, entries[relay.id], policy.intervalMinutes));
  const managedIds = new Set(managed.map((source) => source.id));
  const mine = own.sources.filter((source) => !managedIds.has(source.id) && !(hidesEmpty(parsed) && holdsNothing(source)));
  const disabled = policy.allowApiKeySources ? [] : mine.filter((source): source is CobaltSource => !isRelay(source)).map((source) => ({ ...source, apiKey: "" }));
  const active = mine.filter((source) => policy.allowApiKeySources || isRelay(source)).map((source) => withInterval(source, policy.intervalMinutes));
  const sources: Source[] = [...active, ...managed];
  const empty = sources.length === 0 ? placeholder(parsed, new Set(mine.map((source) => source.id))) : undefined;
  if (empty) sources.push(empty);
  const settings: Settings = { sources };
  const notifications = policy.notifications?.locked ? policy.notifications.value : (own.notifications ?? policy.notifications?.value);
  if (notifications !== undefined) settings.notifications = notifications;
  const org: OrgView = { managed: [...managedIds], allowApiKeySources: policy.allowApiKeySources, disabled, problems: parsed.problems };
  if (policy.notifications) org.notifications = policy.notifications;
  if (policy.intervalMinutes) org.intervalMinutes = policy.intervalMinutes;
  if (empty) org.placeholder = empty.id;
  return { settings, org };
}

/** The settings in effect from what is stored: the user's own, the policy and the member parts of its relays. */
export function effectiveSettings(own: { settings: Settings; notices: Notice[] }, rawPolicy: unknown, rawManaged: unknown): Effective {
  const parsed = parsePolicy(rawPolicy);
  if (!parsed) return { settings: own.settings, notices: own.notices };
  const managed = parseManagedRelays(rawManaged);
  return { ...applyPolicy(own.settings, parsed, managed.entries), notices: [...own.notices, ...managed.notices] };
}

/** A relay the policy sets, with the member's token and interval (the token only if saved for this very URL). */
function managedSource(relay: ManagedRelay, entry: ManagedRelayEntry | undefined, interval: Preset<number> | undefined): RelaySource {
  const mine = entry?.relayUrl === relay.relayUrl ? entry : undefined;
  const intervalMinutes = interval?.locked ? interval.value : (mine?.intervalMinutes ?? interval?.value ?? RELAY_INTERVAL.default);
  return newRelaySource(relay.id, { label: relay.label, relayUrl: relay.relayUrl, token: mine?.token ?? "", intervalMinutes, ...(mine?.badgeUnclaimedOnly ? { badgeUnclaimedOnly: true } : {}) });
}

function withInterval(source: Source, interval: Preset<number> | undefined): Source {
  return isRelay(source) && interval?.locked ? { ...source, intervalMinutes: interval.value } : source;
}

/** The interval a new relay source starts with: the organisation's, when it sets one. */
export function newRelayInterval(org: OrgView | undefined): number {
  return org?.intervalMinutes?.value ?? RELAY_INTERVAL.default;
}

/** A new source for a page with nothing else to show, with an id none of the user's sources has. */
function placeholder(parsed: ParsedPolicy, taken: ReadonlySet<SourceId>): Source {
  let id = MAIN_SOURCE_ID;
  for (let n = 1; taken.has(id); n++) id = n === 1 ? "new" : `new-${n}`;
  if (parsed.policy.allowApiKeySources) return newSource(id);
  return newRelaySource(id, { intervalMinutes: parsed.policy.intervalMinutes?.value ?? RELAY_INTERVAL.default });
}
