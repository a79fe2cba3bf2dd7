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

/** "14:02" today, "Jun 30, 14:02" another day: what a team desk's lines say (since when, until when). */
export function shortMoment(t: Translator, at: number, now: number): string {
  const time = t.time(at);
  return new Date(at).toDateString() === new Date(now).toDateString() ? time : t.msg("deskDateTime", { date: t.date(at), time });
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

function sameDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

/*
 * The end of a wait, said with its clock time, and with its date too when it ends on another day
 * than `now` (a wait that crosses midnight): a clock time alone would read as a time today.
 */

/** The Refresh button while a rate limit holds it back: "Refresh at 23:50", "Refresh on Jul 1 at 00:15". */
export function refreshAtText(t: Translator, at: number, now: number): string {
  return sameDay(at, now) ? t.msg("popupRefreshAt", { time: t.time(at) }) : t.msg("popupRefreshOn", { date: t.date(at), time: t.time(at) });
}

/** Under a failure: "Next try at 23:50.", "Next try on Jul 1 at 00:15." */
export function nextTryText(t: Translator, at: number, now: number): string {
  return sameDay(at, now) ? t.msg("bannerNextTry", { time: t.time(at) }) : t.msg("bannerNextTryOn", { date: t.date(at), time: t.time(at) });
}

/** A relay that Cobalt limits asks again at `at`; said against `since`, when Cobalt answered. */
export function relayAsksAgainText(t: Translator, at: number, since: number): string {
  return sameDay(at, since)
    ? t.msg("errorRelayRateLimitedUntil", { time: t.time(at) })
    : t.msg("errorRelayRateLimitedUntilOn", { date: t.date(at), time: t.time(at) });
}

/** The relay asked this browser to wait until `at`; said against `since`, when it answered. */
export function relayWaitText(t: Translator, at: number, since: number): string {
  return sameDay(at, since) ? t.msg("errorRelayTooManyUntil", { time: t.time(at) }) : t.msg("errorRelayTooManyUntilOn", { date: t.date(at), time: t.time(at) });
}

/** "30 seconds", "12 minutes", "1.5 hours". */
export function duration(t: Translator, ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return t.quantity(Math.max(1, seconds), "second");
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? t.quantity(minutes, "minute") : t.quantity(minutes / 60, "hour", 1);
}
