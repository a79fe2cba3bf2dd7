import { api } from "./browser.ts";
import type { Notice } from "../core/notices.ts";
import { parseStoredSettings, serializeSettings, type Settings } from "../core/settings.ts";
import { parseStoredProgress, type HealthyApps, type Progress, type Status } from "../core/status.ts";
import { decodeResults, planResultsWrite } from "../core/store/codec.ts";
import { isResultsKey, resultKeys } from "../core/store/keys.ts";
import { parsePendingBackoff, type PendingBackoff } from "../core/check/interrupted.ts";
import type { Trigger } from "../core/schedule.ts";

/*
 * Typed access to storage.local, the single source of truth. Everything read is parsed: a value
 * damaged by hand or by an older version falls back to its default alone, with a notice.
 *
 * Layout (details and the encoding in core/store/codec.ts):
 *   settings                 the user's settings
 *   progress                 the check under way, written about once a second; small
 *   status.main              header of the check results: when, errors, backoff, rotation
 *   status.main.apps         app catalog and per-account error table, shared by all accounts
 *   status.main.order        the accounts' order
 *   status.main.acc.<n>      the accounts whose id hashes to n, ~32 per shard, apps as indices
 * "main" is the source; another source gets its own `status.<id>` keys. A check writes only the
 * keys whose value changed. The older layout (`status` + `healthy`) is read until the first write
 * replaces it.
 */

export const KEYS = { settings: "settings", status: resultKeys().header, progress: "progress" } as const;

export interface Snapshot {
  settings: Settings;
  status: Status;
  /** The check under way, if any. */
  progress: Progress | null;
  /** Stored values that could not be read (worded by core/notices.ts). */
  notices: Notice[];
}

function toSnapshot(raw: Record<string, unknown>): Snapshot {
  const settings = parseStoredSettings(raw[KEYS.settings]);
  const results = decodeResults(raw);
  return {
    settings: settings.settings,
    status: results.status,
    progress: parseStoredProgress(raw[KEYS.progress]),
    notices: [...settings.notices, ...(results.notice ? [results.notice] : [])],
  };
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

export async function loadProgress(): Promise<Progress | null> {
  return parseStoredProgress((await api().storage.local.get(KEYS.progress))[KEYS.progress]);
}

export async function loadHealthy(): Promise<{ healthy: HealthyApps; notice?: Notice }> {
  const results = decodeResults(await loadAll());
  return results.healthyNotice ? { healthy: results.healthy, notice: results.healthyNotice } : { healthy: results.healthy };
}

export async function saveSettings(settings: Settings): Promise<void> {
  await api().storage.local.set({ [KEYS.settings]: serializeSettings(settings) });
}

/**
 * The end of a check: the changed parts of the results (healthy apps included) and the end of
 * progress land in one write, so no reader ever sees one without the others. Keys no longer used
 * are removed after it; readers ignore them meanwhile. Without `healthy`, the stored ones stay.
 */
export async function saveStatus(status: Status, healthy?: HealthyApps): Promise<void> {
  const write = planResultsWrite(await loadAll(), status, healthy);
  await api().storage.local.set({ ...write.set, [KEYS.progress]: null });
  if (write.remove.length > 0) await api().storage.local.remove(write.remove);
}

export async function saveProgress(progress: Progress | null): Promise<void> {
  await api().storage.local.set({ [KEYS.progress]: progress });
}

/** Keys that changed; a change to any part of the check results is reported as KEYS.status. */
export type ChangedKeys = Set<string>;

export function onStoredChange(listener: (changed: ChangedKeys) => void): () => void {
  const handler = (changes: Record<string, unknown>, area: string) => {
    if (area === "local") listener(new Set(Object.keys(changes).map((key) => (isResultsKey(key) ? KEYS.status : key))));
  };
  api().storage.onChanged.addListener(handler);
  return () => api().storage.onChanged.removeListener(handler);
}

/*
 * The background's own small records, each under its own key (issue 7), written apart from the
 * status so that they never make a status write larger or change how the status is stored.
 */

export const PENDING_BACKOFF_KEY = "pendingBackoff";
export const LAST_DECISION_KEY = "lastDecision";

/** A throttling answer's backoff, kept while its check waits (see core/check/interrupted.ts). */
export async function loadPendingBackoff(): Promise<PendingBackoff | undefined> {
  return parsePendingBackoff((await api().storage.local.get(PENDING_BACKOFF_KEY))[PENDING_BACKOFF_KEY]);
}

export async function savePendingBackoff(pending: PendingBackoff): Promise<void> {
  await api().storage.local.set({ [PENDING_BACKOFF_KEY]: pending });
}

export async function clearPendingBackoff(): Promise<void> {
  await api().storage.local.remove(PENDING_BACKOFF_KEY);
}

/** What the background last decided on an event, and why: a few bytes that tell (a person or a
 * test) that an alarm was handled even when it rightly made no request. Written, never read here. */
export async function saveLastDecision(decision: { trigger: Trigger; at: number; run: boolean; reason?: string }): Promise<void> {
  await api().storage.local.set({ [LAST_DECISION_KEY]: decision });
}
