import { readManaged } from "../adapters/managed.ts";
import { storePolicy } from "../adapters/policy-store.ts";

/**
 * Reads the organisation's policy and takes it in: at every start of the background, and when
 * the browser says it changed (Chrome and Edge; Firefox reads it only when it starts). No policy
 * is no policy; a policy that cannot be read leaves the one taken in before as it is, so a
 * passing failure never drops the relays it set with the tokens the member entered.
 */
export async function followPolicy(): Promise<void> {
  const read = await readManaged();
  if (read.state === "unreadable") return;
  await storePolicy(read.state === "set" ? read.values : undefined);
}
