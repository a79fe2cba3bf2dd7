import { z } from "../../../src/core/kit/zod.ts";
import { ANSWERS, ERROR_CAUSES, ERROR_KINDS, type ErrorInfo } from "../../../src/core/api/errors.ts";
import { BUDGET, INTERVAL, MAX_LABEL_LENGTH, RELAY_INTERVAL } from "../../../src/core/settings/model.ts";
import type { CobaltSource, RelaySource } from "../../../src/core/settings/model.ts";

/*
 * Everything the extension stores, as zod schemas: the declarative statement of each shape. The
 * extension reads storage with their hand-written twins in guards.ts (so that the popup opens
 * without zod); test/unit/core/kit/guards.test.ts runs both over the same inputs and requires
 * the same results. A change to a stored shape is made in both places, or that test fails.
 */

export const AppRecordSchema = z.object({
  slug: z.string(),
  name: z.string(),
  icon: z.optional(z.string()),
  authType: z.optional(z.string()),
});

/** A cause or answer a later version adds is dropped, not a reason to set the whole entry aside. */
const tolerant = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined);

/**
 * Kind, time and parameters (see ErrorParams). Older versions also stored an English `message`:
 * it is dropped when read (unknown keys are), and the kind and time still read.
 */
export const ErrorInfoSchema = z.object({
  kind: z.enum(ERROR_KINDS),
  at: z.number(),
  cause: tolerant(z.enum(ERROR_CAUSES)),
  status: z.optional(z.number()),
  detail: z.optional(z.string()),
  retryAfterMs: z.optional(z.number()),
  origin: z.optional(z.string()),
  seconds: z.optional(z.number()),
  pages: z.optional(z.number()),
  megabytes: z.optional(z.number()),
  accountId: z.optional(z.string()),
  answer: tolerant(z.enum(ANSWERS)),
  path: z.optional(z.string()),
  upstream: tolerant(z.enum(ERROR_KINDS)),
}) satisfies z.ZodMiniType<ErrorInfo, unknown>;

const CheckNoteSchema = z.union([
  z.object({ code: z.literal("listing-changed") }),
  z.object({ code: z.literal("accounts-skipped"), count: z.number() }),
  z.object({ code: z.literal("no-accounts") }),
]);

export const BackoffSchema = z.object({ failures: z.number(), notBefore: z.number(), retryAfterUntil: z.optional(z.number()), throttledAt: z.optional(z.number()) });

const deskWhere = { accountId: z.string(), slug: z.optional(z.string()), member: z.string() };

/** A relay source's team desk, as its results keep it (core/status/desk.ts). */
export const TeamDeskSchema = z.object({
  claims: z.array(z.object({ ...deskWhere, since: z.number(), from: z.optional(z.string()) })),
  mutes: z.array(z.object({ ...deskWhere, at: z.number(), until: z.optional(z.number()), breaks: z.optional(z.array(z.object({ slug: z.string(), since: z.optional(z.number()) }))) })),
  notes: z.array(z.object({ ...deskWhere, at: z.number(), text: z.string() })),
  fixed: z.array(z.object({ ...deskWhere, since: z.number(), at: z.number(), name: z.string(), accountName: z.optional(z.string()) })),
});

/**
 * Every field of Status but its schema version and accounts, as stored: one list for every
 * layout (the legacy `status` key and the header of the sharded one).
 */
export const STATUS_FIELDS = {
  source: z.string(),
  checkedAt: z.optional(z.number()),
  error: z.optional(ErrorInfoSchema),
  accountsTotal: z.optional(z.number()),
  backoff: z.optional(BackoffSchema),
  fullCheckCursor: z.optional(z.number()),
  cycle: z.optional(z.number()),
  lastRun: z.optional(z.object({ ms: z.number(), requests: z.number() })),
  // Notes a later version adds are dropped, not a reason to set the whole status aside.
  notes: z.catch(z.optional(z.array(CheckNoteSchema)), undefined),
  // Damaged, it costs the ETag (and the desk) alone: the next poll reads the relay's status whole and writes it again.
  relay: z.catch(
    z.optional(
      z.object({
        etag: z.optional(z.string()),
        sources: z.array(z.string()),
        unlisted: z.optional(z.object({ accounts: z.number(), healthyApps: z.number() })),
        member: z.optional(z.string()),
        desk: z.optional(TeamDeskSchema),
      }),
    ),
    undefined,
  ),
};

/** The legacy one-key layout's whole status. */
export const StatusSchema = z.object({
  schemaVersion: z.number(),
  ...STATUS_FIELDS,
  accounts: z.array(
    z.object({
      id: z.string(),
      name: z.optional(z.string()),
      checkedAt: z.optional(z.number()),
      reauth: z.array(AppRecordSchema),
      healthyCount: z.number(),
      error: z.optional(ErrorInfoSchema),
      skipped: z.optional(z.number()),
    }),
  ),
});

export const AppListSchema = z.array(AppRecordSchema);

export const ProgressSchema = z.nullable(z.object({ startedAt: z.number(), done: z.number(), total: z.number(), owner: z.optional(z.string()) }));

// The sharded layout (codec.ts).

