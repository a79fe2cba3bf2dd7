import { dueRechecks, type RecheckBudget } from "../core/alerts/followups.ts";
import { findSource, isRelay, type Settings } from "../core/settings/model.ts";
import { type SourceId } from "../core/settings/source-ids.ts";

/** A follow-up of a relay source is a poll of the relay (cheap, it asks Cobalt on its own): at most this often. */
const RELAY_POLLS_PER_MINUTE = 60;
import type { Status } from "../core/status/model.ts";
import { api } from "../adapters/browser.ts";
import { loadSnapshot } from "../adapters/storage.ts";
import { loadFollowUps } from "../adapters/alerts-store.ts";

/*
 * The follow-ups' alarm: one alarm, set for the next re-check any follow-up is waiting
 * for, within each source's request budget (core/alerts/followups.ts dueRechecks). An alarm, not a
 * timer: the browser may stop the background long before the ten minutes are up.
 */

export const FOLLOW_UP_ALARM = "followups";

/** Each source's budget for re-checks now: its pace, its backoff, and when it last asked Cobalt. */
export function budgetsOf(settings: Settings, statuses: Readonly<Record<SourceId, Status>>): (sourceId: SourceId) => RecheckBudget | undefined {
  return (sourceId) => {
    const source = findSource(settings, sourceId);
    const status = statuses[sourceId];
    if (!source || !status) return undefined;
    const budget: RecheckBudget = { requestsPerMinute: isRelay(source) ? RELAY_POLLS_PER_MINUTE : source.requestsPerMinute };
    if (status.backoff) budget.notBefore = status.backoff.notBefore;
    const last = lastRequestAt(status);
    if (last !== undefined) budget.lastRequestAt = last;
    return budget;
  };
}

/** The end of the source's last check or re-check, as far as its results tell. */
function lastRequestAt(status: Status): number | undefined {
  let last = status.checkedAt;
  for (const account of status.accounts) if (account.checkedAt !== undefined && (last === undefined || account.checkedAt > last)) last = account.checkedAt;
  return last;
}

/** Sets the alarm for the next re-check due, or clears it when no follow-up waits. */
export async function scheduleFollowUps(): Promise<void> {
  // Most checks have no follow-up to schedule: then the results (large for a large org) stay unread.
  if ((await loadFollowUps()).every((f) => f.outcome !== undefined)) {
    await api().alarms.clear(FOLLOW_UP_ALARM);
    return;
  }
  const { settings, statuses, followUps } = await loadSnapshot();
  const { nextAt } = dueRechecks(followUps, budgetsOf(settings, statuses), Date.now());
  if (nextAt === undefined) await api().alarms.clear(FOLLOW_UP_ALARM);
  else await api().alarms.create(FOLLOW_UP_ALARM, { when: nextAt });
}
