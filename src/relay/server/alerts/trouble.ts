import type { Status } from "../../../core/status/model.ts";
import type { AlertRules } from "../base/alerts-config.ts";
import type { AlertMessage, SourceRef } from "./messages.ts";
import type { Trouble } from "./record.ts";

/*
 * The relay's own trouble with a source, pure: Cobalt rejecting its key is said at once (only an
 * admin can fix it); any other failure to check (Cobalt unreachable, failing or rate limiting)
 * once it has lasted `troubleAfterMs`; and the recovery, at the first check that works again,
 * only of trouble that was said.
 */

export function troubleAfterCheck(before: Trouble | undefined, source: SourceRef, status: Status, now: number, rules: AlertRules): { trouble?: Trouble; messages: AlertMessage[] } {
  const kind = status.error?.kind;
  if (kind === undefined) {
    // Nothing finished yet: nothing to say either way.
    if (status.checkedAt === undefined) return before ? { trouble: before, messages: [] } : { messages: [] };
    if (!before?.announced) return { messages: [] };
    return { messages: [{ type: "recovered", source, problem: before.announced, since: before.since, at: now }] };
  }
  const trouble: Trouble = { problem: kind === "unauthorized" || kind === "forbidden" ? "key-rejected" : "unreachable", errorKind: kind, since: before?.since ?? now };
  if (before?.announced) trouble.announced = before.announced;
  return announceDue(trouble, source, now, rules);
}

/** Says the trouble when it is due: a rejected key not said yet, or another failure past the threshold with nothing said. */
export function announceDue(trouble: Trouble, source: SourceRef, now: number, rules: AlertRules): { trouble: Trouble; messages: AlertMessage[] } {
  const due = trouble.problem === "key-rejected" ? trouble.announced !== "key-rejected" : trouble.announced === undefined && now - trouble.since >= rules.troubleAfterMs;
  if (!due) return { trouble, messages: [] };
  return {
    trouble: { ...trouble, announced: trouble.problem },
    messages: [{ type: "trouble", source, problem: trouble.problem, errorKind: trouble.errorKind, since: trouble.since }],
  };
}

/** When an unsaid failure reaches the threshold; undefined when nothing waits. */
export function troubleDueAt(trouble: Trouble | undefined, rules: AlertRules): number | undefined {
  if (!trouble || trouble.announced !== undefined) return undefined;
  return trouble.problem === "key-rejected" ? trouble.since : trouble.since + rules.troubleAfterMs;
}
