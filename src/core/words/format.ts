import type { Translator } from "../i18n/translator.ts";

/** Times and durations in words, in the translator's language; shared by the badge, the popup and the options page. */

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function ago(t: Translator, then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return t.msg("timeJustNow");
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return t.relative(-minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (hours < 48) return t.relative(-hours, "hour");
  return t.relative(-Math.round(hours / 24), "day");
}

/**
 * "at 14:02", or "on Jun 30 at 23:55" for another day: unlike "5 minutes ago" it stays true
 * while nothing re-renders it (the badge title between alarms).
 */
export function clockMoment(t: Translator, at: number, now: number): string {
  const time = t.time(at);
  if (new Date(at).toDateString() === new Date(now).toDateString()) return t.msg("momentToday", { time });
  return t.msg("momentOtherDay", { date: t.date(at), time });
}

/** "30 seconds", "12 minutes", "1.5 hours". */
export function duration(t: Translator, ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return t.quantity(Math.max(1, seconds), "second");
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? t.quantity(minutes, "minute") : t.quantity(minutes / 60, "hour", 1);
}
