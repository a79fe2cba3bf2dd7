import { canonicalJson } from "../kit/slots.ts";
import { isRelay, newSource, RELAY_INTERVAL, type Settings, type Source } from "./model.ts";
import { holdsNothing, MANAGED_RELAYS_KEY, parseManagedRelays, POLICY_KEY, type ManagedRelayEntries, type ManagedRelayEntry } from "./org.ts";
import { parseStoredSettings, serializeSettings } from "./parse.ts";
import { parsePolicy, type ParsedPolicy } from "./policy.ts";
import type { SourceId } from "./source-ids.ts";

/*
 * What is written when the user saves or removes a source under a policy, and when the background
 * takes in a new policy: the user's own settings get only what the user chose, a relay the policy
 * sets gets the member's token under `managedRelays`, and nothing of the policy is copied into
 * them (a locked interval is never stored as the user's own).
 */

/** The stored values these plans read: the user's settings (`stored` false before any save), the policy and the member parts. */
export interface StoredOrg {
  settings: unknown;
  policy: unknown;
  managedRelays: unknown;
}

/** Why a save or a removal is refused: the page offers neither, so only a page out of date (or a hand) asks. */
export type Refusal = "managed-relay" | "api-keys-not-allowed";

export type SaveWrite = { ok: true; set: Record<string, unknown> } | { ok: false; refused: Refusal };

function ownOf(stored: StoredOrg, parsed: ParsedPolicy | undefined): Source[] {
  const { sources } = parseStoredSettings(stored.settings).settings;
  // Under a policy that hides them, an empty source kept only so that the page had one goes at the first save.
  return hidesEmpty(parsed) ? sources.filter((source) => !holdsNothing(source)) : sources;
}

function hidesEmpty(parsed: ParsedPolicy | undefined): boolean {
  return parsed !== undefined && (parsed.policy.relays.length > 0 || !parsed.policy.allowApiKeySources);
}

/**
 * A source saved from Options. A relay the policy sets stores the member's token (its URL and label
 * stay the policy's); any other source goes into the user's settings, in place or after the others,
 * with its own interval kept while the policy locks it.
 */
export function planSourceSave(stored: StoredOrg, source: Source): SaveWrite {
  const parsed = parsePolicy(stored.policy);
  const relay = parsed?.policy.relays.find((each) => each.id === source.id);
  if (relay) {
    if (!isRelay(source)) return { ok: false, refused: "managed-relay" };
    const { entries } = parseManagedRelays(stored.managedRelays);
    const entry: ManagedRelayEntry = { relayUrl: relay.relayUrl, token: source.token };
    const interval = parsed!.policy.intervalMinutes?.locked ? entries[source.id]?.intervalMinutes : source.intervalMinutes;
    if (interval !== undefined) entry.intervalMinutes = interval;
    if (source.badgeUnclaimedOnly) entry.badgeUnclaimedOnly = true;
    return { ok: true, set: { [MANAGED_RELAYS_KEY]: { ...kept(entries, parsed!), [source.id]: entry } } };
  }
  if (parsed && !parsed.policy.allowApiKeySources && !isRelay(source)) return { ok: false, refused: "api-keys-not-allowed" };
  const own = parseStoredSettings(stored.settings).settings;
  const sources = ownOf(stored, parsed);
  const previous = sources.find((each) => each.id === source.id);
  const next = parsed?.policy.intervalMinutes?.locked && isRelay(source) ? { ...source, intervalMinutes: ownInterval(previous) } : source;
  const saved = previous ? sources.map((each) => (each.id === source.id ? next : each)) : [...sources, next];
  return { ok: true, set: { settings: serializeSettings({ ...own, sources: saved }) } };
}

/** The interval the user chose for a relay source, kept under a locked one (the default for one new under it). */
function ownInterval(previous: Source | undefined): number {
  return previous && isRelay(previous) ? previous.intervalMinutes : RELAY_INTERVAL.default;
}

/** The member parts of relays the policy still sets. */
function kept(entries: ManagedRelayEntries, parsed: ParsedPolicy | undefined): ManagedRelayEntries {
  const ids = new Set(parsed?.policy.relays.map((relay) => relay.id) ?? []);
  return Object.fromEntries(Object.entries(entries).filter(([id]) => ids.has(id)));
}

/**
 * Removes one of the user's sources; a relay the policy sets cannot be removed. The last one goes
 * only under a policy that sets relays or allows no keys: an empty source (hidden there) takes its
 * place, under `freshId`, so its results go with it. Undefined: nothing to write.
 */
export function planSourceRemoval(stored: StoredOrg, id: SourceId, freshId: SourceId): Settings | undefined {
  const parsed = parsePolicy(stored.policy);
  if (parsed?.policy.relays.some((relay) => relay.id === id)) return undefined;
  const own = parseStoredSettings(stored.settings).settings;
  const sources = ownOf(stored, parsed);
  const rest = sources.filter((source) => source.id !== id);
  if (rest.length === sources.length) return undefined;
  if (rest.length > 0) return { ...own, sources: rest };
  return hidesEmpty(parsed) ? { ...own, sources: [newSource(freshId)] } : undefined;
}

/**
 * What the background writes when it has read the policy (`next`, undefined for none): the policy
 * itself when it changed; the member parts of relays it no longer sets go (their tokens with
 * them); and while it allows no keys, the keys of the user's sources are removed from storage.
 */
export function planPolicyApply(stored: StoredOrg, next: Record<string, unknown> | undefined): { set: Record<string, unknown>; remove: string[] } {
  const set: Record<string, unknown> = {};
  const remove: string[] = [];
  if (canonicalJson(next ?? null) !== canonicalJson(stored.policy ?? null)) {
    if (next) set[POLICY_KEY] = next;
    else if (stored.policy !== undefined) remove.push(POLICY_KEY);
  }
  const parsed = parsePolicy(next);
  if (stored.managedRelays !== undefined) {
    const entries = parseManagedRelays(stored.managedRelays).entries;
    const left = kept(entries, parsed);
    if (Object.keys(left).length === 0) remove.push(MANAGED_RELAYS_KEY);
    else if (canonicalJson(left) !== canonicalJson(stored.managedRelays)) set[MANAGED_RELAYS_KEY] = left;
  }
  const keys = withoutKeys(stored.settings, parsed);
  if (keys) set.settings = keys;
  return { set, remove };
}

/** The user's settings without their Cobalt keys, when the policy allows none and some are stored. */
function withoutKeys(raw: unknown, parsed: ParsedPolicy | undefined): Record<string, unknown> | undefined {
  if (raw === undefined || !parsed || parsed.policy.allowApiKeySources) return undefined;
  const own = parseStoredSettings(raw).settings;
  if (!own.sources.some((source) => !isRelay(source) && source.apiKey !== "")) return undefined;
  return serializeSettings({ ...own, sources: own.sources.map((source): Source => (isRelay(source) ? source : { ...source, apiKey: "" })) });
}
