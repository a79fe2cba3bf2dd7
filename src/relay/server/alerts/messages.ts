import { ERROR_KINDS, type ErrorKind } from "../../../core/api/errors.ts";
import type { KeyEnvironment } from "../../../core/settings/source-ids.ts";
import { z } from "../../../core/kit/zod.ts";

/*
 * What the relay tells the team, as data: kinds, names as Cobalt gave them, and times. Each
 * channel words a message when it sends it (words.ts, slack.ts, webhook.ts, email.ts), so what
 * waits in the outbox is never prose. Names come from Cobalt and are untrusted text: every
 * channel escapes them for its own format.
 */

export interface SourceRef {
  id: string;
  label: string;
  environment: KeyEnvironment;
}

/** One app of one linked account that needs re-authentication. */
export interface BreakRef {
  accountId: string;
  /** The linked account's name, when Cobalt gave one. */
  accountName?: string;
  slug: string;
  app: string;
  /** When the relay first saw it needing re-authentication. */
  since: number;
  /** Who on the team is on it (the desk), when someone is. */
  claimedBy?: string;
}

/** A break that ended: fixed, or its linked account no longer listed (`removed`). */
export interface FixRef extends BreakRef {
  fixedAt: number;
  removed?: boolean;
}

/** Apps broken together, by app: many accounts of one app at once point to the connector or its OAuth app. */
export interface AppCount {
  slug: string;
  app: string;
  count: number;
}

export type TroubleKind = "key-rejected" | "unreachable";

export type AlertMessage =
  | { type: "break"; source: SourceRef; item: BreakRef }
  | { type: "breaks"; source: SourceRef; count: number; apps: AppCount[]; items: BreakRef[] }
  | { type: "fixed"; source: SourceRef; item: FixRef }
  | { type: "fixes"; source: SourceRef; count: number; items: FixRef[] }
  | { type: "reminder"; source: SourceRef; days: number; item: BreakRef }
  | { type: "reminders"; source: SourceRef; count: number; items: (BreakRef & { days: number })[] }
  | { type: "digest"; date: string; timeZone: string; count: number; unclaimed: number; muted: number; oldest?: BreakRef & { source: SourceRef }; items: (BreakRef & { source: SourceRef })[] }
  | { type: "trouble"; source: SourceRef; problem: TroubleKind; errorKind: ErrorKind; since: number }
  | { type: "recovered"; source: SourceRef; problem: TroubleKind; since: number; at: number };

export type AlertType = AlertMessage["type"];

/** How many breaks a summary or a digest lists by name; the rest are counted. */
export const LISTED = 10;

const text = () => z.string().check(z.maxLength(1000));
const time = () => z.number().check(z.gte(0));
const SourceRefSchema = z.looseObject({ id: text(), label: text(), environment: z.enum(["test", "production", "unknown"]) });
const BreakRefSchema = z.looseObject({
  accountId: text(),
  accountName: z.optional(text()),
  slug: text(),
  app: text(),
  since: time(),
  claimedBy: z.optional(text()),
});
const FixRefSchema = z.extend(BreakRefSchema, { fixedAt: time(), removed: z.optional(z.boolean()) });
const list = <T extends z.ZodMiniType>(item: T) => z.array(item).check(z.maxLength(LISTED));
const problem = z.enum(["key-rejected", "unreachable"]);

/** A message read back from the outbox (a file can be edited by hand): one that does not fit is dropped alone. */
export const AlertMessageSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("break"), source: SourceRefSchema, item: BreakRefSchema }),
  z.looseObject({ type: z.literal("breaks"), source: SourceRefSchema, count: z.number(), apps: z.array(z.looseObject({ slug: text(), app: text(), count: z.number() })), items: list(BreakRefSchema) }),
  z.looseObject({ type: z.literal("fixed"), source: SourceRefSchema, item: FixRefSchema }),
  z.looseObject({ type: z.literal("fixes"), source: SourceRefSchema, count: z.number(), items: list(FixRefSchema) }),
  z.looseObject({ type: z.literal("reminder"), source: SourceRefSchema, days: z.number(), item: BreakRefSchema }),
  z.looseObject({ type: z.literal("reminders"), source: SourceRefSchema, count: z.number(), items: list(z.extend(BreakRefSchema, { days: z.number() })) }),
  z.looseObject({
    type: z.literal("digest"),
    date: text(),
    timeZone: text(),
    count: z.number(),
    unclaimed: z.number(),
    muted: z.number(),
    oldest: z.optional(z.extend(BreakRefSchema, { source: SourceRefSchema })),
    items: list(z.extend(BreakRefSchema, { source: SourceRefSchema })),
  }),
  z.looseObject({ type: z.literal("trouble"), source: SourceRefSchema, problem, errorKind: z.enum(ERROR_KINDS), since: time() }),
  z.looseObject({ type: z.literal("recovered"), source: SourceRefSchema, problem, since: time(), at: time() }),
]);

export function parseAlertMessage(raw: unknown): AlertMessage | undefined {
  const parsed = AlertMessageSchema.safeParse(raw);
  return parsed.success ? (parsed.data as AlertMessage) : undefined;
}
