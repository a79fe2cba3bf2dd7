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
export function configFromBindings(env: Bindings): Pick<RelayConfig, "sources" | "adminToken" | "alerts"> {
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === "string" && name !== "RELAY_CONFIG" && name !== "RELAY_DATA_DIR") vars[name] = value;
  const config = loadConfig({ env: vars, ...(env.RELAY_CONFIG_JSON !== undefined && { configText: env.RELAY_CONFIG_JSON }) });
  refuseEmail(config);
  return { sources: config.sources, ...(config.adminToken !== undefined && { adminToken: config.adminToken }), ...(config.alerts && { alerts: config.alerts }) };
}

/**
 * A Worker cannot speak SMTP, and the relay supports no email-sending binding: an email channel
 * stops the relay with what to use instead (docs/relay.md, "Alerts"), rather than drop its mail.
 */
export function refuseEmail(config: Pick<RelayConfig, "alerts">): void {
  if (!config.alerts?.channels.some((channel) => channel.kind === "email")) return;
  throw new ConfigError(
    "The relay on Cloudflare Workers sends no email, and an email channel is configured (RELAY_SMTP_URL, or kind \"email\" in alerts): use a webhook channel (to a mail service's HTTP API, or a ticket system) or Slack, or run the relay on Node for email over SMTP.",
  );
}

/** What may be said of a configuration that stopped the relay: a ConfigError names fields, never values. */
export function configProblem(error: unknown): string {
  return error instanceof ConfigError ? error.message : "The configuration could not be read.";
}
