import { api } from "./browser.ts";
import type { ErrorInfo } from "../core/api/errors.ts";
import { readErrorInfo } from "../core/status/stored.ts";

/** Messages from the pages to the background: fire a check of one source (or of every source
 * when none is named), and hear when it is over. The background reads them with
 * check-message.ts (zod, kept out of the pages, which only send). */
export interface CheckMessage {
  type: "check";
  trigger: "refresh" | "settings" | "open";
  source?: string;
}

export async function requestCheck(trigger: CheckMessage["trigger"], source?: string): Promise<void> {
  const message: CheckMessage = source === undefined ? { type: "check", trigger } : { type: "check", trigger, source };
  await api().runtime.sendMessage(message);
}

/** From the popup: fetch a relay source's healthy apps and keep them (its Healthy section opened). */
export interface HealthyMessage {
  type: "healthy";
  source: string;
}

/** The background's answer: kept (or unchanged), or why the relay could not be asked. */
export type HealthyReply = { ok: true } | { ok: false; error?: ErrorInfo };

export async function requestRelayHealthy(source: string): Promise<HealthyReply> {
  const message: HealthyMessage = { type: "healthy", source };
  const answer: unknown = await api().runtime.sendMessage(message);
  if (typeof answer === "object" && answer !== null && (answer as { ok?: unknown }).ok === true) return { ok: true };
  // What another context sends is read like anything stored: an error that does not read is left out.
  const error = readErrorInfo((answer as { error?: unknown } | null | undefined)?.error);
  return error ? { ok: false, error } : { ok: false };
}
