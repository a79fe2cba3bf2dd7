import { ERROR_KINDS, type ErrorKind } from "../api/errors.ts";
import { accountLabel } from "../status/list-model.ts";
import { listsOnlyAttention, type AccountStatus, type Status } from "../status/model.ts";
import { z } from "../kit/zod.ts";

/*
 * Which apps NEWLY need re-authentication after a check of one source, for notifications.
 *
 * A break is identified by (source, linked account, slug, since): since (core/check/since.ts) is
 * carried while the app stays broken and is new when it breaks again after being seen healthy.
 * An app is a new break when, all at once:
 * - the previous results are a real baseline (hasBaseline): results of these same settings from
 *   a check that succeeded. Not the first check after install, nor the first after the key, base
 *   URL or linked accounts changed: that check is summarised in the popup, not notified;
 * - its linked account was known and fetched successfully before (checkedAt set): an account seen
 *   for the first time has no baseline either (one a relay's compact status left out was known,
 *   and healthy);
 * - the previous results did not list it as broken: so not after a restart, a sleep or a worker
 *   restart (the results are stored), nor when an account recovers from a failure (it kept its
 *   last data, broken apps included);
 * - it was not already announced (the notified record, below), whatever the previous results say.
 * Each source is judged on its own results alone: a change to another source changes nothing here.
 */

export interface BrokenApp {
  sourceId: string;
  accountId: string;
  /** The linked account as the list names it. */
  account: string;
  slug: string;
  name: string;
  since?: number;
}

export interface BreakInput {
  sourceId: string;
  previous: Status;
  next: Status;
  /** Whether `previous` is a real baseline: see hasBaseline. */
  baseline: boolean;
  notified: Notified;
}

/** Results of the current settings (`currentSource`: sourceKey of them) from a check that succeeded. */
export function hasBaseline(previous: Status, currentSource: string): boolean {
  return previous.source === currentSource && previous.checkedAt !== undefined;
}

export function newBreaks({ sourceId, previous, next, baseline, notified }: BreakInput): BrokenApp[] {
  if (!baseline) return [];
  const before = new Map(previous.accounts.map((account) => [account.id, account]));
  const announced = new Set(notified.breaks.filter((b) => b.sourceId === sourceId).map(breakId));
  // A relay's compact status leaves out the accounts that were healthy: one missing was healthy then.
  const healthyBefore: Pick<AccountStatus, "checkedAt" | "reauth"> | undefined = listsOnlyAttention(previous) ? { checkedAt: previous.checkedAt, reauth: [] } : undefined;
  const found: BrokenApp[] = [];
  for (const account of next.accounts) {
    const was = before.get(account.id) ?? healthyBefore;
    if (was?.checkedAt === undefined) continue;
    for (const app of account.reauth) {
      if (was.reauth.some((old) => old.slug === app.slug)) continue;
      if (announced.has(breakId({ sourceId, accountId: account.id, slug: app.slug, since: app.since }))) continue;
      const broken: BrokenApp = { sourceId, accountId: account.id, account: accountLabel(account), slug: app.slug, name: app.name };
      if (app.since !== undefined) broken.since = app.since;
      found.push(broken);
    }
  }
  return found;
}

/*
 * The notified record (stored under `notified`): the breaks a notification announced, and the
 * failures, one per source, announced for their current episode; each with the id of its
 * notification, to clear it when the break is fixed or the failure ends. Small: an entry goes
 * when its break is fixed, its account or source no longer exists (see notify.ts, pruneNotified).
 */

export interface AnnouncedBreak {
  sourceId: string;
  accountId: string;
  slug: string;
  since?: number;
  /** The notification that announced it (a summary's id is shared by the breaks it announced). */
  id: string;
}

export interface AnnouncedFailure {
  sourceId: string;
  kind: ErrorKind;
  id: string;
}

export interface Notified {
  breaks: AnnouncedBreak[];
  failures: AnnouncedFailure[];
}

export const EMPTY_NOTIFIED: Notified = { breaks: [], failures: [] };

export function breakId(b: { sourceId: string; accountId: string; slug: string; since?: number | undefined }): string {
  return JSON.stringify([b.sourceId, b.accountId, b.slug, b.since ?? null]);
}

/** Records without the sources that no longer exist, and the notifications to clear with them. */
export function pruneNotified(notified: Notified, sourceIds: ReadonlySet<string>): { notified: Notified; clear: string[] } {
  const breaks = notified.breaks.filter((b) => sourceIds.has(b.sourceId));
  const failures = notified.failures.filter((f) => sourceIds.has(f.sourceId));
  const next = { breaks, failures };
  return { notified: next, clear: orphanedIds(notified, next) };
}

/** Ids of notifications that `before` refers to and `after` no longer does. */
export function orphanedIds(before: Notified, after: Notified): string[] {
  const used = new Set([...after.breaks, ...after.failures].map((entry) => entry.id));
  return [...new Set([...before.breaks, ...before.failures].map((entry) => entry.id))].filter((id) => !used.has(id));
}

const AnnouncedBreakSchema = z.object({ sourceId: z.string(), accountId: z.string(), slug: z.string(), since: z.optional(z.number()), id: z.string() });
const AnnouncedFailureSchema = z.object({ sourceId: z.string(), kind: z.enum(ERROR_KINDS), id: z.string() });

/** The stored record, entry by entry: a damaged entry is dropped alone, unknown fields ignored. */
export function parseNotified(raw: unknown): Notified {
  if (raw === null || typeof raw !== "object") return EMPTY_NOTIFIED;
  const { breaks, failures } = raw as { breaks?: unknown; failures?: unknown };
  return { breaks: entries(breaks, AnnouncedBreakSchema), failures: entries(failures, AnnouncedFailureSchema) };
}

function entries<T>(raw: unknown, schema: z.ZodMiniType<T>): T[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}
