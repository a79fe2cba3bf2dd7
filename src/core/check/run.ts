import { ApiError, isTransient, stopsWholeCheck, toApiError } from "../api/errors.ts";
import type { CobaltClient } from "../api/client.ts";
import type { LinkedAccount } from "../api/schemas.ts";
import { classifyApplications, integrationsSay, type AppRecord } from "../records.ts";
import { sourceKey, type Settings } from "../settings.ts";
import { STATUS_VERSION, type AccountStatus, type ErrorInfo, type HealthyApps, type Status } from "../status.ts";
import { nextBackoff } from "../schedule.ts";
import { Pacer } from "./pacer.ts";
import { PAGE_SIZE, planFullChecks } from "./plan.ts";

export const CONCURRENCY = 3;
/** Throttling answers we absorb inside one check (waiting 2 s, then 4 s, unless told how long)
 * before ending the check and backing off; a user waiting on Refresh should not wait longer. */
const THROTTLE_RETRIES = 2;
const THROTTLE_FIRST_WAIT_MS = 2_000;
/** A Retry-After longer than this ends the check; the next one starts after it. */
const MAX_INLINE_WAIT_MS = 60_000;
/** With this many failures to connect in a row and no success, the network is down: stop. */
const UNREACHABLE_LIMIT = 3;

export interface CheckContext {
  client: Pick<CobaltClient, "listApplications" | "listLinkedAccounts">;
  settings: Settings;
  previous: Status;
  previousHealthy: HealthyApps;
  /** A user asked (Refresh, Save): accounts waiting for the user are retried too. */
  manual: boolean;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  onProgress?(done: number, total: number): void | Promise<void>;
  concurrency?: number;
  pageSize?: number;
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
        const wait = failure.retryAfterMs ?? THROTTLE_FIRST_WAIT_MS * 2 ** attempt;
        if (failure.kind !== "rate-limited" || attempt >= THROTTLE_RETRIES || wait > MAX_INLINE_WAIT_MS) throw failure;
        pacer.slowDown(wait);
      }
    }
  };

  const previousById = new Map(ctx.previous.accounts.map((account) => [account.id, account]));
  let targets: Target[];
  let accountsTotal: number | undefined;
  let nextCursor = ctx.previous.fullCheckCursor ?? 0;
  let listingNote: ErrorInfo | undefined;

  if (ctx.settings.linkedAccountIds.length > 0) {
    targets = ctx.settings.linkedAccountIds.map((id) => ({ id, name: previousById.get(id)?.name }));
  } else {
    let listed: { accounts: LinkedAccount[]; changed: boolean };
    try {
      listed = await listEveryAccount(ctx, throttled);
    } catch (error) {
      return failed(ctx, toApiError(error), requests);
    }
    accountsTotal = listed.accounts.length;
    if (listed.accounts.length === 0) {
      const none = new ApiError("not-set-up", "This API key's environment has no linked accounts yet. Create one in Cobalt, or check that you used the right key (test keys start with tk, production keys with pk).");
      return failed(ctx, none, requests);
    }
    if (listed.changed) {
      listingNote = { kind: "bad-response", message: "The list of linked accounts changed while it was being read; accounts added meanwhile appear at the next check.", at: ctx.now() };
    }
    const flagged = new Set<string>();
    const cheap = new Map<string, AppRecord[]>();
    for (const account of listed.accounts) {
      const said = integrationsSay(account);
      const hadReauth = (previousById.get(account.account_id)?.reauth.length ?? 0) > 0;
      if (!said || said.anyReauth || hadReauth) flagged.add(account.account_id);
      else cheap.set(account.account_id, said.healthy);
    }
    const ids = listed.accounts.map((account) => account.account_id);
    const plan = planFullChecks({ ids, flagged, cursor: nextCursor });
    nextCursor = plan.nextCursor;
    targets = listed.accounts.map((account) => {
      const target: Target = { id: account.account_id, name: account.name };
      const healthy = cheap.get(account.account_id);
      if (!plan.full.has(account.account_id) && healthy) target.cheap = { healthy };
      return target;
    });
  }

  // Accounts waiting for the user (404) are not asked again by the schedule.
  const sameSource = ctx.previous.source === sourceKey(ctx.settings);
  const waiting = (id: string) => !ctx.manual && sameSource && previousById.get(id)?.error?.kind === "not-found";

  const outcomes = new Map<string, Outcome>();
  const queue = targets.filter((target) => !target.cheap && !waiting(target.id));
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
    const backoff = nextBackoff(ctx.previous.backoff, globalError, ctx.settings.intervalMinutes, now, ctx.random);
    if (backoff) base.backoff = backoff;
    base.fullCheckCursor = ctx.previous.fullCheckCursor ?? 0;
  } else {
    base.checkedAt = now;
    base.lastRun = { ms: now - startedAt, requests };
    if (listingNote) base.notice = listingNote;
  }
  return { status: base, healthy, requests };
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

function failed(ctx: CheckContext, error: ApiError, requests: number): CheckResult {
  const now = ctx.now();
  const status: Status = { ...ctx.previous, schemaVersion: STATUS_VERSION, source: sourceKey(ctx.settings), error: info(error, now) };
  delete status.notice;
  const backoff = nextBackoff(ctx.previous.backoff, error, ctx.settings.intervalMinutes, now, ctx.random);
  if (backoff) status.backoff = backoff;
  else delete status.backoff;
  return { status, healthy: ctx.previousHealthy, requests };
}

async function listEveryAccount(
  ctx: CheckContext,
  throttled: <T>(call: () => Promise<T>) => Promise<T>,
): Promise<{ accounts: LinkedAccount[]; changed: boolean }> {
  const limit = ctx.pageSize ?? PAGE_SIZE;
  const seen = new Map<string, LinkedAccount>();
  let firstTotal: number | undefined;
  let changed = false;
  let maxPages = Infinity;
  for (let page = 1; ; page++) {
    const result = await throttled(() => ctx.client.listLinkedAccounts(page, limit));
    if (page === 1) {
      firstTotal = result.totalDocs;
      // Guard against a listing that never ends (a server bug would otherwise loop forever).
      maxPages = (result.totalPages ?? Math.ceil((result.totalDocs ?? 0) / limit)) + 5;
    } else if (result.totalDocs !== firstTotal) {
      changed = true;
    }
    for (const account of result.accounts) if (!seen.has(account.account_id)) seen.set(account.account_id, account);
    if (!result.hasNextPage || result.accounts.length === 0) break;
    if (page >= maxPages) {
      throw new ApiError("bad-response", `The list of linked accounts kept going past the ${maxPages - 5} pages it announced; it was not used.`);
    }
  }
  return { accounts: [...seen.values()], changed };
}
