import type { Bindings } from "./bindings.ts";

/*
 * The Worker's entry (wrangler.jsonc's `main`): every request goes to the one Durable Object
 * that holds the relay (object.ts), named "relay", so there is one relay per deployment. A
 * Durable Object starts on its first request or alarm; the cron trigger only wakes it (after a
 * deploy, before anyone has asked), and from then on its own alarm runs every schedule.
 */

export { RelayObject } from "./object.ts";

const relayOf = (env: Bindings) => env.RELAY.get(env.RELAY.idFromName("relay"));

/** What wakes the relay: its health, which it answers without a token. (Not exported: every export of the entry is an entrypoint to workerd.) */
const WAKE_PATH = "/v1/health";

export default {
  fetch(request: Request, env: Bindings): Promise<Response> {
    return relayOf(env).fetch(request);
  },
  async scheduled(_controller: unknown, env: Bindings): Promise<void> {
    await relayOf(env).fetch(new Request(`https://relay.internal${WAKE_PATH}`));
  },
};
