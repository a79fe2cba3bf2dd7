import { ApiError, isTransient, stopsWholeCheck } from "../api/errors.ts";
import { sourceKey } from "../settings/fingerprint.ts";
import { STATUS_VERSION, type AccountStatus, type HealthyApps, type Status } from "../status/model.ts";
import type { CheckContext, CheckResult, Fetched, Planned, Target } from "./context.ts";
import { backoffAfter, info, type Requests } from "./requests.ts";
import { sameConnection, withSince } from "./since.ts";
import { dict, own } from "../kit/dict.ts";

/*
 * The assembling step: the next stored status, built from the previous one and this check's
 * outcomes. Failures never erase data: an account that fails keeps its last good apps, marked
 * with the error.
 */

export interface Assembly {
  planned: Planned;
  fetched: Fetched;
  requests: Requests;
  startedAt: number;
  waiting: (id: string) => boolean;
}

export function assembleStatus(ctx: CheckContext, { planned, fetched, requests, startedAt, waiting }: Assembly): CheckResult {
  const now = ctx.now();
  const previousById = new Map(ctx.previous.accounts.map((account) => [account.id, account]));
  const dated = sameConnection(ctx.previous, ctx.settings);
  const healthy: HealthyApps = dict();
  const accounts = planned.targets.map((target) => {
    const next = accountAfter(ctx, target, previousById.get(target.id), { fetched, waiting, dated, now });
    healthy[target.id] = next.healthy;
    return next.account;
  });

  const globalError = checkFailure(fetched, requests);
  const status: Status = {
    schemaVersion: STATUS_VERSION,
    source: sourceKey(ctx.settings),
    accounts,
    cycle: (ctx.previous.cycle ?? 0) + 1,
    fullCheckCursor: planned.nextCursor,
  };
  if (planned.accountsTotal !== undefined) status.accountsTotal = planned.accountsTotal;
  if (globalError) {
    if (ctx.previous.checkedAt !== undefined) status.checkedAt = ctx.previous.checkedAt;
    status.error = info(globalError, now);
    const backoff = backoffAfter(ctx, globalError, globalError.kind === "rate-limited" ? (requests.throttledAt ?? now) : now);
    if (backoff) status.backoff = backoff;
    status.fullCheckCursor = ctx.previous.fullCheckCursor ?? 0;
  } else {
    status.checkedAt = now;
    status.lastRun = { ms: now - startedAt, requests: requests.count };
    if (planned.notes.length > 0) status.notes = planned.notes;
  }
  return { status, healthy, requests: requests.count };
}

interface Step {
  fetched: Fetched;
  waiting: (id: string) => boolean;
  /** The previous status dates these accounts' apps (see since.ts). */
  dated: boolean;
  now: number;
}

/** One account after this check: fresh data, the listing's word, or its last data kept. */
export function accountAfter(ctx: CheckContext, target: Target, before: AccountStatus | undefined, { fetched, waiting, dated, now }: Step): { account: AccountStatus; healthy: HealthyApps[string] } {
  const name = target.name ?? before?.name;
  if (target.kept && before) return { account: before, healthy: own(ctx.previousHealthy, target.id) ?? [] };
  if (target.cheap) {
    return { account: withName({ id: target.id, checkedAt: now, reauth: [], healthyCount: target.cheap.healthy.length }, name), healthy: target.cheap.healthy };
  }
  const outcome = fetched.outcomes.get(target.id);
  if (outcome?.ok) {
    const reauth = withSince(outcome.reauth, dated ? before : undefined, now);
    const account: AccountStatus = { id: target.id, checkedAt: now, reauth, healthyCount: outcome.healthy.length };
    if (outcome.skipped > 0) account.skipped = outcome.skipped;
    return { account: withName(account, name), healthy: outcome.healthy };
  }
  // Not reached (aborted, or waiting for the user) or failed: keep the last good data.
  const kept: AccountStatus = { id: target.id, reauth: before?.reauth ?? [], healthyCount: before?.healthyCount ?? 0 };
  if (before?.checkedAt !== undefined) kept.checkedAt = before.checkedAt;
  const error = outcome && !outcome.ok ? outcome.error : undefined;
  if (error && !stopsWholeCheck(error.kind)) kept.error = info(accountError(error, target.id), now);
  else if (!outcome && before?.error && waiting(target.id)) kept.error = before.error;
  return { account: withName(kept, name), healthy: own(ctx.previousHealthy, target.id) ?? [] };
}

/**
 * A failure of the whole check: what stopped it, or, when every account asked failed in a way
 * that may pass and none succeeded, that failure (Cobalt or the network is down, not the accounts).
 */
function checkFailure({ outcomes, queue, successes }: Fetched, requests: Requests): ApiError | undefined {
  if (requests.aborted) return requests.aborted;
  const failures = [...outcomes.values()].flatMap((outcome) => (outcome.ok ? [] : [outcome.error]));
  if (successes === 0 && failures.length > 0 && failures.length === queue.length && failures.every((f) => isTransient(f.kind))) return failures[0];
  return undefined;
}

/** The check could not even start (the listing failed): everything stays as it was, with the error. */
export function failedCheck(ctx: CheckContext, error: ApiError, requests: Requests): CheckResult {
  const now = ctx.now();
  const status: Status = { ...ctx.previous, schemaVersion: STATUS_VERSION, source: sourceKey(ctx.settings), error: info(error, now) };
  delete status.notes;
  const backoff = backoffAfter(ctx, error, error.kind === "rate-limited" ? (requests.throttledAt ?? now) : now);
  if (backoff) status.backoff = backoff;
  else delete status.backoff;
  return { status, healthy: ctx.previousHealthy, requests: requests.count };
}

function withName(account: AccountStatus, name: string | undefined): AccountStatus {
  if (name) account.name = name;
  return account;
}

/** A 404 for one account's applications means Cobalt does not know that account. */
function accountError(error: ApiError, id: string): ApiError {
  if (error.kind !== "not-found") return error;
  return new ApiError("not-found", { status: error.status, cause: "no-account", accountId: id });
}
