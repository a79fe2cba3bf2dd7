import { ConfigError, loadConfig, type RelayConfig } from "../base/config.ts";
import type { DurableObjectNamespace } from "./types.ts";

/*
 * The Worker's configuration: the same environment variables as `npm run relay` (vars in
 * wrangler.jsonc, the key, webhook secret and admin token as Worker secrets), or the config
 * file's content in RELAY_CONFIG_JSON (whose apiKeyEnv names other secrets). Read by the relay's
 * own loadConfig, so the same values are accepted and refused, with the same messages.
 */

export interface Bindings {
  RELAY: DurableObjectNamespace;
  RELAY_CONFIG_JSON?: string;
  [name: string]: unknown;
}

/** Only text bindings are configuration; the rest (the Durable Object namespace) are not. */
export function configFromBindings(env: Bindings): Pick<RelayConfig, "sources" | "adminToken"> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === "string" && name !== "RELAY_CONFIG" && name !== "RELAY_DATA_DIR") vars[name] = value;
  const config = loadConfig({ env: vars, ...(env.RELAY_CONFIG_JSON !== undefined && { configText: env.RELAY_CONFIG_JSON }) });
  return { sources: config.sources, ...(config.adminToken !== undefined && { adminToken: config.adminToken }) };
}

/** What may be said of a configuration that stopped the relay: a ConfigError names fields, never values. */
export function configProblem(error: unknown): string {
  return error instanceof ConfigError ? error.message : "The configuration could not be read.";
}
