import { api } from "./browser.ts";
import { ALARM_NAME, RETRY_ALARM_NAME } from "../core/schedule.ts";

/** Makes sure the repeating check alarm exists with the wanted period; called on every start. */
export async function ensureCheckAlarm(intervalMinutes: number): Promise<void> {
  const alarm = await api().alarms.get(ALARM_NAME);
  if (alarm && alarm.periodInMinutes === intervalMinutes) return;
  await api().alarms.create(ALARM_NAME, { periodInMinutes: intervalMinutes, delayInMinutes: intervalMinutes });
}

export async function nextCheckAt(): Promise<number | undefined> {
  return (await api().alarms.get(ALARM_NAME))?.scheduledTime;
}

export async function scheduleRetry(at: number | undefined): Promise<void> {
  if (at === undefined) await api().alarms.clear(RETRY_ALARM_NAME);
  else await api().alarms.create(RETRY_ALARM_NAME, { when: at });
}
