/** Text helpers shared by the badge title, the popup and the options page. */

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}

export function ago(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${plural(minutes, "minute")} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${plural(hours, "hour")} ago`;
  return `${plural(Math.round(hours / 24), "day")} ago`;
}

export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/**
 * "at 14:02", or "on Jun 30 at 23:55" for another day: unlike "5 minutes ago" it stays true
 * while nothing re-renders it (the badge title between alarms).
 */
export function clockMoment(at: number, now: number): string {
  const then = new Date(at);
  if (then.toDateString() === new Date(now).toDateString()) return `at ${clockTime(at)}`;
  return `on ${then.toLocaleDateString([], { month: "short", day: "numeric" })} at ${clockTime(at)}`;
}

export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return plural(Math.max(1, seconds), "second");
  const minutes = Math.round(seconds / 60);
  return minutes < 90 ? plural(minutes, "minute") : `${(minutes / 60).toFixed(1)} hours`;
}
