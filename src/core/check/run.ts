import { ApiError, isTransient, stopsWholeCheck, toApiError } from "../api/errors.ts";
import type { CobaltClient } from "../api/client.ts";
import type { LinkedAccount } from "../api/schemas.ts";
import { classifyApplications, integrationsSay, type AppRecord } from "../records.ts";
import { sourceKey, type CheckSettings } from "../settings.ts";
import { STATUS_VERSION, type AccountStatus, type Backoff, type CheckNote, type ErrorInfo, type HealthyApps, type Status } from "../status.ts";
import { nextBackoff } from "../schedule.ts";
import { noticeFor } from "./notes.ts";
import { MAX_INLINE_WAIT_MS, Pacer } from "./pacer.ts";
import { MAX_LISTING_PAGES, PAGE_SIZE, planFullChecks } from "./plan.ts";

export { MAX_INLINE_WAIT_MS };

export const CONCURRENCY = 3;
/** Throttling answers we absorb inside one check (waiting 2 s, then 4 s, unless told how long)
 * before ending the check and backing off; a user waiting on Refresh should not wait longer.
 * A Retry-After longer than MAX_INLINE_WAIT_MS ends the check at once; the next one starts after it. */
const THROTTLE_RETRIES = 2;
const THROTTLE_FIRST_WAIT_MS = 2_000;
/** Pages a listing may run past what its totals announce (accounts added while it is read). */
const PAGE_SLACK = 5;
/** With this many failures to connect in a row and no success, the network is down: stop. */
const UNREACHABLE_LIMIT = 3;

export interface CheckContext {
  client: Pick<CobaltClient, "listApplications" | "listLinkedAccounts">;
  settings: CheckSettings;
  previous: Status;
  previousHealthy: HealthyApps;
  /** A user asked (Refresh, Save): accounts waiting for the user are retried too. */
  manual: boolean;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  onProgress?(done: number, total: number): void | Promise<void>;
  /**
   * Called on every throttling answer, before the check waits or gives up: keep this where it
   * outlives the check (the browser may stop the background while it waits).
   */
  onThrottle?(throttled: Throttled): void | Promise<void>;
  concurrency?: number;
  pageSize?: number;
}

/** What a throttling answer means for when Cobalt may be asked next. */
export interface Throttled {
  backoff: Backoff;
  error: ErrorInfo;
}

export interface CheckResult {
  status: Status;
  healthy: HealthyApps;
  requests: number;
}

interface Target {
  id: string;
  name?: string;
  /** Filled from the listing's integrations when a full check is not needed this cycle. */
  cheap?: { healthy: AppRecord[] };
  /** Known from before but missing from an incomplete listing: kept as it was, not asked. */
  kept?: true;
}

interface Listing {
  accounts: LinkedAccount[];
  changed: boolean;
  /** Entries that could not be read. */
  skipped: number;
}

type Outcome = { ok: true; reauth: AppRecord[]; healthy: AppRecord[]; skipped: number } | { ok: false; error: ApiError };

/**
 * One check: fetch, classify, and build the next stored status from the previous one. Failures
 * never erase data: an account that fails keeps its last good apps, marked with the error.
 */
