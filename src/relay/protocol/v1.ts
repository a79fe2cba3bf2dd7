import { dictOf, z } from "../../core/kit/zod.ts";
import { ERROR_KINDS, type ErrorKind } from "../../core/api/errors.ts";
import { isHttpUrl } from "../../core/kit/url.ts";
import { DeskViewSchema } from "./desk.ts";

/*
 * The team relay's HTTP API, version 1: the shapes both ends agree on. The relay (src/relay/)
 * builds its answers to fit these schemas and the extension parses what it receives with them.
 * No Node and no browser APIs here: both sides import this file.
 *
 * Objects are loose, as everywhere data enters: a newer relay may add fields and an older
 * extension must keep working. Times are milliseconds since the epoch, like the stored Status.
 * Failures are data (a kind from ErrorKind plus numbers), never sentences: the extension words
 * them in the user's language, and no text from Cobalt (which could echo anything) passes through.
 */

export const RELAY_PROTOCOL = 1;

/** Member tokens start with this, so a leaked one is recognisable (secret scanners, logs). */
export const MEMBER_TOKEN_PREFIX = "cirelay_";

export const RELAY_PATHS = {
  status: "/v1/status",
  healthyApps: "/v1/healthy-apps",
  links: "/v1/links",
  health: "/v1/health",
  webhook: "/v1/cobalt/webhook",
} as const;

/**
 * Asks GET /v1/status and /v1/healthy-apps for their compact answers (`?compact=1`): a status
 * that lists only the accounts with something to show and counts the rest, healthy apps as a
 * catalog. Without it the relay answers as it always did, so an extension from before keeps
 * working; a relay from before ignores it and answers in full, which the extension reads too.
 */
export const COMPACT_PARAM = "compact";


export const ErrorKindSchema = z.enum(ERROR_KINDS);

const count = z.number().check(z.int(), z.nonnegative());
const time = z.number().check(z.nonnegative());
const httpUrl = z.string().check(z.refine(isHttpUrl, "not an http(s) URL"));

