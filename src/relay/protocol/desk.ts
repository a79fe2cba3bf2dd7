import { z } from "../../core/kit/zod.ts";

/*
 * The team's desk on the relay, version 1 of the API: who is on which break ("I'm on it"), team
 * mutes and notes. Members change it with `POST /v1/desk`; what it holds is part of each source of
 * `GET /v1/status` (`desk`), with the asking member's own name in the status (`member`), so a
 * popup can say "You". No Node and no browser APIs: both ends import this file (v1.ts takes the
 * status's part from here).
 *
 * A break is an app of a linked account that needs re-authentication, or (without `slug`) a
 * whole linked account. Everything on the desk ends when its break ends: the relay removes it
 * when a check finds the app (or the account) fixed, and a timed mute when its time is up. A
 * claim ended by a fix is kept a while as `fixed`, so the row can say who was on it.
 */

export const DESK_PATH = "/v1/desk";

/** A note's longest text, in characters (code points), after cleanNote. */
export const NOTE_MAX_CHARS = 280;
/** What a note's text may be when it arrives, before cleaning; beyond, the request is refused as malformed. */
const NOTE_MAX_RAW = 2_000;

export const MUTE_LENGTHS = ["hour", "day", "week", "fixed"] as const;
export type DeskMuteLength = (typeof MUTE_LENGTHS)[number];

export const DESK_ACTIONS = ["claim", "release", "take-over", "mute", "unmute", "note"] as const;
export type DeskAction = (typeof DESK_ACTIONS)[number];

const MAX_ID = 200;
const idField = z.string().check(z.minLength(1), z.maxLength(MAX_ID));
const time = z.number().check(z.nonnegative());

const scope = { sourceId: idField, linkedAccountId: idField, slug: z.optional(idField) };

/**
 * `POST /v1/desk` body: one action on one break. `claim` is refused while someone else is on it
 * (`take-over` takes it from them, audited); `release` is the claimer's; anyone may `mute`,
 * `unmute` and write the `note` (an empty text removes it).
 */
export const DeskRequestSchema = z.discriminatedUnion("action", [
  z.looseObject({ action: z.literal("claim"), ...scope }),
  z.looseObject({ action: z.literal("release"), ...scope }),
  z.looseObject({ action: z.literal("take-over"), ...scope }),
  z.looseObject({ action: z.literal("mute"), ...scope, length: z.enum(MUTE_LENGTHS) }),
  z.looseObject({ action: z.literal("unmute"), ...scope }),
  z.looseObject({ action: z.literal("note"), ...scope, text: z.string().check(z.maxLength(NOTE_MAX_RAW)) }),
]);
export type DeskRequest = z.infer<typeof DeskRequestSchema>;

/** `POST /v1/desk` answer: done, or nothing to change (claimed by you already, no note to remove…). */
export const DeskAnswerSchema = z.looseObject({
  protocol: z.number(),
  action: z.enum(DESK_ACTIONS),
  outcome: z.enum(["done", "unchanged"]),
});
export type DeskAnswer = z.infer<typeof DeskAnswerSchema>;

const where = { account: z.string(), app: z.optional(z.string()) };

/** Someone is on this break, since `since`; `from`: whom they took it over from. */
export const DeskClaimSchema = z.looseObject({ ...where, member: z.string(), since: time, from: z.optional(z.string()) });

/**
 * A team mute, in the extension's own terms (core/alerts/mutes.ts): timed (`until`), or until
 * fixed (`breaks`: the apps it covers and since when each is broken).
 */
export const DeskMuteSchema = z.looseObject({
  ...where,
  member: z.string(),
  at: time,
  until: z.optional(time),
  breaks: z.optional(z.array(z.looseObject({ slug: z.string(), since: z.optional(time) }))),
});

export const DeskNoteSchema = z.looseObject({ ...where, member: z.string(), at: time, text: z.string().check(z.maxLength(NOTE_MAX_RAW)) });

/** A break fixed while `member` was on it (since `since`), at `at`; named, as it has left the status's accounts. */
export const DeskFixedSchema = z.looseObject({
  ...where,
  member: z.string(),
  since: time,
  at: time,
  name: z.string(),
  accountName: z.optional(z.string()),
});

/** A source's desk in `GET /v1/status`; an empty list is left out, and so is an empty desk. */
export const DeskViewSchema = z.looseObject({
  claims: z.optional(z.array(DeskClaimSchema)),
  mutes: z.optional(z.array(DeskMuteSchema)),
  notes: z.optional(z.array(DeskNoteSchema)),
  fixed: z.optional(z.array(DeskFixedSchema)),
});
export type DeskView = z.infer<typeof DeskViewSchema>;
export type DeskClaimView = z.infer<typeof DeskClaimSchema>;
export type DeskMuteView = z.infer<typeof DeskMuteSchema>;
export type DeskNoteView = z.infer<typeof DeskNoteSchema>;
export type DeskFixedView = z.infer<typeof DeskFixedSchema>;

/**
 * A note as it is kept and shown: text only, on one line (line breaks and tabs become spaces),
 * without control, format or direction characters (which could turn what follows around on
 * screen), spaces collapsed and trimmed. Both ends clean it; the relay's cleaning is the one kept.
 */
export function cleanNote(text: string): string {
  return text
    .replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, " ")
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Characters as a person counts them (code points, so an emoji is one). */
export function noteLength(text: string): number {
  return [...text].length;
}