export async function runCheck(ctx: CheckContext): Promise<CheckResult> {
  const startedAt = ctx.now();
  const pacer = new Pacer(ctx.settings.requestsPerMinute, ctx.now, ctx.sleep);
  let requests = 0;
  let aborted: ApiError | undefined;
  /** When the last throttling answer came: rate-limit backoffs are measured from it. */
  let throttledAt: number | undefined;

  const throttled = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      await pacer.slot();
      // Another worker may have stopped the check while this one waited for its slot.
      if (aborted) throw aborted;
      requests++;
      try {
        return await call();
      } catch (error) {
        const failure = toApiError(error);
        if (failure.kind !== "rate-limited") throw failure;
        throttledAt = ctx.now();
        const wait = failure.retryAfterMs ?? THROTTLE_FIRST_WAIT_MS * 2 ** attempt;
        // Best effort: failing to keep it must not turn a throttling answer into another failure.
        await Promise.resolve(ctx.onThrottle?.({ backoff: backoffAfter(ctx, failure, throttledAt)!, error: info(failure, throttledAt) })).catch(() => undefined);
        if (attempt >= THROTTLE_RETRIES || wait > MAX_INLINE_WAIT_MS) throw failure;
        pacer.slowDown(wait);
      }
    }
  };

  const previousById = new Map(ctx.previous.accounts.map((account) => [account.id, account]));
  let targets: Target[];
  let accountsTotal: number | undefined;
  let nextCursor = ctx.previous.fullCheckCursor ?? 0;
  const notes: CheckNote[] = [];

  if (ctx.settings.linkedAccountIds.length > 0) {
    targets = ctx.settings.linkedAccountIds.map((id) => ({ id, name: previousById.get(id)?.name }));
  } else {
    let listing: Listing;
    try {
      listing = await listEveryAccount(ctx, throttled);
    } catch (error) {
      return failed(ctx, toApiError(error), requests, throttledAt);
    }
    accountsTotal = listing.accounts.length;
    // No linked accounts yet is a state, not a failure: the schedule keeps looking.
    if (listing.accounts.length === 0 && listing.skipped === 0) notes.push({ code: "no-accounts" });
    if (listing.changed) notes.push({ code: "listing-changed" });
    if (listing.skipped > 0) notes.push({ code: "accounts-skipped", count: listing.skipped });
    const planned = planEveryAccount(listing, previousById, nextCursor);
    targets = planned.targets;
    nextCursor = planned.nextCursor;
  }

  // Accounts waiting for the user (404) are not asked again by the schedule.
  const sameSource = ctx.previous.source === sourceKey(ctx.settings);
  const waiting = (id: string) => !ctx.manual && sameSource && previousById.get(id)?.error?.kind === "not-found";

  const outcomes = new Map<string, Outcome>();
  const queue = targets.filter((target) => !target.cheap && !target.kept && !waiting(target.id));
  let next = 0;
  let successes = 0;
  let unreachableInRow = 0;
  let done = 0;
  let lastProgress = 0;

  const worker = async () => {
    while (!aborted && next < queue.length) {
      const target = queue[next++]!;
      let outcome: Outcome;
      try {
        const list = await throttled(() => ctx.client.listApplications(target.id));
        outcome = { ok: true, ...classifyApplications(list.apps), skipped: list.skipped };
        successes++;
        unreachableInRow = 0;
      } catch (error) {
        const failure = toApiError(error);
        outcome = { ok: false, error: failure };
        if (stopsWholeCheck(failure.kind) || failure.kind === "rate-limited") aborted ??= failure;
        if (failure.kind === "network" || failure.kind === "timeout") {
          if (++unreachableInRow >= UNREACHABLE_LIMIT && successes === 0) aborted ??= failure;
        }
      }
      outcomes.set(target.id, outcome);
      done++;
      if (ctx.onProgress && ctx.now() - lastProgress > 1_000) {
        lastProgress = ctx.now();
        await ctx.onProgress(done, queue.length);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.concurrency ?? CONCURRENCY, queue.length) }, worker));

  const now = ctx.now();
  const healthy: HealthyApps = {};
  const accounts: AccountStatus[] = targets.map((target) => {
    const before = previousById.get(target.id);
    const name = target.name ?? before?.name;
    if (target.kept && before) {
      healthy[target.id] = ctx.previousHealthy[target.id] ?? [];
      return before;
    }
    if (target.cheap) {
      healthy[target.id] = target.cheap.healthy;
      return withName({ id: target.id, checkedAt: now, reauth: [], healthyCount: target.cheap.healthy.length }, name);
    }
    const outcome = outcomes.get(target.id);
    if (outcome?.ok) {
      healthy[target.id] = outcome.healthy;
      const account: AccountStatus = { id: target.id, checkedAt: now, reauth: outcome.reauth, healthyCount: outcome.healthy.length };
      if (outcome.skipped > 0) account.skipped = outcome.skipped;
      return withName(account, name);
    }
    // Not reached (aborted, or waiting for the user) or failed: keep the last good data.
    healthy[target.id] = ctx.previousHealthy[target.id] ?? [];
    const kept: AccountStatus = { id: target.id, reauth: before?.reauth ?? [], healthyCount: before?.healthyCount ?? 0 };
    if (before?.checkedAt !== undefined) kept.checkedAt = before.checkedAt;
    const error = outcome && !outcome.ok ? outcome.error : undefined;
    if (error && !stopsWholeCheck(error.kind)) kept.error = info(accountError(error, target.id), now);
    else if (!outcome && before?.error && waiting(target.id)) kept.error = before.error;
    return withName(kept, name);
  });

  const failures = [...outcomes.values()].filter((outcome): outcome is { ok: false; error: ApiError } => !outcome.ok);
  let globalError = aborted;
  if (!globalError && successes === 0 && failures.length > 0 && failures.length === queue.length && failures.every((f) => isTransient(f.error.kind))) {
    globalError = failures[0]!.error;
  }
  const base: Status = {
    schemaVersion: STATUS_VERSION,
    source: sourceKey(ctx.settings),
    accounts,
    cycle: (ctx.previous.cycle ?? 0) + 1,
    fullCheckCursor: nextCursor,
  };
  if (accountsTotal !== undefined) base.accountsTotal = accountsTotal;
  if (globalError) {
    if (ctx.previous.checkedAt !== undefined) base.checkedAt = ctx.previous.checkedAt;
    base.error = info(globalError, now);
    const backoff = backoffAfter(ctx, globalError, globalError.kind === "rate-limited" ? (throttledAt ?? now) : now);
    if (backoff) base.backoff = backoff;
    base.fullCheckCursor = ctx.previous.fullCheckCursor ?? 0;
  } else {
    base.checkedAt = now;
    base.lastRun = { ms: now - startedAt, requests };
    const notice = noticeFor(notes, now);
    if (notice) {
      base.notice = notice;
      base.notes = notes;
    }
  }
  return { status: base, healthy, requests };
}