/** How a request to Cobalt failed: the kind, and the HTTP status and wait when there were any. */
export const ProblemSchema = z.looseObject({
  kind: ErrorKindSchema,
  status: z.optional(z.number().check(z.int())),
  retryAfterMs: z.optional(count),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const DatedProblemSchema = z.extend(ProblemSchema, { at: time });
export type DatedProblem = z.infer<typeof DatedProblemSchema>;

export const RelayAppSchema = z.looseObject({
  slug: z.string(),
  name: z.string(),
  icon: z.optional(httpUrl),
  authType: z.optional(z.string()),
  /** The first time the relay saw this app needing re-authentication. */
  since: time,
});
export type RelayApp = z.infer<typeof RelayAppSchema>;

export const RelayAccountSchema = z.looseObject({
  id: z.string(),
  name: z.optional(z.string()),
  /** When this account's data was last fetched successfully. */
  checkedAt: z.optional(time),
  reauth: z.array(RelayAppSchema),
  healthyCount: count,
  /** Set when the latest attempt for this account failed; `reauth` is then the last good data. */
  error: z.optional(DatedProblemSchema),
  skipped: z.optional(count),
});
export type RelayAccount = z.infer<typeof RelayAccountSchema>;

export const EnvironmentSchema = z.enum(["test", "production", "unknown"]);

/** In a compact status: the accounts left out because nothing is to be shown for them, and their healthy apps. */
export const UnlistedSchema = z.looseObject({ accounts: count, healthyApps: count });
export type Unlisted = z.infer<typeof UnlistedSchema>;

/** A source the relay serves: one Cobalt key of the relay's (the extension's setting for a relay is RelaySource, in core/settings). */
export const ServedSourceSchema = z.looseObject({
  id: z.string(),
  label: z.string(),
  /** From the key's prefix (tk / pk); the key itself never leaves the relay. */
  environment: EnvironmentSchema,
  /** When the last complete check of this source succeeded. */
  checkedAt: z.optional(time),
  /** Linked accounts the key can see, when the source watches all of them. */
  accountsTotal: z.optional(count),
  /** A failure of the whole check (key rejected, Cobalt rate limiting the relay…). */
  error: z.optional(DatedProblemSchema),
  /** When the relay will next ask Cobalt, while it is backing off. */
  retryAt: z.optional(time),
  /**
   * All accounts, or in a compact status (`?compact=1`) only those with something to show: an
   * app needing re-authentication, a failure, or items that could not be read.
   */
  accounts: z.array(RelayAccountSchema),
  /** Set in a compact status, and only there: the accounts `accounts` leaves out, counted. */
  unlisted: z.optional(UnlistedSchema),
  /** The team's desk of this source (desk.ts): claims, team mutes, notes; absent while empty. */
  desk: z.optional(DeskViewSchema),
});
export type ServedSource = z.infer<typeof ServedSourceSchema>;

/** `GET /v1/status`, with a strong ETag; `If-None-Match` gets 304 while nothing changed. */
export const RelayStatusSchema = z.looseObject({
  protocol: z.number(),
  /**
   * The member whose token asked, as the desk names members (desk.ts): a popup says "You" for
   * them. Set by every relay with a desk, so its presence also says the desk can be used.
   */
  member: z.optional(z.string()),
  sources: z.array(ServedSourceSchema),
});
export type RelayStatus = z.infer<typeof RelayStatusSchema>;

export const HealthyAppSchema = z.looseObject({
  slug: z.string(),
  name: z.string(),
  icon: z.optional(httpUrl),
  authType: z.optional(z.string()),
});

/** `GET /v1/healthy-apps` (ETag as for status): healthy connected apps by source, then account. */
export const RelayHealthyAppsSchema = z.looseObject({
  protocol: z.number(),
  sources: z.array(z.looseObject({ id: z.string(), accounts: dictOf(z.array(HealthyAppSchema)) })),
});
export type RelayHealthyApps = z.infer<typeof RelayHealthyAppsSchema>;
export type HealthyApp = z.infer<typeof HealthyAppSchema>;

const CompactHealthySourceSchema = z
  .looseObject({
    id: z.string(),
    /** Each healthy app once. */
    apps: z.array(HealthyAppSchema),
    /** The accounts with healthy apps, in the status's order: each named (a compact status lists
     * few of them) with its healthy apps as indices into `apps`. */
    accounts: z.array(z.looseObject({ id: z.string(), name: z.optional(z.string()), apps: z.array(count) })),
  })
  .check(z.refine((source) => source.accounts.every((account) => account.apps.every((index) => index < source.apps.length)), "an app index out of range"));

/** `GET /v1/healthy-apps?compact=1` (ETag as for status): the healthy apps as a catalog, by source. */
export const RelayHealthyCompactSchema = z.looseObject({
  protocol: z.number(),
  sources: z.array(CompactHealthySourceSchema),
});
export type RelayHealthyCompact = z.infer<typeof RelayHealthyCompactSchema>;

const MAX_ID = 200;
const idField = z.string().check(z.minLength(1), z.maxLength(MAX_ID));

/** `POST /v1/links` body: one app of one linked account of one source. */
export const LinkRequestSchema = z.looseObject({
  sourceId: idField,
  linkedAccountId: idField,
  slug: idField,
});
export type LinkRequest = z.infer<typeof LinkRequestSchema>;

/** `POST /v1/links` answer: made on request, never cached; open it or copy it. */
export const LinkResponseSchema = z.looseObject({
  url: httpUrl,
  via: z.enum(["oauth", "portal"]),
});
export type LinkResponse = z.infer<typeof LinkResponseSchema>;

export const RELAY_ERROR_CODES = [
  /** No member token, or one the relay does not know (revoked, mistyped). 401. */
  "token-rejected",
  /** Too many rejected tokens from this address, or too many links from this member. 429. */
  "too-many-requests",
  /** The request body or headers are not what the API expects. 400. */
  "bad-request",
  /** 404s of /v1/links and /v1/desk: the source, the linked account, or an app that needs re-authentication. */
  "unknown-source",
  "unknown-account",
  "app-not-reauth",
  /** Cobalt failed while the relay made the link; `problem` says how. 502. */
  "cobalt",
  /** The desk (desk.ts), 409: someone else is on this break (take it over instead), only its claimer can release it, or this member has as many claims, mutes and notes as a member may. */
  "claimed",
  "not-yours",
  "desk-full",
  /** A note longer than NOTE_MAX_CHARS. 400. */
  "note-too-long",
  /** The webhook's x-cobalt-signature did not verify. 401. */
  "bad-signature",
  "not-found",
  "internal",
] as const;
export type RelayErrorCode = (typeof RELAY_ERROR_CODES)[number];

/** Every non-2xx answer of the relay (except 304). `Retry-After` is also sent as a header. */
export const RelayErrorSchema = z.looseObject({
  error: z.looseObject({
    code: z.enum(RELAY_ERROR_CODES),
    problem: z.optional(ProblemSchema),
    retryAfterSeconds: z.optional(count),
  }),
});
export type RelayError = z.infer<typeof RelayErrorSchema>;

/** `GET /v1/health`: no authentication, so nothing but whether each source's last check worked. */
export const RelayHealthSchema = z.looseObject({
  ok: z.boolean(),
  sources: z.array(
    z.looseObject({
      id: z.string(),
      ok: z.boolean(),
      checkedAt: z.optional(time),
      errorKind: z.optional(ErrorKindSchema),
    }),
  ),
});
export type RelayHealth = z.infer<typeof RelayHealthSchema>;
