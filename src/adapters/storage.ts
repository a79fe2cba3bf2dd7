import { api } from "./browser.ts";
import { ApiError } from "../core/api/errors.ts";
import { exclusive } from "./locks.ts";
import { parseFollowUps, type FollowUp } from "../core/alerts/followups.ts";
import { parseMutes, type Mute } from "../core/alerts/mutes.ts";
import type { Notice } from "../core/settings/notices.ts";
import { findSource, type Settings, type Source } from "../core/settings/model.ts";
import { newSourceId, type SourceId } from "../core/settings/source-ids.ts";
import { parseStoredSettings, serializeSettings } from "../core/settings/parse.ts";
import type { Effective, OrgView } from "../core/settings/org.ts";
import type { StoredOrg } from "../core/settings/org-writes.ts";
import { MANAGED_RELAYS_KEY, POLICY_KEY } from "../core/settings/org-keys.ts";
import { parseStoredProgress } from "../core/status/stored.ts";
import { type HealthyApps, type Progress, type Status } from "../core/status/model.ts";
import { decodeResults, planResultsWrite } from "../core/store/codec.ts";
import { isCurrent } from "../core/status/view-state.ts";
import { scrubStatus, secretsOf } from "../core/status/scrub.ts";
import { checkpointPrefix, isResultsKey, keysOfRemovedSources, sourceKeys, sourceOfCheckpointKey } from "../core/store/keys.ts";
import { parsePendingBackoff, type PendingBackoff } from "../core/check/interrupted.ts";
import type { Trigger } from "../core/check/schedule.ts";
import { parseStoredPreview } from "../core/preview/parse.ts";
import { PREVIEW_KEY, type PreviewState } from "../core/preview/state.ts";

/*
 * Typed access to storage.local, the single source of truth. Everything read is parsed: a value
 * damaged by hand or by an older version falls back to its default alone, with a notice.
 *
 * Layout (details and the encoding in core/store/codec.ts and core/store/keys.ts):
 *   settings                 the user's settings: a list of sources, each with its own id
 *   progress.<id>            that source's check under way, written about once a second; small
 *   status.<id>              header of that source's check results: when, errors, backoff, rotation
 *   status.<id>.apps         its app catalog and per-account error table
 *   status.<id>.order        its accounts' order
 *   status.<id>.acc.<n>      its accounts whose id hashes to n, ~32 per shard, apps as indices
 *   pendingBackoff.<id>      a throttling answer's backoff, kept while its check waits
 *   lastDecision.<id>        what the background last decided for that source, and why
 *   preview                  the sample-data preview, while it is on (core/preview/state.ts)
 *   policy                   the organisation's policy as the browser gave it (core/settings/org.ts)
 *   managedRelays            the member's token for each relay the policy sets
 * and in storage.session, the check under way's checkpoint (checkpoint.<id>.<part>, below).
 * The first source is "main". A check writes only the keys whose value changed. The older layout
 * (`status` + `healthy`) is read until the first write of "main" replaces it; removing a source
 * removes all its keys.
 */

/** The names change listeners are told: any part of any source's results is "status", any
 * source's progress is "progress", and the policy and its relays' tokens are "settings". */
export const KEYS = { settings: "settings", status: "status", progress: "progress", mutes: "mutes", followups: "followups", preview: PREVIEW_KEY, policy: POLICY_KEY, managedRelays: MANAGED_RELAYS_KEY } as const;

/** What the settings in effect are read from. */
const SETTINGS_KEYS = [KEYS.settings, KEYS.policy, KEYS.managedRelays];

export interface Snapshot {
  /** The settings in effect: the user's own with the organisation's policy over them. */
  settings: Settings;
  /** What the organisation's policy sets, when there is one. */
  org?: OrgView;
  /** Each source's check results, by source id (one entry per source of the settings). */
  statuses: Record<SourceId, Status>;
  /** Each source's check under way, or null. */
  progress: Record<SourceId, Progress | null>;
  /** Stored values that could not be read (worded by core/words/notices.ts). */
  notices: Notice[];
  /** What the user muted (adapters/alerts-store.ts). */
  mutes: Mute[];
  /** Re-checks after Reconnect or Copy link, and how they ended. */
  followUps: FollowUp[];
  /** Set while the sample-data preview is on: the pages and the badge then show the demo org
   * (adapters/preview.ts sampleView) and the rest of the snapshot is the user's own, kept. */
  preview?: PreviewState;
}

