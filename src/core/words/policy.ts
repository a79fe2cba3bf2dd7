import type { Translator } from "../i18n/translator.ts";
import type { OrgView } from "../settings/org.ts";
import type { PolicyProblem } from "../settings/policy.ts";
import { problemText } from "./problems.ts";

/*
 * The organisation's policy in words: what it sets (the options page's "Set by your organisation")
 * and each value it gave that was ignored, naming the key as the administrator wrote it.
 */

/** A value of the policy that was ignored, and why. */
export function policyProblemText(t: Translator, problem: PolicyProblem): string {
  switch (problem.code) {
    case "policy-unreadable":
      return t.msg("policyUnreadable");
    case "policy-type":
      if (problem.expected === "boolean") return t.msg("policyIgnoredBoolean", { key: problem.key });
      return problem.expected === "list" ? t.msg("policyIgnoredList", { key: problem.key }) : t.msg("policyIgnoredWholeNumber", { key: problem.key });
    case "policy-range":
      return t.msg("policyIgnoredRange", { key: problem.key, min: problem.min, max: problem.max });
    case "policy-lock-without-value":
      return t.msg("policyIgnoredLock", { key: problem.key, value: problem.value });
    case "policy-relays-too-many":
      return t.msg("policyRelaysTooMany", { max: problem.max });
    case "policy-relay":
      return relayProblemText(t, problem.index, problem.problem);
  }
}

function relayProblemText(t: Translator, index: number, problem: Extract<PolicyProblem, { code: "policy-relay" }>["problem"]): string {
  switch (problem.code) {
    case "not-a-relay":
      return t.msg("policyRelayNotARelay", { index });
    case "url":
      return t.msg("policyRelayUrl", { index, reason: problemText(t, { code: "relay-url", problem: problem.problem }) });
    case "label":
      return t.msg("policyRelayLabel", { index });
    case "duplicate":
      return t.msg("policyRelayDuplicate", { index });
  }
}

/** What the policy sets besides its relays, one sentence each: keys, notifications, the relays' interval. */
export function orgRules(t: Translator, org: OrgView): string[] {
  const lines: string[] = [];
  if (!org.allowApiKeySources) lines.push(t.msg("orgKeysNotAllowed"));
  const notifications = org.notifications;
  if (notifications) {
    if (notifications.locked) lines.push(t.msg(notifications.value ? "orgNotificationsLockedOn" : "orgNotificationsLockedOff"));
    else lines.push(t.msg(notifications.value ? "orgNotificationsDefaultOn" : "orgNotificationsDefaultOff"));
  }
  const interval = org.intervalMinutes;
  if (interval) lines.push(t.plural(interval.locked ? "orgIntervalLocked" : "orgIntervalDefault", interval.value));
  return lines;
}
