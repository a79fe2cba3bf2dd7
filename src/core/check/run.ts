import { toApiError } from "../api/errors.ts";
import { sourceKey } from "../settings/fingerprint.ts";
import { assembleStatus, failedCheck } from "./assemble.ts";
import { carriedOver } from "./carried.ts";
import { CheckJournal } from "./checkpoint.ts";
import type { CheckContext, CheckResult, Planned } from "./context.ts";
import { fetchAccounts } from "./fetch.ts";
import { listEveryAccount } from "./listing.ts";
import { MAX_INLINE_WAIT_MS } from "./pacer.ts";
import { Requests } from "./requests.ts";
import { fetchQueue, planEveryAccount, planListed, waitingForUser } from "./targets.ts";

export { MAX_INLINE_WAIT_MS };
export { CONCURRENCY } from "./fetch.ts";
export type { CheckContext, CheckResult, Throttled } from "./context.ts";

/**
 * One check of a source, in four steps:
 * 1. listing (listing.ts): with no linked account IDs set, read every page of the accounts;
 * 2. planning (targets.ts): which accounts to report on, and which get the full call;
 * 3. fetching (fetch.ts): those calls, paced, with throttling and the rules that stop a check;
 * 4. assembling (assemble.ts): the next stored status from the previous one and the outcomes.
 * Failures never erase data: an account that fails keeps its last good apps, marked with the error.
 *
 * With a checkpoint (ctx.checkpoint), the listing's pages and the answers are kept as they come,
 * and a run given what an earlier, stopped run kept carries on from there: the pages read are not
 * asked again, nor the accounts answered; the rotation starts where that check's did.
 */
export async function runCheck(given: CheckContext): Promise<CheckResult> {
  const ctx: CheckContext = { ...given, ...carriedOver(given.previous, given.previousHealthy, given.settings) };
  const resumed = ctx.checkpoint?.resumed;
  const requests = new Requests(ctx);
  requests.count = resumed?.requests ?? 0;
  const journal = new CheckJournal({
    io: ctx.checkpoint?.io,
    resumed,
    source: sourceKey(ctx.settings),
    cursor: ctx.previous.fullCheckCursor ?? 0,
    now: ctx.now,
    requests: () => requests.count,
  });
  const previousById = new Map(ctx.previous.accounts.map((account) => [account.id, account]));

  let planned: Planned;
  if (ctx.settings.linkedAccountIds.length > 0) {
    planned = planListed(ctx.settings.linkedAccountIds, previousById, journal.cursor);
  } else {
    try {
      planned = planEveryAccount(await listEveryAccount(ctx, requests, journal, resumed), previousById, journal.cursor);
    } catch (error) {
      return failedCheck(ctx, toApiError(error), requests);
    }
  }

  const waiting = waitingForUser(ctx, previousById);
  const fetched = await fetchAccounts(ctx, requests, fetchQueue(planned.targets, waiting), journal, resumed?.answers);
  return assembleStatus(ctx, { planned, fetched, requests, startedAt: journal.startedAt, waiting });
}
