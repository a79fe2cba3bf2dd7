import type { Bindings } from "./bindings.ts";

/*
 * The Worker's entry (wrangler.jsonc's `main`): every request goes to the one Durable Object
 * that holds the relay (object.ts), named "relay", so there is one relay per deployment.
 */

export { RelayObject } from "./object.ts";

export default {
  fetch(request: Request, env: Bindings): Promise<Response> {
    return env.RELAY.get(env.RELAY.idFromName("relay")).fetch(request);
  },
};
