import { api } from "./browser.ts";
import { KEYS } from "./storage.ts";
import { planPolicyApply } from "../core/settings/org-writes.ts";

/**
 * Takes in the policy the browser gave (undefined: none): stores it when it changed, lets the
 * tokens of relays it no longer sets go, and removes stored Cobalt keys while it allows none
 * (core/settings/org-writes.ts). Storage's change events then tell the background and the pages.
 */
export async function storePolicy(values: Record<string, unknown> | undefined): Promise<void> {
  const raw = await api().storage.local.get([KEYS.settings, KEYS.policy, KEYS.managedRelays]);
  const plan = planPolicyApply({ settings: raw[KEYS.settings], policy: raw[KEYS.policy], managedRelays: raw[KEYS.managedRelays] }, values);
  if (Object.keys(plan.set).length > 0) await api().storage.local.set(plan.set);
  if (plan.remove.length > 0) await api().storage.local.remove(plan.remove);
}
