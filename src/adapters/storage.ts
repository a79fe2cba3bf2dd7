import { api } from "./browser.ts";
import { parseStoredSettings, serializeSettings, type Settings } from "../core/settings.ts";
import { parseStoredHealthy, parseStoredStatus, type HealthyApps, type Status } from "../core/status.ts";

/*
 * Typed access to storage.local, the single source of truth. Everything read is parsed: a value
 * damaged by hand or by an older version falls back to its default alone, with a notice.
 */

export const KEYS = { settings: "settings", status: "status", healthy: "healthy" } as const;

export interface Snapshot {
  settings: Settings;
  status: Status;
  /** Sentences about stored values that could not be read. */
  notices: string[];
}

export function toSnapshot(raw: Record<string, unknown>): Snapshot {
  const settings = parseStoredSettings(raw[KEYS.settings]);
  const status = parseStoredStatus(raw[KEYS.status]);
  return {
    settings: settings.settings,
    status: status.value,
    notices: [...settings.notices, ...(status.notice ? [status.notice] : [])],
  };
}

export async function loadSnapshot(): Promise<Snapshot> {
  return toSnapshot(await api().storage.local.get([KEYS.settings, KEYS.status]));
}

export async function loadHealthy(): Promise<{ healthy: HealthyApps; notice?: string }> {
  const parsed = parseStoredHealthy((await api().storage.local.get(KEYS.healthy))[KEYS.healthy]);
  return parsed.notice ? { healthy: parsed.value, notice: parsed.notice } : { healthy: parsed.value };
}

export async function saveSettings(settings: Settings): Promise<void> {
  await api().storage.local.set({ [KEYS.settings]: serializeSettings(settings) });
}

/** Status and healthy apps land in one write, so no reader ever sees one without the other. */
export async function saveStatus(status: Status, healthy?: HealthyApps): Promise<void> {
  await api().storage.local.set(healthy ? { [KEYS.status]: status, [KEYS.healthy]: healthy } : { [KEYS.status]: status });
}

export type ChangedKeys = Set<string>;

export function onStoredChange(listener: (changed: ChangedKeys) => void): () => void {
  const handler = (changes: Record<string, unknown>, area: string) => {
    if (area === "local") listener(new Set(Object.keys(changes)));
  };
  api().storage.onChanged.addListener(handler);
  return () => api().storage.onChanged.removeListener(handler);
}
