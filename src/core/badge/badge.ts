import { splitMuted, withTeamMutes, type Mute } from "../alerts/mutes.ts";
import { handledBy, teamDesk } from "../status/desk.ts";
import { COUNT_COLOR, FAILURE_BADGE, STALE_COUNT_COLOR, type Rgb } from "./table.ts";
import type { ErrorKind } from "../api/errors.ts";
import { environmentLabel } from "../words/environment.ts";
import { errorDetail, errorTitle, errorTitleSentence } from "../words/error-text.ts";
import { clockMoment } from "../words/format.ts";
import type { Translator } from "../i18n/translator.ts";
import { isRelay, type Settings, type Source, type Watched } from "../settings/model.ts";
import type { SourceId } from "../settings/source-ids.ts";
import { sourceNames } from "../words/names.ts";
import { accountsNeedingReauth, EMPTY_STATUS, failedAccounts, reauthCount, type Status } from "../status/model.ts";
import { currentError, fromPreviousSettings } from "../status/view-state.ts";

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
 * The badge, worded in `t`'s language. With several sources: the count across all of them; a
 * failing source neither hides the others' count nor goes unsaid: the count takes the failure's
 * colour, and the tooltip says which source failed, with a line per source. With one source it
 * is that source's badge. Muted apps (the user's own, and a relay's team mutes) are not counted;
 * the tooltip says how many. A relay source's tooltip says how many apps teammates are on, and by
 * whom; with its option on, those are not counted either.
 */
export function badgeFor(settings: Settings, statuses: Readonly<Record<SourceId, Status>>, now: number, t: Translator, personal: readonly Mute[] = []): BadgeState {
  const { sources } = settings;
  const mutes = withTeamMutes(personal, statuses);
  const unmuted = (source: Source) => withoutMuted(source, statuses[source.id] ?? EMPTY_STATUS, mutes, now);
  if (sources.length === 1) {
    const { status, muted, desk } = unmuted(sources[0]!);
    const part = sourcePart(sources[0]!, status, now, t, muted, desk);
    return { text: part.text, color: part.color, title: titled(t, part.body) };
  }
  const names = sourceNames(t, sources);
  const parts = sources.map((source) => {
    const { status, muted, desk } = unmuted(source);
    return { source, name: names.get(source.id)!, part: sourcePart(source, status, now, t, muted, desk) };
  });
  const total = parts.reduce((sum, { part }) => sum + part.count, 0);
  const failing = parts.filter(({ part }) => part.failure !== undefined);
  const pending = parts.some(({ part }) => part.pending);
  const first = failing[0]?.part;
  const text = total > 0 ? countText(total) : (first?.text ?? (pending ? "…" : ""));
  const color = first ? first.color : total > 0 || !pending ? COUNT_COLOR : STALE_COUNT_COLOR;
  const across = t.plural("countSourcesAcross", sources.length);
  const counted = total === 0 ? t.msg("badgeSourcesNone", { across }) : t.plural("badgeSourcesCount", total, { across });
  const summary =
    failing.length === 0
      ? t.msg("badgeSourcesSummary", { counted })
      : t.msg("badgeSourcesSummaryFailed", { counted, names: listOf(t, failing.map(({ name }) => t.msg("quoted", { text: name }))) });
  const lines = parts.map(({ source, name, part }) => t.msg("badgeSourceLine", { heading: sourceHeading(t, source, name), body: part.body }));
  return { text, color, title: titled(t, [summary, ...lines].join("\n")) };
}

/** "Staging (test environment)"; a name made from the environment already says it. */
function sourceHeading(t: Translator, source: Source, name: string): string {
  return source.label.trim() === "" ? name : t.msg("sourceHeadingWithEnvironment", { name, environment: environmentLabel(t, source) });
}

/** "A, B and C" in the language's own way. */
function listOf(t: Translator, items: string[]): string {
  return new Intl.ListFormat(t.language, { type: "conjunction" }).format(items);
}

function titled(t: Translator, text: string): string {
  return t.msg("badgeTitle", { app: t.msg("appName"), text });
}

/** What the tooltip adds about a relay source's desk: how many apps teammates are on, by whom, and whether the count leaves them out. */
interface DeskPart {
  handled: ReturnType<typeof handledBy>;
  you: string | undefined;
  leftOut: boolean;
}

/**
 * A source's results as the badge counts them: without its muted apps (and how many those are);
 * for a relay source, how many of the rest teammates are on (which its option leaves out).
 */