/**
 * The settings in effect, from one read (core/settings/org.ts): the user's own, the policy, its
 * relays' tokens. The code that reads a policy loads only where there is one: the popup of a
 * browser without a policy opens without it.
 */
async function settingsIn(raw: Record<string, unknown>): Promise<Effective> {
  const own = parseStoredSettings(raw[KEYS.settings]);
  if (raw[KEYS.policy] === undefined) return own;
  const { effectiveSettings } = await import("../core/settings/org.ts");
  return effectiveSettings(own, raw[KEYS.policy], raw[KEYS.managedRelays]);
}

function storedOrg(raw: Record<string, unknown>): StoredOrg {
  return { settings: raw[KEYS.settings], policy: raw[KEYS.policy], managedRelays: raw[KEYS.managedRelays] };
}

async function toSnapshot(raw: Record<string, unknown>): Promise<Snapshot> {
  const { settings, notices, org } = await settingsIn(raw);
  const snapshot: Snapshot = { settings, statuses: {}, progress: {}, notices: [...notices], mutes: parseMutes(raw[KEYS.mutes]), followUps: parseFollowUps(raw[KEYS.followups]) };
  if (org) snapshot.org = org;
  const preview = parseStoredPreview(raw[KEYS.preview]);
  if (preview.preview) snapshot.preview = preview.preview;
  if (preview.notice) snapshot.notices.push(preview.notice);
  for (const source of settings.sources) {
    const { id } = source;
    const results = decodeResults(raw, id);
    snapshot.statuses[id] = scrubStatus(results.status, secretsOf(source));
    snapshot.progress[id] = parseStoredProgress(raw[sourceKeys(id).progress]);
    if (results.notice) snapshot.notices.push(settings.sources.length > 1 ? { ...results.notice, sourceId: id } : results.notice);
  }
  return snapshot;
}

/**
 * Everything in one read: the results span many keys, and one `get` sees them all from the same
 * write (two reads could mix a header with shards of the next check).
 */
function loadAll(): Promise<Record<string, unknown>> {
  return api().storage.local.get(null);
}

export async function loadSnapshot(): Promise<Snapshot> {
  return toSnapshot(await loadAll());
}

/** The settings in effect alone: what the background needs to know which sources there are. */
export async function loadSettings(): Promise<Settings> {
  return (await settingsIn(await api().storage.local.get(SETTINGS_KEYS))).settings;
}

/** Everything a check of one source starts from, in one read; `source` is undefined once removed. */
export async function loadSourceState(id: SourceId): Promise<SourceState> {
  const raw = await loadAll();
  const source = findSource((await settingsIn(raw)).settings, id);
  const results = decodeResults(raw, id);
  const state: SourceState = {
    status: results.status,
    healthy: results.healthy,
    progress: parseStoredProgress(raw[sourceKeys(id).progress]),
    preview: parseStoredPreview(raw[KEYS.preview]).preview !== undefined,
  };
  if (source) state.source = source;
  return state;
}

export interface SourceState {
  source?: Source;
  /** The sample-data preview is on: nothing may be checked. */
  preview: boolean;
  status: Status;
  healthy: HealthyApps;
  progress: Progress | null;
}

/** The progress of these sources' checks, read alone (it changes every second during a check). */
export async function loadProgress(ids: readonly SourceId[]): Promise<Record<SourceId, Progress | null>> {
  const keys = ids.map((id) => sourceKeys(id).progress);
  const raw = await api().storage.local.get(keys);
  return Object.fromEntries(ids.map((id, index) => [id, parseStoredProgress(raw[keys[index]!])]));
}

