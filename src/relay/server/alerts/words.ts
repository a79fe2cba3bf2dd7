import { localText } from "./clock.ts";
import type { AlertMessage, BreakRef, FixRef, SourceRef } from "./messages.ts";

/*
 * A message in words, in English (the relay's language, as its log and command line), as parts
 * each channel lays out in its own format: a title, a one-line summary (Slack's notification
 * text, an email's subject), labelled fields, a note and a list. Names are Cobalt's text, put in
 * as they are: each channel escapes them for its format. Times are instants, worded by the channel
 * (Slack shows each reader their own time zone).
 */

export interface Field {
  label: string;
  value: string;
  /** A time the value stands for, when it is one (shown by Slack in the reader's time zone). */
  at?: number;
}

export interface Worded {
  title: string;
  summary: string;
  fields: Field[];
  note?: string;
  list?: string[];
  /** How many more the list leaves out. */
  more?: number;
}

export function customer(item: Pick<BreakRef, "accountId" | "accountName">): string {
  return item.accountName && item.accountName !== item.accountId ? `${item.accountName} (${item.accountId})` : item.accountId;
}

export function sourceText(source: SourceRef): string {
  return source.environment === "unknown" ? source.label : `${source.label}, ${source.environment} environment`;
}

/** "3 h 12 min", "2 days 4 h", "under a minute". */
export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  const unit = days === 1 ? "day" : "days";
  return hours % 24 === 0 ? `${days} ${unit}` : `${days} ${unit} ${hours % 24} h`;
}

export const dayText = (days: number) => (days === 1 ? "1 day" : `${days} days`);

export function timeText(at: number, timeZone: string): string {
  return `${localText(at, timeZone)} ${timeZone === "UTC" ? "UTC" : `(${timeZone})`}`;
}

const SUMMARY_NOTE = "Many at once often means a connector changed or its OAuth app expired: look at that first.";

export function word(message: AlertMessage, timeZone: string): Worded {
  switch (message.type) {
    case "break":
      return breakWords(message.source, message.item, timeZone);
    case "breaks":
      return {
        title: `${message.count} apps need re-authentication`,
        summary: `${message.count} apps need re-authentication in ${message.source.label}`,
        fields: [{ label: "Source", value: sourceText(message.source) }, { label: "Apps", value: message.apps.map((app) => `${app.app} ×${app.count}`).join(", ") }],
        note: SUMMARY_NOTE,
        ...listOf(message.items.map((item) => `${customer(item)}: ${item.app}, since ${timeText(item.since, timeZone)}`), message.count),
      };
    case "fixed":
      return fixWords(message.source, message.item);
    case "fixes":
      return {
        title: `${message.count} apps work again`,
        summary: `${message.count} apps no longer need re-authentication in ${message.source.label}`,
        fields: [{ label: "Source", value: sourceText(message.source) }],
        ...listOf(message.items.map((item) => `${customer(item)}: ${item.app}, broken for ${duration(item.fixedAt - item.since)}`), message.count),
      };
    case "reminder":
      return reminderWords(message.source, message.item, message.days, timeZone);
    case "reminders":
      return {
        title: `${message.count} apps still need re-authentication`,
        summary: `Reminder: ${message.count} apps still need re-authentication in ${message.source.label}`,
        fields: [{ label: "Source", value: sourceText(message.source) }],
        ...listOf(message.items.map((item) => `${customer(item)}: ${item.app}, for ${dayText(item.days)} (since ${timeText(item.since, timeZone)})`), message.count),
      };
    case "digest":
      return digestWords(message, timeZone);
    case "trouble":
      return troubleWords(message, timeZone);
    case "recovered":
      return {
        title: `The relay checks Cobalt again for ${message.source.label}`,
        summary: `The relay checks Cobalt again for ${message.source.label}`,
        fields: [{ label: "Source", value: sourceText(message.source) }, { label: "Trouble since", value: timeText(message.since, timeZone), at: message.since }, { label: "For", value: duration(message.at - message.since) }],
      };
  }
}

