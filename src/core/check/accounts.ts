import { sourceKey } from "../settings/fingerprint.ts";
import type { AccountStatus, HealthyApps, Status } from "../status/model.ts";
import { accountAfter } from "./assemble.ts";
import type { CheckContext, CheckResult, Target } from "./context.ts";
import { fetchAccounts } from "./fetch.ts";
import { Requests, backoffAfter, info } from "./requests.ts";
import { fetchQueue, waitingForUser } from "./targets.ts";
import { dict } from "../kit/dict.ts";

export interface AccountsCheckResult extends CheckResult {
  /** The accounts that were asked about. */
  checked: string[];
}

export interface AccountsCheckOptions {
  /** Watching every account: an ID the status does not list yet is a new linked account (a signed
   * webhook event says so), added when Cobalt answers for it. */
  addUnknown?: boolean;
}

/**
 * Re-checks a few linked accounts of a source (a follow-up after Reconnect, a webhook event) and
 * merges what it finds into the previous status. Only those accounts change: the others, the
 * rotation, the cycle and the time of the last full check stay as they were. A failure of the
 * whole source (a rejected key, Cobalt's rate limit) is recorded as a full check records it.
 *
 * Results of other settings are left alone: a full check of the current settings is due, and
 * these accounts may belong to another key's environment.
 */
export async function checkAccounts(ctx: CheckContext, ids: readonly string[], options: AccountsCheckOptions = {}): Promise<AccountsCheckResult> {
  const { previous, previousHealthy } = ctx;
  const unchanged: AccountsCheckResult = { status: previous, healthy: previousHealthy, requests: 0, checked: [] };
  if (previous.source !== sourceKey(ctx.settings)) return unchanged;
  const previousById = new Map(previous.accounts.map((account) => [account.id, account]));
  const targets = watchedTargets(ctx, ids, previousById, options.addUnknown === true);
  const waiting = waitingForUser(ctx, previousById);
  const queue = fetchQueue(targets, waiting);
  if (queue.length === 0) return unchanged;

  const requests = new Requests(ctx);
  const fetched = await fetchAccounts(ctx, requests, queue);
  const now = ctx.now();
  const updates = new Map<string, { account: AccountStatus; healthy: HealthyApps[string] }>();
  for (const target of queue) {
    const before = previousById.get(target.id);
    const next = accountAfter(ctx, target, before, { fetched, waiting, dated: true, now });
    // A new account is added only once Cobalt has answered for it.
    if (before || fetched.outcomes.get(target.id)?.ok) updates.set(target.id, next);
  }
  const status = mergeAccounts(previous, updates);
  const healthy: HealthyApps = dict(Object.entries(previousHealthy));
  for (const [id, update] of updates) healthy[id] = update.healthy;

  // What stopped the re-check concerns the whole source (see fetch.ts): a rejected key, the rate
  // limit, the network down. Anything else is the account's own, recorded on it.
  const failure = requests.aborted;
  if (failure) {
    status.error = info(failure, now);
    const backoff = backoffAfter(ctx, failure, failure.kind === "rate-limited" ? (requests.throttledAt ?? now) : now);
    if (backoff) status.backoff = backoff;
    else delete status.backoff;
  }
  return { status, healthy, requests: requests.count, checked: queue.map((target) => target.id) };
}

/** The IDs asked for that this source watches, each once, in the order asked. */
function watchedTargets(ctx: CheckContext, ids: readonly string[], previousById: ReadonlyMap<string, AccountStatus>, addUnknown: boolean): Target[] {
  const listed = ctx.settings.linkedAccountIds;
  const watched = (id: string) => (listed.length > 0 ? listed.includes(id) : previousById.has(id) || addUnknown);
  return [...new Set(ids)].filter(watched).map((id) => ({ id, name: previousById.get(id)?.name }));
}

function mergeAccounts(previous: Status, updates: ReadonlyMap<string, { account: AccountStatus }>): Status {
  const known = new Set(previous.accounts.map((account) => account.id));
  const accounts = previous.accounts.map((account) => updates.get(account.id)?.account ?? account);
  const added = [...updates.values()].map((update) => update.account).filter((account) => !known.has(account.id));
  const status: Status = { ...previous, accounts: [...accounts, ...added] };
  if (status.accountsTotal !== undefined) status.accountsTotal += added.length;
  return status;
}
