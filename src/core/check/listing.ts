import { ApiError } from "../api/errors.ts";
import type { LinkedAccount } from "../api/schemas.ts";
import type { CheckContext } from "./context.ts";
import { MAX_LISTING_PAGES, PAGE_SIZE } from "./plan.ts";
import type { Requests } from "./requests.ts";

/** Pages a listing may run past what its totals announce (accounts added while it is read). */
const PAGE_SLACK = 5;

export interface Listing {
  accounts: LinkedAccount[];
  /** The total announced changed between pages: accounts came or went while it was read. */
  changed: boolean;
  /** Entries that could not be read. */
  skipped: number;
}

/**
 * The listing step of "watch every account": every page of List Linked Accounts, each account
 * once (one repeated on the next page is the same account). Throws when the listing cannot be
 * used at all, including one that pages on without end.
 */
export async function listEveryAccount(ctx: CheckContext, requests: Requests): Promise<Listing> {
  const limit = ctx.pageSize ?? PAGE_SIZE;
  const seen = new Map<string, LinkedAccount>();
  let firstTotal: number | undefined;
  let changed = false;
  let skipped = 0;
  let limits = { maxPages: MAX_LISTING_PAGES, announced: undefined as number | undefined };
  for (let page = 1; ; page++) {
    const result = await requests.call(() => ctx.client.listLinkedAccounts(page, limit));
    const entries = result.accounts.length + result.skipped;
    if (page === 1) {
      firstTotal = result.totalDocs;
      limits = pageLimits(result, entries, limit);
    } else if (result.totalDocs !== firstTotal) {
      changed = true;
    }
    skipped += result.skipped;
    for (const account of result.accounts) if (!seen.has(account.account_id)) seen.set(account.account_id, account);
    // An empty page ends the listing; a page whose entries were all unreadable does not.
    if (!result.hasNextPage || entries === 0) break;
    if (page >= limits.maxPages) {
      throw new ApiError(
        "bad-response",
        limits.announced === undefined ? { cause: "listing-too-long", pages: limits.maxPages } : { cause: "listing-over-announced", pages: limits.announced },
      );
    }
  }
  return { accounts: [...seen.values()], changed, skipped };
}

/**
 * How many pages a listing may take: what its first page announces plus some slack, never more
 * than MAX_LISTING_PAGES. totalDocs (divided by the page size actually served) decides when it
 * is given, so a wrong totalPages cannot lift the limit.
 */
function pageLimits(first: { totalDocs: number | undefined; totalPages: number | undefined }, entries: number, limit: number): { maxPages: number; announced: number | undefined } {
  const perPage = Math.max(1, Math.min(limit, entries > 0 ? entries : limit));
  const announced = first.totalDocs !== undefined ? Math.ceil(first.totalDocs / perPage) : first.totalPages;
  if (announced === undefined || !(announced < MAX_LISTING_PAGES)) return { maxPages: MAX_LISTING_PAGES, announced: undefined };
  return { maxPages: Math.min(MAX_LISTING_PAGES, Math.max(1, announced) + PAGE_SLACK), announced: Math.max(0, announced) };
}