function withoutMuted(source: Source, status: Status, mutes: readonly Mute[], now: number): { status: Status; muted: number; desk?: DeskPart } {
  const split = mutes.length === 0 ? { counted: status.accounts, muted: [] } : splitMuted(source.id, status, mutes, now);
  const unmuted = split.muted.length === 0 ? status : { ...status, accounts: split.counted };
  const desk = isRelay(source) ? teamDesk(status) : undefined;
  if (!desk || !isRelay(source)) return { status: unmuted, muted: split.muted.length };
  const handled = handledBy(desk, unmuted.accounts);
  return { status: unmuted, muted: split.muted.length, desk: { handled, you: status.relay?.member, leftOut: source.badgeUnclaimedOnly === true && handled.total > 0 } };
}

/** One source's part, with a word on the muted apps it leaves out, and on those teammates are on. */
function sourcePart(settings: Watched, status: Status, now: number, t: Translator, muted = 0, desk?: DeskPart): SourcePart {
  let part = unmutedPart(settings, status, now, t);
  // Left out of the count the badge shows (not of the tooltip's words, which say how many there are).
  if (desk?.leftOut && part.count > 0 && part.text === countText(part.count)) {
    const count = Math.max(0, part.count - desk.handled.total);
    part = { ...part, count, text: countText(count) };
  }
  const then = (body: string, second: string) => t.msg("joinSentences", { first: body, second });
  let body = muted === 0 ? part.body : then(part.body, t.plural("badgeMuted", muted));
  if (desk && desk.handled.total > 0) {
    const who = listOf(t, desk.handled.members.map(({ member, count }) => t.msg("deskWhoCount", { name: member === desk.you ? t.msg("deskYou") : member, count })));
    body = then(body, t.plural(desk.leftOut ? "badgeHandledNotCounted" : "badgeHandled", desk.handled.total, { who }));
  }
  return body === part.body ? part : { ...part, body };
}

function unmutedPart(settings: Watched, status: Status, now: number, t: Translator): SourcePart {
  const error = currentError(settings, status);
  const hasData = status.checkedAt !== undefined && status.source !== "";
  const count = reauthCount(status);
  const then = (first: string, second: string) => t.msg("joinSentences", { first, second });
  const summary = count === 0 ? t.msg("badgeCountNone") : t.plural("badgeCount", count, { across: t.plural("countAccountsAcross", accountsNeedingReauth(status)) });
  // A clock time, not "N minutes ago": the title is rendered only now and then, and must stay true.
  const checked = status.checkedAt === undefined ? "" : t.msg("badgeChecked", { when: clockMoment(t, status.checkedAt, now) });

  if (error) {
    const row = FAILURE_BADGE[error.kind];
    let body = errorTitleSentence(t, error.kind);
    // "Not set up" has several causes (no key, no linked accounts): the detail names this one.
    const detail = error.kind === "not-set-up" ? errorDetail(t, error) : "";
    if (detail !== "") body = then(body, detail);
    if (hasData) body = then(body, t.msg("badgeLastKnown", { summary, checked }));
    const known = hasData ? count : 0;
    if (row.keepsCount && known > 0) return { text: countText(count), color: STALE_COUNT_COLOR, body, count: known, failure: error.kind, pending: false };
    return { text: row.text, color: row.color, body, count: known, failure: error.kind, pending: false };
  }
  if (fromPreviousSettings(settings, status)) {
    // The count (and any failure) belongs to the settings before the change: not shown as current.
    return { text: "…", color: STALE_COUNT_COLOR, body: t.msg("badgeCheckingNewSettings"), count: 0, pending: true };
  }
  if (!hasData) return { text: "…", color: STALE_COUNT_COLOR, body: t.msg("badgeCheckingFirstTime"), count: 0, pending: true };
  const failed = failedAccounts(status);
  if (failed.length > 0) {
    const row = FAILURE_BADGE[failed[0]!.error!.kind];
    const accounts = t.msg("badgeAccountsFailed", { failed: t.plural("countAccountsNotChecked", failed.length), why: errorTitle(t, failed[0]!.error!.kind) });
    const body = then(t.msg("badgeSummaryChecked", { summary, checked }), accounts);
    return { text: count > 0 ? countText(count) : row.text, color: count > 0 ? COUNT_COLOR : row.color, body, count, pending: false };
  }
  // A working key without linked accounts is not "all healthy": there is nothing to be healthy yet.
  // A relay's compact status may list none while it counts healthy ones.
  if (status.accounts.length === 0 && (status.relay?.unlisted?.accounts ?? 0) === 0) return { text: "", color: COUNT_COLOR, body: t.msg("badgeNoAccounts", { checked }), count, pending: false };
  if (count === 0) return { text: "", color: COUNT_COLOR, body: t.msg("badgeHealthy", { checked }), count, pending: false };
  return { text: countText(count), color: COUNT_COLOR, body: t.msg("badgeSummaryChecked", { summary, checked }), count, pending: false };
}
