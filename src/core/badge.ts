import { APP_NAME, COUNT_COLOR, FAILURE_BADGE, STALE_COUNT_COLOR, type Rgb } from "./badge-table.ts";
import type { ErrorKind } from "./api/errors.ts";
import { clockMoment, plural } from "./format.ts";
import type { CheckSettings, Settings, Source, SourceId } from "./settings.ts";
import { environmentLabel, sourceNames } from "./sources.ts";
import { accountsNeedingReauth, EMPTY_STATUS, failedAccounts, reauthCount, type Status } from "./status.ts";
import { currentError, fromPreviousSettings } from "./view-state.ts";

export interface BadgeState {
  text: string;
  color: Rgb;
  title: string;
}

export function countText(count: number): string {
  if (count <= 0) return "";
  return count > 99 ? "99+" : String(count);
}

/** What one source says on the badge, and what it adds to a badge shared with other sources. */
interface SourcePart {
  text: string;
  color: Rgb;
  /** The tooltip's words for this source, without the extension's name. */
  body: string;
  /** Apps needing re-authentication this source counts toward the total (last known ones too). */
  count: number;
  /** A failure of this source's whole check that applies now. */
  failure?: ErrorKind;
  /** Its results are not in yet (first check, or a check of changed settings). */
  pending: boolean;
}

/**
 * The badge with several sources: the count across all of them; a failing source neither hides
 * the others' count nor goes unsaid: the count takes the failure's colour, and the tooltip says
 * which source failed, with a line per source. With one source it is that source's badge.
 */
export function badgeFor(settings: Settings, statuses: Readonly<Record<SourceId, Status>>, now: number): BadgeState {
  const { sources } = settings;
  if (sources.length === 1) return sourceBadge(sources[0]!, statuses[sources[0]!.id] ?? EMPTY_STATUS, now);
  const names = sourceNames(sources);
  const parts = sources.map((source) => ({ source, name: names.get(source.id)!, part: sourcePart(source, statuses[source.id] ?? EMPTY_STATUS, now) }));
  const total = parts.reduce((sum, { part }) => sum + part.count, 0);
  const failing = parts.filter(({ part }) => part.failure !== undefined);
  const pending = parts.some(({ part }) => part.pending);
  const first = failing[0]?.part;
  const text = total > 0 ? countText(total) : (first?.text ?? (pending ? "…" : ""));
  const color = first ? first.color : total > 0 || !pending ? COUNT_COLOR : STALE_COUNT_COLOR;
  const counted = total === 0 ? "No apps need re-authentication" : `${plural(total, "app")} need${total === 1 ? "s" : ""} re-authentication`;
  const failed = failing.length === 0 ? "" : `; ${failing.map(({ name }) => `"${name}"`).join(", ")} could not be checked`;
  const lines = parts.map(({ source, name, part }) => `${sourceHeading(source, name)}: ${part.body}`);
  return { text, color, title: `${APP_NAME}: ${counted} across ${plural(sources.length, "source")}${failed}.\n${lines.join("\n")}` };
}

/** "Staging (test environment)"; a name made from the environment already says it. */
function sourceHeading(source: Source, name: string): string {
  return source.label.trim() === "" ? name : `${name} (${environmentLabel(source)})`;
}

/** The badge of one source: a pure function of its settings, its stored status and the time. */
export function sourceBadge(settings: CheckSettings, status: Status, now: number): BadgeState {
  const part = sourcePart(settings, status, now);
  return { text: part.text, color: part.color, title: `${APP_NAME}: ${part.body}` };
}

function sourcePart(settings: CheckSettings, status: Status, now: number): SourcePart {
  const error = currentError(settings, status);
  const hasData = status.checkedAt !== undefined && status.source !== "";
  const count = reauthCount(status);
  const accounts = accountsNeedingReauth(status);
  const countPhrase =
    count === 0
      ? "No apps need re-authentication"
      : `${plural(count, "app")} need${count === 1 ? "s" : ""} re-authentication across ${plural(accounts, "linked account")}`;
  // A clock time, not "N minutes ago": the title is rendered only now and then, and must stay true.
  const checked = status.checkedAt === undefined ? "" : ` (checked ${clockMoment(status.checkedAt, now)})`;

  if (error) {
    const row = FAILURE_BADGE[error.kind];
    // "Not set up" has several causes (no key, no linked accounts); the message names this one.
    const detail = error.kind === "not-set-up" ? ` ${error.message}` : "";
    const body = `${row.title}.${detail}${hasData ? ` Last known: ${countPhrase}${checked}.` : ""}`;
    const known = hasData ? count : 0;
    if (row.keepsCount && known > 0) return { text: countText(count), color: STALE_COUNT_COLOR, body, count: known, failure: error.kind, pending: false };
    return { text: row.text, color: row.color, body, count: known, failure: error.kind, pending: false };
  }
  if (fromPreviousSettings(settings, status)) {
    // The count (and any failure) belongs to the settings before the change: not shown as current.
    return { text: "…", color: STALE_COUNT_COLOR, body: "checking the new settings. The last results were for the previous settings.", count: 0, pending: true };
  }
  if (!hasData) return { text: "…", color: STALE_COUNT_COLOR, body: "checking for the first time.", count: 0, pending: true };
  const failed = failedAccounts(status);
  if (failed.length > 0) {
    const row = FAILURE_BADGE[failed[0]!.error!.kind];
    const body = `${countPhrase}${checked}. ${plural(failed.length, "linked account")} could not be checked (${row.title.toLowerCase()}).`;
    return { text: count > 0 ? countText(count) : row.text, color: count > 0 ? COUNT_COLOR : row.color, body, count, pending: false };
  }
  if (count === 0) return { text: "", color: COUNT_COLOR, body: `all connected apps are healthy${checked}.`, count, pending: false };
  return { text: countText(count), color: COUNT_COLOR, body: `${countPhrase}${checked}.`, count, pending: false };
}
