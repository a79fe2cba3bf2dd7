/*
 * Local time in an IANA time zone, from the runtime's Intl (Node and Workers both carry the time
 * zone database): the date and the wall clock at an instant, and the instant a wall-clock time
 * happens on a date, across daylight-saving changes. Pure: nothing here reads the clock.
 */

const DAY = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall clock at `at` in `timeZone`, as the instant it would be in UTC (whole seconds). */
export function wallClock(at: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatOf(timeZone).formatToParts(at)) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The local date at `at`: "2025-03-30". */
export function localDate(at: number, timeZone: string): string {
  return new Date(wallClock(at, timeZone)).toISOString().slice(0, 10);
}

/** Minutes since local midnight at `at`. */
export function localMinutes(at: number, timeZone: string): number {
  const wall = wallClock(at, timeZone);
  return Math.floor((wall - Math.floor(wall / DAY) * DAY) / 60_000);
}

/** "2025-03-31" for "2025-03-30" and 1. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split("-").map(Number);
  return new Date(Date.UTC(year!, month! - 1, day! + days)).toISOString().slice(0, 10);
}

/**
 * The first instant of local date `date` at which the clock in `timeZone` reads `minutes` after
 * midnight or later. On a day the clocks go forward past that time (02:30 in Berlin on the last
 * Sunday of March) that is the moment they jump (03:00 local); on a day they go back and the time
 * comes twice, the first time.
 */
export function instantAt(date: string, minutes: number, timeZone: string): number {
  const [year, month, day] = date.split("-").map(Number);
  const wanted = Date.UTC(year!, month! - 1, day!, 0, minutes);
  // The offsets in force around that day; a day has at most one change.
  const candidates = [...new Set([wanted - DAY, wanted, wanted + DAY].map((probe) => wanted - (wallClock(probe, timeZone) - probe)))].sort((a, b) => a - b);
  const exact = candidates.find((at) => wallClock(at, timeZone) === wanted);
  if (exact !== undefined) return exact;
  // In a gap: the clock jumps over `wanted` between the earliest and latest candidate.
  let low = candidates[0]!;
  let high = candidates[candidates.length - 1]!;
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (wallClock(middle, timeZone) >= wanted) high = middle;
    else low = middle;
  }
  return high;
}

/** "2025-03-30 14:02" in `timeZone`. */
export function localText(at: number, timeZone: string): string {
  return new Date(wallClock(at, timeZone)).toISOString().slice(0, 16).replace("T", " ");
}