export const HeaderSchema = z.object({ v: z.number(), shards: z.number(), ...STATUS_FIELDS });
export const CatalogSchema = z.object({ apps: z.array(z.nullable(AppRecordSchema)), errors: z.array(z.nullable(ErrorInfoSchema)) });
const AppRefsSchema = z.optional(z.array(z.number()));
export const RowSchema = z.object({
  i: z.string(),
  n: z.optional(z.string()),
  h: AppRefsSchema,
  r: AppRefsSchema,
  t: z.optional(z.nullable(z.number())),
  e: z.optional(z.number()),
  s: z.optional(z.number()),
  c: z.optional(z.number()),
  f: z.optional(z.unknown()),
});
export const ShardSchema = z.array(RowSchema);
export const AppFieldsSchema = z.object({ since: z.optional(z.number()) });

export const PendingBackoffSchema = z.object({
  owner: z.string(),
  source: z.string(),
  backoff: BackoffSchema,
  // An older version's English `message` is dropped when read, like any unknown key.
  error: z.extend(ErrorInfoSchema, { kind: z.literal("rate-limited") }),
});

// A check's checkpoint (core/check/checkpoint.ts), kept in storage.session while the check runs.

const CountSchema = z.int().check(z.nonnegative());
const IndicesSchema = z.array(CountSchema);

export const CheckpointHeadSchema = z.object({
  v: z.number(),
  source: z.string(),
  startedAt: z.number(),
  at: z.number(),
  cursor: CountSchema,
  requests: CountSchema,
  listing: z.object({ pages: CountSchema, done: z.boolean(), total: z.optional(z.number()), changed: z.boolean(), skipped: CountSchema, maxPages: CountSchema, announced: z.optional(z.number()) }),
  chunks: CountSchema,
});

export const ListingPartSchema = z.object({
  apps: z.array(AppRecordSchema),
  rows: z.array(z.object({ i: z.string(), n: z.optional(z.string()), h: z.optional(IndicesSchema) })),
});

export const AnswersPartSchema = z.object({
  apps: z.array(AppRecordSchema),
  rows: z.array(z.object({ i: z.string(), r: z.optional(IndicesSchema), h: z.optional(IndicesSchema), s: z.optional(CountSchema), e: z.optional(ErrorInfoSchema) })),
});

// Settings (core/settings/parse.ts): one validator per field, so a damaged value costs that value alone.

const clampInt = (min: number, max: number) => z.pipe(z.number(), z.transform((n) => Math.min(max, Math.max(min, Math.round(n)))));

type SourceFields = Omit<CobaltSource, "id" | "kind">;
type RelayFields = Omit<RelaySource, "id" | "kind">;

const label = z.pipe(z.string(), z.transform((text) => text.trim().slice(0, MAX_LABEL_LENGTH)));

export const SETTINGS_FIELD_SCHEMAS = {
  label,
  apiKey: z.string(),
  baseUrl: z.string(),
  linkedAccountIds: z.array(z.string()),
  intervalMinutes: clampInt(INTERVAL.min, INTERVAL.max),
  requestsPerMinute: clampInt(BUDGET.min, BUDGET.max),
} satisfies { [K in keyof SourceFields]: z.ZodMiniType<SourceFields[K], unknown> };

export const RELAY_FIELD_SCHEMAS = {
  label,
  relayUrl: z.string(),
  token: z.string(),
  intervalMinutes: clampInt(RELAY_INTERVAL.min, RELAY_INTERVAL.max),
  badgeUnclaimedOnly: z.boolean(),
} satisfies { [K in keyof RelayFields]-?: z.ZodMiniType<NonNullable<RelayFields[K]>, unknown> };

/** The notifications preference beside the sources. */
export const NOTIFICATIONS_SCHEMA = z.boolean();

// The sample-data preview (core/preview/state.ts).

export const PreviewSchema = z.object({ startedAt: z.number() });

// Alerts (core/alerts/).

export const MuteSchema = z.object({
  sourceId: z.string(),
  accountId: z.string(),
  slug: z.optional(z.string()),
  at: z.number(),
  until: z.optional(z.number()),
  breaks: z.optional(z.array(z.object({ slug: z.string(), since: z.optional(z.number()) }))),
});

export const FollowUpSchema = z.object({
  sourceId: z.string(),
  accountId: z.string(),
  slug: z.string(),
  name: z.string(),
  kind: z.enum(["reconnect", "copy"]),
  startedAt: z.number(),
  due: z.array(z.number()),
  outcome: z.optional(z.object({ fixed: z.boolean(), at: z.number() })),
  tabId: z.optional(z.number()),
});

/** A relay source's healthy apps, kept in storage.session (src/relay/client/healthy.ts): indices point into `apps`. */
export const RelayHealthyListSchema = z
  .object({
    source: z.string(),
    etag: z.optional(z.string()),
    apps: z.array(AppRecordSchema),
    accounts: z.array(z.object({ id: z.string(), name: z.optional(z.string()), apps: z.array(z.number()) })),
  })
  .check(z.refine((list) => list.accounts.every((account) => account.apps.every((at) => Number.isInteger(at) && at >= 0 && at < list.apps.length))));
