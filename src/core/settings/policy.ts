import { fnv1a } from "../kit/hash.ts";
import { isRecord } from "../kit/guards.ts";
import { normalizeRelayUrl, type BaseUrlProblem } from "../kit/url.ts";
import { MAX_LABEL_LENGTH, RELAY_INTERVAL } from "./model.ts";
import type { SourceId } from "./source-ids.ts";

/*
 * What an organisation's IT sets for this extension by browser policy (Chrome and Edge: the
 * managed storage area, typed by public/schema.json; Firefox: the 3rdparty section of its policies),
 * read as untrusted input: each key on its own, so a value that cannot be used costs that value
 * alone and says so (a problem naming the key), and keys this version does not know are ignored.
 * docs/settings.md documents each key for administrators.
 */

/** Every key IT can set, as the policy names it. */
export const POLICY_KEYS = ["relays", "allowApiKeySources", "notifications", "notificationsLocked", "intervalMinutes", "intervalMinutesLocked"] as const;
export type PolicyKey = (typeof POLICY_KEYS)[number];

/** More would be a list pasted by mistake: each relay is a section of the options page and a poll a minute. */
export const MAX_MANAGED_RELAYS = 10;

/** A team relay the organisation sets: the member enters only their token. */
export interface ManagedRelay {
  /** `org-` and a hash of the URL: the same in every browser and at every start; another URL is another relay (a token is never sent to a URL it was not saved for). */
  id: SourceId;
  relayUrl: string;
  label: string;
}

/** A value the organisation sets: a default the user may change, or locked. */
export interface Preset<T> {
  value: T;
  locked: boolean;
}

export interface Policy {
  relays: ManagedRelay[];
  /** false: no Cobalt API key may be kept or used in this browser. */
  allowApiKeySources: boolean;
  notifications?: Preset<boolean>;
  /** For team relay sources. */
  intervalMinutes?: Preset<number>;
}

/** What is wrong with a relay entry of the policy. */
export type RelayEntryProblem = { code: "not-a-relay" } | { code: "url"; problem: BaseUrlProblem } | { code: "label" } | { code: "duplicate" };

/** A value of the policy that was ignored, and why, as data (worded by core/words/policy.ts). */
export type PolicyProblem =
  /** The whole policy is not an object of keys. */
  | { code: "policy-unreadable" }
  | { code: "policy-type"; key: PolicyKey; expected: "boolean" | "whole-number" | "list" }
  | { code: "policy-range"; key: "intervalMinutes"; min: number; max: number }
  /** A lock of a value that is not set (or was ignored): nothing to lock. */
  | { code: "policy-lock-without-value"; key: "notificationsLocked" | "intervalMinutesLocked"; value: "notifications" | "intervalMinutes" }
  /** One entry of `relays` (`index` from 1, as an administrator counts them). */
  | { code: "policy-relay"; index: number; problem: RelayEntryProblem }
  | { code: "policy-relays-too-many"; max: number };

export interface ParsedPolicy {
  policy: Policy;
  problems: PolicyProblem[];
}

const NO_POLICY: Policy = { relays: [], allowApiKeySources: true };

/** The stable source id of a relay the organisation sets. */
export function managedRelayId(relayUrl: string): SourceId {
  return `org-${fnv1a(relayUrl)}`;
}

/** Whether the key is set at all: null is how a JSON policy leaves a key unset. */
const isSet = (value: unknown) => value !== undefined && value !== null;

/**
 * Reads the policy's values. Undefined when there is no policy (none set, or an empty one).
 * Anything else gives a policy: what could not be used is left out, with a problem naming it.
 */
