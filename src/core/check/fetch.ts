import { stopsWholeCheck, toApiError } from "../api/errors.ts";
import { classifyApplications } from "../api/records.ts";
import type { CheckContext, Fetched, Journal, Outcome, Target } from "./context.ts";
import type { Requests } from "./requests.ts";

export const CONCURRENCY = 3;
/** With this many failures to connect in a row and no success, the network is down: stop. */
const UNREACHABLE_LIMIT = 3;

/**
 * The fetching step: the full List Applications call for each queued account, by a few
 * concurrent workers sharing one paced Requests. A failure that makes further requests pointless
 * (a rejected key, a rate limit that outlasts the check, the network down) stops every worker;
 * any other failure is the account's own and the others go on.
 *
 * Answers an earlier run of the check got (`answered`) are not asked again; each new one is told
 * to the journal, which keeps them about once a second, with the progress.
 */
export async function fetchAccounts(ctx: CheckContext, requests: Requests, queue: Target[], journal?: Journal, answered?: ReadonlyMap<string, Outcome>): Promise<Fetched> {
  const fetched: Fetched = { outcomes: new Map<string, Outcome>(), queue, successes: 0 };
  const toAsk = answered ? queue.filter((target) => !answered.has(target.id)) : queue;
  for (const target of queue) {
    const outcome = answered?.get(target.id);
    if (!outcome) continue;
    fetched.outcomes.set(target.id, outcome);
    if (outcome.ok) fetched.successes++;
  }
  let next = 0;
  let unreachableInRow = 0;
  let done = fetched.outcomes.size;
  let lastProgress = 0;

  const worker = async () => {
    while (!requests.aborted && next < toAsk.length) {
      const target = toAsk[next++]!;
      let outcome: Outcome;
      try {
        const list = await requests.call(() => ctx.client.listApplications(target.id));
        outcome = { ok: true, ...classifyApplications(list.apps), skipped: list.skipped };
        fetched.successes++;
        unreachableInRow = 0;
      } catch (error) {
        const failure = toApiError(error);
        outcome = { ok: false, error: failure };
        if (stopsWholeCheck(failure.kind) || failure.kind === "rate-limited") requests.aborted ??= failure;
        if (failure.kind === "network" || failure.kind === "timeout") {
          if (++unreachableInRow >= UNREACHABLE_LIMIT && fetched.successes === 0) requests.aborted ??= failure;
        }
      }
      fetched.outcomes.set(target.id, outcome);
      journal?.answered(target.id, outcome);
      done++;
      if ((ctx.onProgress || journal) && ctx.now() - lastProgress > 1_000) {
        lastProgress = ctx.now();
        await Promise.all([ctx.onProgress?.(done, queue.length), journal?.flush()]);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.concurrency ?? CONCURRENCY, toAsk.length) }, worker));
  await journal?.flush();
  return fetched;
}
