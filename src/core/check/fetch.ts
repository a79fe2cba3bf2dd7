import { stopsWholeCheck, toApiError } from "../api/errors.ts";
import { classifyApplications } from "../api/records.ts";
import type { CheckContext, Fetched, Outcome, Target } from "./context.ts";
import type { Requests } from "./requests.ts";

export const CONCURRENCY = 3;
/** With this many failures to connect in a row and no success, the network is down: stop. */
const UNREACHABLE_LIMIT = 3;

/**
 * The fetching step: the full List Applications call for each queued account, by a few
 * concurrent workers sharing one paced Requests. A failure that makes further requests pointless
 * (a rejected key, a rate limit that outlasts the check, the network down) stops every worker;
 * any other failure is the account's own and the others go on.
 */
export async function fetchAccounts(ctx: CheckContext, requests: Requests, queue: Target[]): Promise<Fetched> {
  const fetched: Fetched = { outcomes: new Map<string, Outcome>(), queue, successes: 0 };
  let next = 0;
  let unreachableInRow = 0;
  let done = 0;
  let lastProgress = 0;

  const worker = async () => {
    while (!requests.aborted && next < queue.length) {
      const target = queue[next++]!;
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
      done++;
      if (ctx.onProgress && ctx.now() - lastProgress > 1_000) {
        lastProgress = ctx.now();
        await ctx.onProgress(done, queue.length);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.concurrency ?? CONCURRENCY, queue.length) }, worker));
  return fetched;
}
