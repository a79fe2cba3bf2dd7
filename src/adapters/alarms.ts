import { api } from "./browser.ts";
import { alarmName, planAlarms } from "../core/check/schedule.ts";
import { exclusive } from "./locks.ts";
import { loadSettings } from "./storage.ts";
import type { SourceId } from "../core/settings/source-ids.ts";

/**
 * Makes the alarms match the sources stored now: each source's repeating check alarm at its
 * interval, none for a removed source (nor the single-source layout's). Called on every start and
 * settings change. The plans take turns, each reading the settings when its turn comes: a plan
 * made from older settings could otherwise clear the alarm a newer one had just made (a start
 * while the organisation's policy adds a relay, two saves close together).
 */
export function ensureCheckAlarms(): Promise<void> {
  return exclusive("alarms", async () => {
    const { sources } = await loadSettings();
    const plan = planAlarms(sources, await api().alarms.getAll());
    await Promise.all([
      ...plan.clear.map((name) => api().alarms.clear(name)),
      ...plan.create.map(({ name, periodInMinutes }) => api().alarms.create(name, { periodInMinutes, delayInMinutes: periodInMinutes })),
    ]);
  });
}

export async function nextCheckAt(source: SourceId): Promise<number | undefined> {
  return (await api().alarms.get(alarmName("check", source)))?.scheduledTime;
}

export async function scheduleRetry(source: SourceId, at: number | undefined): Promise<void> {
  const name = alarmName("retry", source);
  if (at === undefined) await api().alarms.clear(name);
  else await api().alarms.create(name, { when: at });
}

/** A removed source's alarms (an alarm set by its last check may outlive its removal). */
export async function clearSourceAlarms(source: SourceId): Promise<void> {
  await Promise.all([api().alarms.clear(alarmName("check", source)), api().alarms.clear(alarmName("retry", source))]);
}
