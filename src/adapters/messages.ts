import { api } from "./browser.ts";
import type { ErrorInfo } from "../core/api/errors.ts";
import { readErrorInfo } from "../core/status/stored.ts";
import type { DeskRefusal } from "../relay/client/client.ts";
import type { DeskAction, DeskMuteLength } from "../relay/protocol/desk.ts";

/** Messages from the pages to the background: fire a check of one source (or of every source
 * when none is named), and hear when it is over. The background reads them with
 * check-message.ts (zod, kept out of the pages, which only send). */
export interface CheckMessage {
  type: "check";
  trigger: "refresh" | "settings" | "open" | "watch";
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

/**
 * From the popup: one change on a relay source's team desk (relay/protocol/desk.ts), for an app
 * (or, without `slug`, a whole linked account) as the stored status names it. The background asks
 * the relay with the member token, then polls it, so the popup shows the change when it is told.
 */
export interface DeskMessage {
  type: "desk";
  source: string;
  action: DeskAction;
  accountId: string;
  slug?: string;
  length?: DeskMuteLength;
  text?: string;
}

/** Done; or refused by the desk (someone else is on it…), or the relay could not be asked. */
export type DeskReply = { ok: true } | { ok: false; refused?: DeskRefusal; error?: ErrorInfo };

/** The desk's refusals, as the popup reads them back from the background's answer. */
const DESK_REFUSED = ["claimed", "not-yours", "desk-full", "note-too-long", "unknown-account", "app-not-reauth", "unknown-source"] as const satisfies readonly DeskRefusal[];
/** Compile time: true only while DESK_REFUSED names every refusal the relay client knows. */
export type DeskRefusalsCovered = [Exclude<DeskRefusal, (typeof DESK_REFUSED)[number]>] extends [never] ? true : never;
export const DESK_REFUSALS_COVERED: DeskRefusalsCovered = true;

export async function requestDesk(message: Omit<DeskMessage, "type">): Promise<DeskReply> {
  const answer: unknown = await api().runtime.sendMessage({ type: "desk", ...message } satisfies DeskMessage);
  if (typeof answer !== "object" || answer === null) return { ok: false };
  const { ok, refused, error } = answer as { ok?: unknown; refused?: unknown; error?: unknown };
  if (ok === true) return { ok: true };
  const reply: DeskReply = { ok: false };
  if ((DESK_REFUSED as readonly unknown[]).includes(refused)) reply.refused = refused as DeskRefusal;
  const info = readErrorInfo(error);
  if (info) reply.error = info;
  return reply;
}

export async function requestRelayHealthy(source: string): Promise<HealthyReply> {
  const message: HealthyMessage = { type: "healthy", source };
  const answer: unknown = await api().runtime.sendMessage(message);
  if (typeof answer === "object" && answer !== null && (answer as { ok?: unknown }).ok === true) return { ok: true };
  // What another context sends is read like anything stored: an error that does not read is left out.
  const error = readErrorInfo((answer as { error?: unknown } | null | undefined)?.error);
  return error ? { ok: false, error } : { ok: false };
}
