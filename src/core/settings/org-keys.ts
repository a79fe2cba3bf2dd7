/*
 * Where what the organisation's policy sets is kept in storage.local: on their own, so that the
 * pages load the code that reads them (org.ts) only in a browser that has a policy.
 */

/** The policy as the browser's managed storage gave it. */
export const POLICY_KEY = "policy";
/** The member's part (token, interval) of each relay the policy sets. */
export const MANAGED_RELAYS_KEY = "managedRelays";
