import { accountLabel } from "../status/list-model.ts";
import { byOldestBreak } from "../api/records.ts";
import { claimFor, noteFor, teamDesk, type TeamDesk } from "../status/desk.ts";
import type { Status } from "../status/model.ts";
import { isMuted, teamMutes, type Mute } from "./mutes.ts";

/*
 * "Copy summary": a plain-text list of what needs re-authentication, to paste into a
 * ticket or a chat. Grouped by linked account, and by source first when there are several; apps
 * oldest break first. Muted apps are listed too, marked: they still need re-authentication, and
 * whoever reads the ticket needs the whole picture. For a relay source, who on the team is on a
 * break and the team's note on it follow its line. The structure is built here; the words come
 * from a SummaryFormat, which the i18n layer provides.
 */

export type SummaryLine =
  | { kind: "source"; label: string }
  /** What follows (of this source) is from its previous settings: not checked with the new ones yet. */
  | { kind: "previous" }
  | { kind: "account"; label: string }
  | { kind: "app"; name: string; since?: number; muted: boolean }
  /** Someone on the team is on the app (or account) above, since `since`. */
  | { kind: "claim"; member: string; since: number }
  /** The team's note on the app (or account) above. */
  | { kind: "note"; member: string; at: number; text: string };

export interface Summary {
  /** Apps listed, muted ones included. */
  count: number;
  /** Linked accounts listed. */
  accounts: number;
  /** Of `count`, the muted ones. */
  muted: number;
  lines: SummaryLine[];
}

export interface SummarySource {
  id: string;
  /** The source's name as the popup shows it. */
  label: string;
  status: Status;
  /** The results are of the source's settings before the last change (view-state.ts fromPreviousSettings). */
  previous?: boolean;
}

export function buildSummary(sources: readonly SummarySource[], personal: readonly Mute[], now: number): Summary {
  const summary: Summary = { count: 0, accounts: 0, muted: 0, lines: [] };
  for (const { id, label, status, previous } of sources) {
    const lines: SummaryLine[] = [];
    const mutes = [...personal, ...teamMutes(id, status)];
    const desk = teamDesk(status);
    for (const account of status.accounts) {
      if (account.reauth.length === 0) continue;
      summary.accounts++;
      lines.push({ kind: "account", label: accountLabel(account) });
      lines.push(...deskLines(desk, account.id, undefined));
      for (const app of [...account.reauth].sort(byOldestBreak)) {
        const muted = isMuted(mutes, { sourceId: id, accountId: account.id, slug: app.slug, since: app.since }, now);
        lines.push(app.since === undefined ? { kind: "app", name: app.name, muted } : { kind: "app", name: app.name, since: app.since, muted });
        lines.push(...deskLines(desk, account.id, app.slug));
        summary.count++;
        if (muted) summary.muted++;
      }
    }
    if (lines.length === 0) continue;
    if (sources.length > 1) summary.lines.push({ kind: "source", label });
    // Marked, as the popup marks them: whoever reads the ticket must not take them for current.
    if (previous === true) summary.lines.push({ kind: "previous" });
    summary.lines.push(...lines);
  }
  return summary;
}

/** Who is on exactly this break (an app's own claim, or its account's under the account) and its note. */
function deskLines(desk: TeamDesk | undefined, accountId: string, slug: string | undefined): SummaryLine[] {
  if (!desk) return [];
  const lines: SummaryLine[] = [];
  const claim = claimFor(desk, accountId, slug);
  if (claim && claim.slug === slug) lines.push({ kind: "claim", member: claim.member, since: claim.since });
  const note = noteFor(desk, accountId, slug);
  if (note) lines.push({ kind: "note", member: note.member, at: note.at, text: note.text });
  return lines;
}

/** The words of each kind of line; the layout (blank lines, indents, dashes) is renderSummary's. */
export interface SummaryFormat {
  header(summary: Summary): string;
  source(label: string): string;
  previous(): string;
  account(label: string): string;
  app(line: Extract<SummaryLine, { kind: "app" }>): string;
  claim(line: Extract<SummaryLine, { kind: "claim" }>): string;
  note(line: Extract<SummaryLine, { kind: "note" }>): string;
}

/** The plain text: the header, then each group after a blank line; empty when nothing is listed. */
export function renderSummary(summary: Summary, format: SummaryFormat): string {
  if (summary.count === 0) return "";
  const bySource = summary.lines.some((line) => line.kind === "source");
  const indent = bySource ? "  " : "";
  const out = [format.header(summary)];
  for (const line of summary.lines) {
    if (line.kind === "source") out.push("", format.source(line.label));
    else if (line.kind === "previous") out.push(...(bySource ? [] : [""]), indent + format.previous());
    else if (line.kind === "account") out.push(...(bySource ? [] : [""]), indent + format.account(line.label));
    else if (line.kind === "app") out.push(`${indent}- ${format.app(line)}`);
    else out.push(`${indent}  ${line.kind === "claim" ? format.claim(line) : format.note(line)}`);
  }
  return out.join("\n");
}
