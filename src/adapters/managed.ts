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

export async function readManaged(): Promise<ManagedRead> {
  const area = (api().storage as { managed?: { get(keys: null): Promise<unknown> } }).managed;
  if (!area) return { state: "none" };
  try {
    const values = await area.get(null);
    return isRecord(values) && Object.keys(values).length > 0 ? { state: "set", values } : { state: "none" };
  } catch (error) {
    return NO_MANIFEST.test(error instanceof Error ? error.message : String(error)) ? { state: "none" } : { state: "unreadable" };
  }
}

/** Chrome and Edge say when the policy changes; Firefox reads it only at start. Call at the top level of the background. */
export function onManagedChange(listener: () => void): void {
  api().storage.onChanged.addListener((_changes: unknown, area: string) => {
    if (area === "managed") listener();
  });
}
