import { api } from "./browser.ts";
import { isRecord } from "../core/kit/guards.ts";

/*
 * The browser's managed storage: what the organisation's IT sets for this extension by policy
 * (Chrome and Edge: enterprise policy, typed by schema.json; Firefox: its enterprise policies). Read here
 * and nowhere else; core/settings/policy.ts reads the values.
 */

/** The policy as the browser gives it: none, its values, or a failure to read it (then nothing changes). */
export type ManagedRead = { state: "none" } | { state: "set"; values: Record<string, unknown> } | { state: "unreadable" };

/** Firefox's answer when no policy names this extension: no policy, not a failure. */
const NO_MANIFEST = /managed storage manifest not found/i;

/**
 * How long the browser may take to answer. Chromium sometimes never answers a service worker it
 * has just started again (seen under load: no answer after 25 s, where 0.5 s is usual); no answer
 * in time is a policy that cannot be read, so what waits on it goes on with the one taken in before.
 */
export const MANAGED_ANSWER_MS = 5_000;

export async function readManaged(): Promise<ManagedRead> {
  const area = (api().storage as { managed?: { get(keys: null): Promise<unknown> } }).managed;
  if (!area) return { state: "none" };
  try {
    const values = await withinDeadline(area.get(null), MANAGED_ANSWER_MS);
    return isRecord(values) && Object.keys(values).length > 0 ? { state: "set", values } : { state: "none" };
  } catch (error) {
    return NO_MANIFEST.test(error instanceof Error ? error.message : String(error)) ? { state: "none" } : { state: "unreadable" };
  }
}

/** No answer in time: an error for the code that reads the policy, never shown to anyone. */
class NoAnswerInTime extends Error {}

function withinDeadline<T>(answer: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NoAnswerInTime()), ms);
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

/** Chrome and Edge say when the policy changes; Firefox reads it only at start. Call at the top level of the background. */
export function onManagedChange(listener: () => void): void {
  api().storage.onChanged.addListener((_changes: unknown, area: string) => {
    if (area === "managed") listener();
  });
}
