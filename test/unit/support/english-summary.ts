import type { SummaryFormat } from "../../../src/core/alerts/copy-summary.ts";

/** An English rendering of the copy summary, for the tests (the extension renders through i18n). */
export const englishSummary: SummaryFormat = {
  header: ({ count, accounts }) => `${count} app${count === 1 ? "" : "s"} need${count === 1 ? "s" : ""} re-authentication in ${accounts} linked account${accounts === 1 ? "" : "s"}:`,
  source: (label) => `${label}:`,
  previous: () => "(from the previous settings, not checked with the new ones yet)",
  account: (label) => label,
  claim: ({ member }) => `on it: ${member}`,
  note: ({ member, text }) => `note (${member}): ${text}`,
  app: ({ name, since, muted }) => `${name}${since === undefined ? "" : ` (since ${new Date(since).toISOString().slice(0, 16).replace("T", " ")} UTC)`}${muted ? " [muted]" : ""}`,
};
