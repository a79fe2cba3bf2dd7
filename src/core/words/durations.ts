import type { Translator } from "../i18n/translator.ts";
import type { SummaryFormat } from "../alerts/copy-summary.ts";

/*
 * The alerts' words in the pages, from the catalogs in the translator's language:
 * since when an app is broken, the time a mute has left, and the copied summary's lines.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** An amount of time in the unit that reads best: minutes under an hour, hours under two days, then days. */
export function duration(t: Translator, ms: number, round: (n: number) => number): string {
  const minutes = Math.max(1, round(ms / MINUTE));
  if (minutes < 60) return t.quantity(minutes, "minute");
  const hours = round(ms / HOUR);
  if (hours < 48) return t.quantity(hours, "hour");
  return t.quantity(round(ms / (24 * HOUR)), "day");
}

/** "broken for 3 hours": how long it has been broken, whole units passed. */
export function sinceText(t: Translator, since: number, now: number): string {
  return t.msg("rowSince", { age: duration(t, Math.max(0, now - since), Math.floor) });
}

/** The full moment, for the tooltip: "Needs re-authentication since Jun 30, 14:02". */
export function sinceTitle(t: Translator, since: number): string {
  return t.msg("rowSinceTitle", { date: t.date(since), time: t.time(since) });
}

/** "59 minutes left", never less than it is. */
export function timeLeftText(t: Translator, ms: number): string {
  return t.msg("mutedLeft", { left: duration(t, ms, Math.ceil) });
}

/** The copied summary's words (core/alerts/copy-summary.ts lays them out). */
export function summaryFormat(t: Translator): SummaryFormat {
  return {
    header: ({ count, accounts, muted }) => {
      const header = t.plural("summaryTextHeader", count, { in: t.plural("countAccountsIn", accounts) });
      return muted === 0 ? header : t.msg("summaryTextMuted", { header, muted });
    },
    source: (source) => t.msg("summaryTextSource", { source }),
    previous: () => t.msg("summaryTextPrevious"),
    account: (account) => t.msg("summaryTextAccount", { account }),
    app: ({ name, since, muted }) => {
      if (since === undefined) return muted ? t.msg("summaryTextAppMutedNoSince", { app: name }) : name;
      const moment = { app: name, date: t.date(since), time: t.time(since) };
      return t.msg(muted ? "summaryTextAppMuted" : "summaryTextApp", moment);
    },
    claim: ({ member, since }) => t.msg("summaryTextClaim", { who: member, date: t.date(since), time: t.time(since) }),
    note: ({ member, at, text }) => t.msg("summaryTextNote", { who: member, date: t.date(at), time: t.time(at), text }),
  };
}
