/**
 * Which accounts get the full List Applications call in "watch every account" mode.
 *
 * The listing's `integrations[].reauth_required` is a cheap first pass, but it can miss an app
 * whose only sign is `connected_accounts[].status: "expired"`. So every account is also checked
 * in full on a rotation: each cycle takes the next 1/ROTATION of the accounts, so each account is
 * checked in full at least once every ROTATION cycles (an hour at the default 5-minute interval).
 */
export const ROTATION = 12;

/** Linked accounts per listing page: few requests, answers still small. */
export const PAGE_SIZE = 100;

/** A listing never takes more pages than this (100,000 accounts at PAGE_SIZE), whatever its
 * totals say: a server that pages without end must not keep a check going. */
export const MAX_LISTING_PAGES = 1_000;

export interface PlanInput {
  /** All accounts of this cycle, in listing order. */
  ids: string[];
  /** Accounts whose listing entry says nothing (no integrations field) or flags re-auth. */
  flagged: Set<string>;
  /** Where the rotation stopped last cycle. */
  cursor: number;
}

export interface Plan {
  full: Set<string>;
  nextCursor: number;
  /** How many of `full` come from the rotation alone. */
  rotationShare: number;
}

export function rotationSize(total: number): number {
  return Math.ceil(total / ROTATION);
}

export function planFullChecks({ ids, flagged, cursor }: PlanInput): Plan {
  const full = new Set(flagged);
  const size = rotationSize(ids.length);
  const start = ids.length === 0 ? 0 : cursor % ids.length;
  let rotationShare = 0;
  for (let i = 0; i < size; i++) {
    const id = ids[(start + i) % ids.length]!;
    if (!full.has(id)) rotationShare++;
    full.add(id);
  }
  return { full, nextCursor: ids.length === 0 ? 0 : (start + size) % ids.length, rotationShare };
}