export function parsePolicy(raw: unknown): ParsedPolicy | undefined {
  if (raw === undefined || raw === null || (isRecord(raw) && Object.keys(raw).length === 0)) return undefined;
  if (!isRecord(raw)) return { policy: { ...NO_POLICY, relays: [] }, problems: [{ code: "policy-unreadable" }] };
  const problems: PolicyProblem[] = [];
  const policy: Policy = { relays: parseRelays(raw.relays, problems), allowApiKeySources: readBoolean(raw, "allowApiKeySources", problems) ?? true };
  const notifications = readPreset(raw, "notifications", "notificationsLocked", readBoolean, problems);
  if (notifications) policy.notifications = notifications;
  const interval = readPreset(raw, "intervalMinutes", "intervalMinutesLocked", readInterval, problems);
  if (interval) policy.intervalMinutes = interval;
  return { policy, problems };
}

type Reader<T> = (raw: Record<string, unknown>, key: PolicyKey, problems: PolicyProblem[]) => T | undefined;

function readBoolean(raw: Record<string, unknown>, key: PolicyKey, problems: PolicyProblem[]): boolean | undefined {
  const value = raw[key];
  if (!isSet(value)) return undefined;
  // The Windows registry has no booleans: a REG_DWORD of 0 or 1 is how an administrator writes one.
  if (typeof value === "boolean") return value;
  if (value === 0 || value === 1) return value === 1;
  problems.push({ code: "policy-type", key, expected: "boolean" });
  return undefined;
}

function readInterval(raw: Record<string, unknown>, key: PolicyKey, problems: PolicyProblem[]): number | undefined {
  const value = raw[key];
  if (!isSet(value)) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    problems.push({ code: "policy-type", key, expected: "whole-number" });
    return undefined;
  }
  if (value < RELAY_INTERVAL.min || value > RELAY_INTERVAL.max) {
    problems.push({ code: "policy-range", key: "intervalMinutes", min: RELAY_INTERVAL.min, max: RELAY_INTERVAL.max });
    return undefined;
  }
  return value;
}

/** A value and its lock: a lock of a value that is not there locks nothing, and says so. */
function readPreset<T>(raw: Record<string, unknown>, key: "notifications" | "intervalMinutes", lockKey: "notificationsLocked" | "intervalMinutesLocked", read: Reader<T>, problems: PolicyProblem[]): Preset<T> | undefined {
  const value = read(raw, key, problems);
  const locked = readBoolean(raw, lockKey, problems) ?? false;
  if (value === undefined) {
    if (locked) problems.push({ code: "policy-lock-without-value", key: lockKey, value: key });
    return undefined;
  }
  return { value, locked };
}

function parseRelays(value: unknown, problems: PolicyProblem[]): ManagedRelay[] {
  if (!isSet(value)) return [];
  if (!Array.isArray(value)) {
    problems.push({ code: "policy-type", key: "relays", expected: "list" });
    return [];
  }
  const relays: ManagedRelay[] = [];
  value.forEach((entry: unknown, at) => {
    const index = at + 1;
    const { relay: found, problem } = parseRelay(entry);
    if (problem) problems.push({ code: "policy-relay", index, problem });
    if (!found) return;
    if (relays.some((relay) => relay.id === found.id)) problems.push({ code: "policy-relay", index, problem: { code: "duplicate" } });
    else relays.push(found);
  });
  if (relays.length > MAX_MANAGED_RELAYS) problems.push({ code: "policy-relays-too-many", max: MAX_MANAGED_RELAYS });
  return relays.slice(0, MAX_MANAGED_RELAYS);
}

/**
 * One relay entry: `url` (by the relay URL's rules: https, or http on this computer) and an
 * optional `label`. A label that is not text is left out, the relay kept.
 */
function parseRelay(entry: unknown): { relay?: ManagedRelay; problem?: RelayEntryProblem } {
  if (!isRecord(entry) || typeof entry.url !== "string") return { problem: { code: "not-a-relay" } };
  const url = normalizeRelayUrl(entry.url);
  if (!url.ok) return { problem: { code: "url", problem: url.problem } };
  const relay = { id: managedRelayId(url.value), relayUrl: url.value, label: typeof entry.label === "string" ? entry.label.trim().slice(0, MAX_LABEL_LENGTH) : "" };
  return isSet(entry.label) && typeof entry.label !== "string" ? { relay, problem: { code: "label" } } : { relay };
}
