import { ApiError } from "../api/errors.ts";
import type { LinkedAccountPage } from "../api/client.ts";
import { integrationsSay } from "../api/records.ts";
import type { LinkedAccount } from "../api/schemas.ts";
import type { CheckContext, Journal, Listed, ListingProgress, Resumed } from "./context.ts";
import { MAX_LISTING_PAGES, PAGE_SIZE } from "./plan.ts";
import type { Requests } from "./requests.ts";

/** Pages a listing may run past what its totals announce (accounts added while it is read). */
const PAGE_SLACK = 5;

export interface Listing {
  accounts: Listed[];
  /** The total announced changed between pages: accounts came or went while it was read. */
  changed: boolean;
  /** Entries that could not be read. */
  skipped: number;
}

/**
 * The listing step of "watch every account": every page of List Linked Accounts, each account
 * once (one repeated on the next page is the same account). Throws when the listing cannot be
 * used at all, including one that pages on without end.
 *
 * Each page read is told to the journal before the next is asked for, and a listing an earlier
 * run of the check began carries on after its last kept page: a background stopped in the middle
 * of a long listing does not start it over. (The journal's writes are also what keeps a browser
 * from taking a background that only fetches for idle.)
 */
export async function listEveryAccount(ctx: CheckContext, requests: Requests, journal?: Journal, resumed?: Pick<Resumed, "listing" | "pages">): Promise<Listing> {
  const limit = ctx.pageSize ?? PAGE_SIZE;
  const seen = new Map<string, Listed>();
  const add = (accounts: readonly Listed[]) => {
    for (const account of accounts) if (!seen.has(account.id)) seen.set(account.id, account);
  };
  let progress: ListingProgress = resumed?.listing ?? { pages: 0, done: false, changed: false, skipped: 0, maxPages: MAX_LISTING_PAGES };
  for (const page of resumed?.pages ?? []) add(page);
  while (!progress.done) {
    const page = progress.pages + 1;
    const result = await requests.call(() => ctx.client.listLinkedAccounts(page, limit));
    progress = afterPage(progress, page, result, limit);
    const accounts = result.accounts.map(listed);
    add(accounts);
    await journal?.listed(page, accounts, progress);
  }
  return { accounts: [...seen.values()], changed: progress.changed, skipped: progress.skipped };
}

/** What the check keeps of a listed account: enough to plan its full call, or to trust the listing. */
export function listed(account: LinkedAccount): Listed {
  const entry: Listed = { id: account.account_id };
  if (account.name !== undefined) entry.name = account.name;
  const said = integrationsSay(account);
  if (said && !said.anyReauth) entry.healthy = said.healthy;
  return entry;
}

/** Where the listing stands once `page` is read; throws when it runs on past its limits. */
function afterPage(before: ListingProgress, page: number, result: LinkedAccountPage, limit: number): ListingProgress {
  const entries = result.accounts.length + result.skipped;
  const next: ListingProgress = { ...before, pages: page, skipped: before.skipped + result.skipped };
  if (page === 1) {
    delete next.total;
    delete next.announced;
    if (result.totalDocs !== undefined) next.total = result.totalDocs;
    const limits = pageLimits(result, entries, limit);
    next.maxPages = limits.maxPages;
    if (limits.announced !== undefined) next.announced = limits.announced;
  } else if (result.totalDocs !== before.total) {
    next.changed = true;
  }
  // An empty page ends the listing; a page whose entries were all unreadable does not.
  next.done = !result.hasNextPage || entries === 0;
  if (!next.done && page >= next.maxPages) {
    throw new ApiError(
      "bad-response",
      next.announced === undefined ? { cause: "listing-too-long", pages: next.maxPages } : { cause: "listing-over-announced", pages: next.announced },
    );
  }
  return next;
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
