import { sourceKey } from "../settings/fingerprint.ts";
import type { AccountStatus, CheckNote } from "../status/model.ts";
import type { CheckContext, Planned, Target } from "./context.ts";
import type { Listing } from "./listing.ts";
import { planFullChecks } from "./plan.ts";

/*
 * The planning step: which linked accounts a check reports on, and which of them get the full
 * List Applications call (the rest are trusted to the listing, or kept as they were).
 */

/** Listed linked accounts: each gets the full call; the rotation does not move. */
export function planListed(ids: readonly string[], previousById: ReadonlyMap<string, AccountStatus>, cursor: number): Planned {
  return { targets: ids.map((id) => ({ id, name: previousById.get(id)?.name })), nextCursor: cursor, notes: [] };
}

/**
 * "Watch every account": which accounts get the full call this cycle, and which are trusted to
 * the listing. An account known from before but missing from a listing that was not read whole
 * and unchanged keeps its last data: it may only have moved between pages.
 */
export function planEveryAccount(listing: Listing, previousById: ReadonlyMap<string, AccountStatus>, cursor: number): Planned {
  const flagged = new Set<string>();
  for (const account of listing.accounts) {
    const hadReauth = (previousById.get(account.id)?.reauth.length ?? 0) > 0;
    if (!account.healthy || hadReauth) flagged.add(account.id);
  }
  const ids = listing.accounts.map((account) => account.id);
  const plan = planFullChecks({ ids, flagged, cursor });
  const targets: Target[] = listing.accounts.map((account) => {
    const target: Target = { id: account.id, name: account.name };
    if (!plan.full.has(account.id) && account.healthy) target.cheap = { healthy: account.healthy };
    return target;
  });
  if (listing.changed || listing.skipped > 0) {
    const listed = new Set(ids);
    for (const id of previousById.keys()) if (!listed.has(id)) targets.push({ id, kept: true });
  }
  return { targets, nextCursor: plan.nextCursor, notes: listingNotes(listing), accountsTotal: listing.accounts.length };
}

/** What the listing said that is worth knowing but is not a failure. */
function listingNotes(listing: Listing): CheckNote[] {
  const notes: CheckNote[] = [];
  // No linked accounts yet is a state, not a failure: the schedule keeps looking.
  if (listing.accounts.length === 0 && listing.skipped === 0) notes.push({ code: "no-accounts" });
  if (listing.changed) notes.push({ code: "listing-changed" });
  if (listing.skipped > 0) notes.push({ code: "accounts-skipped", count: listing.skipped });
  return notes;
}

/**
 * Accounts waiting for the user: Cobalt said it has no such linked account (404) for these same
 * settings. The schedule does not ask again; a user's Refresh or Save does.
 */
export function waitingForUser(ctx: CheckContext, previousById: ReadonlyMap<string, AccountStatus>): (id: string) => boolean {
  const sameSource = ctx.previous.source === sourceKey(ctx.settings);
  return (id) => !ctx.manual && sameSource && previousById.get(id)?.error?.kind === "not-found";
}

/** The accounts to ask Cobalt about, in order. */
export function fetchQueue(targets: readonly Target[], waiting: (id: string) => boolean): Target[] {
  return targets.filter((target) => !target.cheap && !target.kept && !waiting(target.id));
}