export async function loadHealthy(source: SourceId): Promise<{ healthy: HealthyApps; notice?: Notice }> {
  const results = decodeResults(await loadAll(), source);
  return results.healthyNotice ? { healthy: results.healthy, notice: results.healthyNotice } : { healthy: results.healthy };
}

export async function saveSettings(settings: Settings): Promise<void> {
  await api().storage.local.set({ [KEYS.settings]: serializeSettings(settings) });
}

/**
 * Saves one source's settings into the latest stored ones (another tab may have changed the
 * others meanwhile): in place if it is stored, else added after the others. The other top-level
 * preferences (notifications) are kept as they are. A relay the organisation sets keeps only the
 * member's token and interval (core/settings/org-writes.ts); what the policy forbids is refused.
 */
export function saveSource(source: Source): Promise<void> {
  return exclusive(KEYS.settings, async () => {
    // Loaded on use: the popup saves no source.
    const { planSourceSave } = await import("../core/settings/org-writes.ts");
    const write = planSourceSave(storedOrg(await api().storage.local.get(SETTINGS_KEYS)), source);
    if (!write.ok) throw new ApiError("unexpected", { cause: write.refused === "api-keys-not-allowed" ? "policy-no-keys" : "policy-managed-relay" });
    await api().storage.local.set(write.set);
  });
}

/** Removes one of the user's sources (never the last one, unless a policy gives others); the background then removes its data and alarms. */
export function removeSource(id: SourceId): Promise<void> {
  return exclusive(KEYS.settings, async () => {
    const raw = await api().storage.local.get(SETTINGS_KEYS);
    const { planSourceRemoval } = await import("../core/settings/org-writes.ts");
    const taken = new Set([...parseStoredSettings(raw[KEYS.settings]).settings.sources, ...(await settingsIn(raw)).settings.sources].map((source) => source.id));
    const settings = planSourceRemoval(storedOrg(raw), id, newSourceId(Math.random, taken));
    if (settings) await saveSettings(settings);
  });
}

/** Turns desktop notifications on or off in the user's own stored settings, the sources untouched.
 * Settings are read and written one writer at a time (two options tabs, a Save and this switch): see locks.ts. */
export function saveNotificationsPreference(on: boolean): Promise<void> {
  return exclusive(KEYS.settings, async () => {
    const own = parseStoredSettings((await api().storage.local.get(KEYS.settings))[KEYS.settings]).settings;
    await saveSettings({ ...own, notifications: on });
  });
}

/**
 * The end of a source's check: the changed parts of its results (healthy apps included) and the
 * end of its progress land in one write, so no reader ever sees one without the others. Keys no
 * longer used are removed after it; readers ignore them meanwhile. Without `healthy`, the stored
 * ones stay. A source removed while its check ran gets nothing written, and its keys go.
 *
 * Results are stored only for the source's settings stored now: a check begun under settings
 * replaced since (a Save, settings restored by hand) would otherwise overwrite what is stored
 * with results of settings no longer in effect. Then nothing is written, and "replaced" says so.
 */
export async function saveStatus(source: SourceId, status: Status, healthy?: HealthyApps): Promise<"stored" | "removed" | "replaced"> {
  const raw = await loadAll();
  const current = findSource((await settingsIn(raw)).settings, source);
  if (!current) {
    await removeRemovedSources(raw);
    return "removed";
  }
  if (!isCurrent(current, status)) return "replaced";
  // A server's words never carry the key or token into storage (core/status/scrub.ts).
  const write = planResultsWrite(raw, scrubStatus(status, secretsOf(current)), healthy, source);
  await api().storage.local.set({ ...write.set, [sourceKeys(source).progress]: null });
  if (write.remove.length > 0) await api().storage.local.remove(write.remove);
  return "stored";
}

export async function saveProgress(source: SourceId, progress: Progress | null): Promise<void> {
  await api().storage.local.set({ [sourceKeys(source).progress]: progress });
}

/**
 * Removes every key of a source no longer in the settings (and the single-source layout's own).
 * The user's own sources keep theirs, a key source the policy sets aside included.
 */
