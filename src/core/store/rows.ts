import { ERROR_KINDS } from "../api/errors.ts";
import { anything, arrayOf, num, object, optional, orNull, str } from "../kit/guards.ts";
import { readAppRecord, readBackoff, readErrorInfo, STATUS_FIELD_GUARDS } from "../status/stored.ts";

/*
 * Guards of the sharded layout's parts (codec.ts writes them): the header, the catalog of apps
 * and errors, the shards' rows, and a throttling answer's backoff kept while its check waits.
 */

export const readHeader = object({ v: num, shards: num, ...STATUS_FIELD_GUARDS });
export type Header = NonNullable<ReturnType<typeof readHeader>>;

export const readCatalog = object({ apps: arrayOf(orNull(readAppRecord)), errors: arrayOf(orNull(readErrorInfo)) });
export type Catalog = NonNullable<ReturnType<typeof readCatalog>>;

const appRefs = optional(arrayOf(num));
const readRow = object({
  i: str,
  n: optional(str),
  h: appRefs,
  r: appRefs,
  t: optional(orNull(num)),
  e: optional(num),
  s: optional(num),
  c: optional(num),
  // Read entry by entry (readAppFields): a damaged one costs its since, not the shard.
  f: optional(anything),
});
export type Row = NonNullable<ReturnType<typeof readRow>>;

export const readShard = arrayOf(readRow);

/** One entry of a row's per-app fields. */
export const readAppFields = object({ since: optional(num) });

/** A throttling answer's backoff kept while its check waits (check/interrupted.ts). */
export const readPendingBackoff = object({
  owner: str,
  source: str,
  backoff: readBackoff,
  error: (value: unknown) => {
    const error = readErrorInfo(value);
    return error?.kind === "rate-limited" ? error : undefined;
  },
});
