import { api } from "./browser.ts";
import { parseStoredSettings, serializeSettings, type Settings } from "../core/settings.ts";
import { parseStoredHealthy, parseStoredProgress, parseStoredStatus, type HealthyApps, type Progress, type Status } from "../core/status.ts";
import { parsePendingBackoff, type PendingBackoff } from "../core/check/interrupted.ts";
import type { Trigger } from "../core/schedule.ts";

/*
 * Typed access to storage.local, the single source of truth. Everything read is parsed: a value
 * damaged by hand or by an older version falls back to its default alone, with a notice.
 */

export const KEYS = { settings: "settings", status: "status", healthy: "healthy", progress: "progress" } as const;

export interface Snapshot {
  settings: Settings;
  status: Status;
  /** The check under way, if any. */
  progress: Progress | null;
  /** Sentences about stored values that could not be read. */
  notices: string[];
}

function toSnapshot(raw: Record<string, unknown>): Snapshot {
  const settings = parseStoredSettings(raw[KEYS.settings]);
  const status = parseStoredStatus(raw[KEYS.status]);
  return {
    settings: settings.settings,
    status: status.value,
    progress: parseStoredProgress(raw[KEYS.progress]),
    notices: [...settings.notices, ...(status.notice ? [status.notice] : [])],
  };
}

export async function loadSnapshot(): Promise<Snapshot> {
  return toSnapshot(await api().storage.local.get([KEYS.settings, KEYS.status, KEYS.progress]));
}

export async function loadProgress(): Promise<Progress | null> {
  return parseStoredProgress((await api().storage.local.get(KEYS.progress))[KEYS.progress]);
}

export async function loadHealthy(): Promise<{ healthy: HealthyApps; notice?: string }> {
  const parsed = parseStoredHealthy((await api().storage.local.get(KEYS.healthy))[KEYS.healthy]);
  return parsed.notice ? { healthy: parsed.value, notice: parsed.notice } : { healthy: parsed.value };
}

export async function saveSettings(settings: Settings): Promise<void> {
  await api().storage.local.set({ [KEYS.settings]: serializeSettings(settings) });
}

/**
 * The end of a check: status, healthy apps and the end of progress land in one write, so no
 * reader ever sees one without the others.
 */
export async function saveStatus(status: Status, healthy?: HealthyApps): Promise<void> {
  const items: Record<string, unknown> = { [KEYS.status]: status, [KEYS.progress]: null };
  if (healthy) items[KEYS.healthy] = healthy;
  await api().storage.local.set(items);
}

export async function saveProgress(progress: Progress | null): Promise<void> {
  await api().storage.local.set({ [KEYS.progress]: progress });
}

export type ChangedKeys = Set<string>;

export function onStoredChange(listener: (changed: ChangedKeys) => void): () => void {
  const handler = (changes: Record<string, unknown>, area: string) => {
    if (area === "local") listener(new Set(Object.keys(changes)));
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