function breakWords(source: SourceRef, item: BreakRef, timeZone: string): Worded {
  const fields: Field[] = [
    { label: "Customer", value: customer(item) },
    { label: "App", value: item.app },
    { label: "Source", value: sourceText(source) },
    { label: "Since", value: timeText(item.since, timeZone), at: item.since },
  ];
  if (item.claimedBy) fields.push({ label: "On it", value: item.claimedBy });
  return { title: `${item.app} needs re-authentication`, summary: `${customer(item)}: ${item.app} needs re-authentication (${source.label})`, fields };
}

function fixWords(source: SourceRef, item: FixRef): Worded {
  const fields: Field[] = [
    { label: "Customer", value: customer(item) },
    { label: "App", value: item.app },
    { label: "Source", value: sourceText(source) },
    { label: "Broken for", value: duration(item.fixedAt - item.since) },
  ];
  if (item.claimedBy) fields.push({ label: "Who was on it", value: item.claimedBy });
  if (item.removed) return { title: `${item.app}: linked account gone`, summary: `${customer(item)} is no longer in Cobalt: ${item.app} is off the list (${source.label})`, fields };
  return { title: `${item.app} works again`, summary: `${customer(item)}: ${item.app} no longer needs re-authentication (${source.label})`, fields };
}

function reminderWords(source: SourceRef, item: BreakRef, days: number, timeZone: string): Worded {
  const fields: Field[] = [
    { label: "Customer", value: customer(item) },
    { label: "App", value: item.app },
    { label: "Source", value: sourceText(source) },
    { label: "Since", value: timeText(item.since, timeZone), at: item.since },
    { label: "On it", value: item.claimedBy ?? "nobody yet" },
  ];
  return { title: `Still broken after ${dayText(days)}: ${item.app}`, summary: `Reminder: ${customer(item)}: ${item.app} still needs re-authentication after ${dayText(days)} (${source.label})`, fields };
}

function digestWords(message: Extract<AlertMessage, { type: "digest" }>, timeZone: string): Worded {
  if (message.count === 0) return { title: "Daily digest: nothing needs re-authentication", summary: "Daily digest: nothing needs re-authentication", fields: [] };
  const fields: Field[] = [
    { label: "Need re-authentication", value: String(message.count) },
    { label: "Nobody on it", value: String(message.unclaimed) },
  ];
  if (message.muted > 0) fields.push({ label: "Muted", value: String(message.muted) });
  const { oldest } = message;
  if (oldest) fields.push({ label: "Oldest", value: `${customer(oldest)}: ${oldest.app} (${oldest.source.label}), since ${timeText(oldest.since, timeZone)}`, at: oldest.since });
  const apps = message.count === 1 ? "1 app needs" : `${message.count} apps need`;
  return {
    title: `Daily digest: ${apps} re-authentication`,
    summary: `Daily digest for ${message.date}: ${apps} re-authentication, ${message.unclaimed} with nobody on it`,
    fields,
    ...listOf(message.items.map((item) => `${customer(item)}: ${item.app} (${item.source.label}), since ${timeText(item.since, timeZone)}`), message.unclaimed),
  };
}

function troubleWords(message: Extract<AlertMessage, { type: "trouble" }>, timeZone: string): Worded {
  const fields: Field[] = [{ label: "Source", value: sourceText(message.source) }, { label: "Since", value: timeText(message.since, timeZone), at: message.since }, { label: "Failure", value: message.errorKind }];
  if (message.problem === "key-rejected") {
    return {
      title: `Cobalt rejects the relay's API key for ${message.source.label}`,
      summary: `Cobalt rejects the relay's API key for ${message.source.label}: members see the last status until it is fixed`,
      fields,
      note: "Check the key's access in Cobalt (or give the relay a new key), then ask the relay to check again: npm run relay -- check --relay <relay URL>.",
    };
  }
  return {
    title: `The relay cannot check Cobalt for ${message.source.label}`,
    summary: `The relay cannot check Cobalt for ${message.source.label}: members see the last status`,
    fields,
    note: "The relay keeps trying on its own and says so when it works again.",
  };
}

function listOf(lines: string[], total: number): { list: string[]; more?: number } {
  return total > lines.length ? { list: lines, more: total - lines.length } : { list: lines };
}