export async function removeRemovedSources(raw?: Record<string, unknown>): Promise<void> {
  const all = raw ?? (await loadAll());
  const kept = new Set([...parseStoredSettings(all[KEYS.settings]).settings.sources, ...(await settingsIn(all)).settings.sources].map((source) => source.id));
  const gone = keysOfRemovedSources(Object.keys(all), kept);
  if (gone.length > 0) await api().storage.local.remove(gone);
  await clearCheckpoints((source) => !kept.has(source));
}

/** Keys that changed, with any source's results reported as KEYS.status and progress as KEYS.progress. */
export type ChangedKeys = Set<string>;

function changeName(key: string): string {
  if (isResultsKey(key)) return KEYS.status;
  if (key === KEYS.policy || key === KEYS.managedRelays) return KEYS.settings;
  return key.startsWith(`${KEYS.progress}.`) ? KEYS.progress : key;
}

export function onStoredChange(listener: (changed: ChangedKeys) => void): () => void {
  const handler = (changes: Record<string, unknown>, area: string) => {
    if (area === "local") listener(new Set(Object.keys(changes).map(changeName)));
  };
  api().storage.onChanged.addListener(handler);
  return () => api().storage.onChanged.removeListener(handler);
}

/*
 * The background's own small records, per source, each under its own key, written
 * apart from the status so that they never make a status write larger or change how it is stored.
 */

/** A throttling answer's backoff, kept while its check waits (see core/check/interrupted.ts). */
export async function loadPendingBackoff(source: SourceId): Promise<PendingBackoff | undefined> {
  const key = sourceKeys(source).pendingBackoff;
  return parsePendingBackoff((await api().storage.local.get(key))[key]);
}

export async function savePendingBackoff(source: SourceId, pending: PendingBackoff): Promise<void> {
  await api().storage.local.set({ [sourceKeys(source).pendingBackoff]: pending });
}

export async function clearPendingBackoff(source: SourceId): Promise<void> {
  await api().storage.local.remove(sourceKeys(source).pendingBackoff);
}

/** What the background last decided on an event for a source, and why: a few bytes that tell (a
 * person or a test) that an alarm was handled even when it rightly made no request. Written, never read here. */
export async function saveLastDecision(source: SourceId, decision: { trigger: Trigger; at: number; run: boolean; reason?: string }): Promise<void> {
  await api().storage.local.set({ [sourceKeys(source).lastDecision]: decision });
}

/*
 * A check's checkpoint (core/check/checkpoint.ts), in storage.session: it must outlive a stopped
 * background, not the browser, and it stays out of storage.local (the pages' reads, the quota).
 */

/** The parts of a source's checkpoint, by their names relative to it. */
export async function loadCheckpoint(source: SourceId): Promise<Record<string, unknown>> {
  const prefix = checkpointPrefix(source);
  const all = await api().storage.session.get(null);
  return Object.fromEntries(Object.entries(all).flatMap(([key, value]) => (key.startsWith(prefix) ? [[key.slice(prefix.length), value]] : [])));
}

export async function saveCheckpoint(source: SourceId, parts: Record<string, unknown>): Promise<void> {
  const prefix = checkpointPrefix(source);
  await api().storage.session.set(Object.fromEntries(Object.entries(parts).map(([name, value]) => [prefix + name, value])));
}

export async function clearCheckpoint(source: SourceId): Promise<void> {
  await clearCheckpoints((each) => each === source);
}

/** The sources that have a checkpoint: a check of theirs was under way when a background stopped. */
export async function sourcesWithCheckpoint(): Promise<SourceId[]> {
  const keys = Object.keys(await api().storage.session.get(null));
  return [...new Set(keys.flatMap((key) => sourceOfCheckpointKey(key) ?? []))];
}

async function clearCheckpoints(which: (source: string) => boolean): Promise<void> {
  const keys = Object.keys(await api().storage.session.get(null)).filter((key) => {
    const source = sourceOfCheckpointKey(key);
    return source !== undefined && which(source);
  });
  if (keys.length > 0) await api().storage.session.remove(keys);
}