/**
 * "Watch every account": which accounts get the full call this cycle, and which are trusted to
 * the listing. An account known from before but missing from a listing that was not read whole
 * and unchanged keeps its last data: it may only have moved between pages.
 */
function planEveryAccount(listing: Listing, previousById: Map<string, AccountStatus>, cursor: number): { targets: Target[]; nextCursor: number } {
  const flagged = new Set<string>();
  const cheap = new Map<string, AppRecord[]>();
  for (const account of listing.accounts) {
    const said = integrationsSay(account);
    const hadReauth = (previousById.get(account.account_id)?.reauth.length ?? 0) > 0;
    if (!said || said.anyReauth || hadReauth) flagged.add(account.account_id);
    else cheap.set(account.account_id, said.healthy);
  }
  const ids = listing.accounts.map((account) => account.account_id);
  const plan = planFullChecks({ ids, flagged, cursor });
  const targets: Target[] = listing.accounts.map((account) => {
    const target: Target = { id: account.account_id, name: account.name };
    const healthy = cheap.get(account.account_id);
    if (!plan.full.has(account.account_id) && healthy) target.cheap = { healthy };
    return target;
  });
  if (listing.changed || listing.skipped > 0) {
    const listed = new Set(ids);
    for (const id of previousById.keys()) if (!listed.has(id)) targets.push({ id, kept: true });
  }
  return { targets, nextCursor: plan.nextCursor };
}

function withName(account: AccountStatus, name: string | undefined): AccountStatus {
  if (name) account.name = name;
  return account;
}

function accountError(error: ApiError, id: string): ApiError {
  if (error.kind !== "not-found") return error;
  return new ApiError("not-found", `Cobalt has no linked account "${id}" for this key's environment. Check the ID in Options (test and production keys see different accounts).`, error.status);
}

function info(error: ApiError, at: number): ErrorInfo {
  return { kind: error.kind, message: error.message, at };
}

function backoffAfter(ctx: CheckContext, error: ApiError, at: number): Backoff | undefined {
  return nextBackoff(ctx.previous.backoff, error, ctx.settings.intervalMinutes, at, ctx.random);
}

function failed(ctx: CheckContext, error: ApiError, requests: number, throttledAt: number | undefined): CheckResult {
  const now = ctx.now();
  const status: Status = { ...ctx.previous, schemaVersion: STATUS_VERSION, source: sourceKey(ctx.settings), error: info(error, now) };
  delete status.notice;
  delete status.notes;
  const backoff = backoffAfter(ctx, error, error.kind === "rate-limited" ? (throttledAt ?? now) : now);
  if (backoff) status.backoff = backoff;
  else delete status.backoff;
  return { status, healthy: ctx.previousHealthy, requests };
}

async function listEveryAccount(ctx: CheckContext, throttled: <T>(call: () => Promise<T>) => Promise<T>): Promise<Listing> {
  const limit = ctx.pageSize ?? PAGE_SIZE;
  const seen = new Map<string, LinkedAccount>();
  let firstTotal: number | undefined;
  let changed = false;
  let skipped = 0;
  let limits = { maxPages: MAX_LISTING_PAGES, announced: undefined as number | undefined };
  for (let page = 1; ; page++) {
    const result = await throttled(() => ctx.client.listLinkedAccounts(page, limit));
    const entries = result.accounts.length + result.skipped;
    if (page === 1) {
      firstTotal = result.totalDocs;
      limits = pageLimits(result, entries, limit);
    } else if (result.totalDocs !== firstTotal) {
      changed = true;
    }
    skipped += result.skipped;
    for (const account of result.accounts) if (!seen.has(account.account_id)) seen.set(account.account_id, account);
    // An empty page ends the listing; a page whose entries were all unreadable does not.
    if (!result.hasNextPage || entries === 0) break;
    if (page >= limits.maxPages) {
      const why = limits.announced === undefined ? `went on past ${limits.maxPages} pages` : `kept going past the ${limits.announced} pages it announced`;
      throw new ApiError("bad-response", `The list of linked accounts ${why}; it was not used.`);
    }
  }
  return { accounts: [...seen.values()], changed, skipped };
}

/**
 * How many pages a listing may take: what its first page announces plus some slack, never more
 * than MAX_LISTING_PAGES. totalDocs (divided by the page size actually served) decides when it
 * is given, so a wrong totalPages cannot lift the limit.
 */
function pageLimits(first: { totalDocs: number | undefined; totalPages: number | undefined }, entries: number, limit: number): { maxPages: number; announced: number | undefined } {
  const perPage = Math.max(1, Math.min(limit, entries > 0 ? entries : limit));
  const announced = first.totalDocs !== undefined ? Math.ceil(first.totalDocs / perPage) : first.totalPages;
  if (announced === undefined || !(announced < MAX_LISTING_PAGES)) return { maxPages: MAX_LISTING_PAGES, announced: undefined };
  return { maxPages: Math.min(MAX_LISTING_PAGES, Math.max(1, announced) + PAGE_SLACK), announced: Math.max(0, announced) };
}
