import { browser } from "./browser.ts";
import { ALARM_NAME, RETRY_ALARM_NAME } from "../core/schedule.ts";

/** Makes sure the repeating check alarm exists with the wanted period; called on every start. */
export async function ensureCheckAlarm(intervalMinutes: number): Promise<void> {
  const alarm = await browser.alarms.get(ALARM_NAME);
  if (alarm && alarm.periodInMinutes === intervalMinutes) return;
  await browser.alarms.create(ALARM_NAME, { periodInMinutes: intervalMinutes, delayInMinutes: intervalMinutes });
}

export async function nextCheckAt(): Promise<number | undefined> {
  return (await browser.alarms.get(ALARM_NAME))?.scheduledTime;
}

export async function scheduleRetry(at: number | undefined): Promise<void> {
  if (at === undefined) await browser.alarms.clear(RETRY_ALARM_NAME);
  else await browser.alarms.create(RETRY_ALARM_NAME, { when: at });
}
