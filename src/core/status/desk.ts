import { arrayOf, num, object, optional, str, type Guard } from "../kit/guards.ts";

/** What the desk's queries read of an account (model.ts's AccountStatus, which keeps this desk: no circle). */
interface Broken {
  id: string;
  reauth: readonly { slug: string }[];
}

/*
 * The team's desk as a relay source's results keep it (RelayMeta.desk): who is on which break,
 * the team's mutes, notes, and the breaks fixed while someone was on them. It comes with each
 * poll of the relay (relay/client/check.ts) and is stored in the results' header, so the badge and
 * the popup read it with the rest. Account ids are the stored status's (prefixed by the relay's
 * source when it serves several). Names are members' names as the relay added them; `member` of
 * RelayMeta is this browser's own, so its claims read "You".
 */

export interface DeskClaim {
  accountId: string;
  /** Absent: the whole linked account. */
  slug?: string;
  member: string;
  since: number;
  /** Taken over from this member. */
  from?: string;
}

export interface DeskMute {
  accountId: string;
  slug?: string;
  member: string;
  at: number;
  until?: number;
  breaks?: { slug: string; since?: number }[];
}

export interface DeskNote {
  accountId: string;
  slug?: string;
  member: string;
  at: number;
  text: string;
}

export interface DeskFixed {
  accountId: string;
  slug?: string;
  member: string;
  /** Since when they were on it. */
  since: number;
  /** When the relay saw it fixed. */
  at: number;
  /** The app's name (or the account's, for a whole account), as it has left the list. */
  name: string;
  accountName?: string;
}

export interface TeamDesk {
  claims: DeskClaim[];
  mutes: DeskMute[];
  notes: DeskNote[];
  fixed: DeskFixed[];
}

export const EMPTY_TEAM_DESK: TeamDesk = { claims: [], mutes: [], notes: [], fixed: [] };

const where = { accountId: str, slug: optional(str), member: str };

/** The desk as stored (twin of test/unit/support/schemas.ts TeamDeskSchema). */
export const readTeamDesk: Guard<TeamDesk> = object({
  claims: arrayOf(object({ ...where, since: num, from: optional(str) })),
  mutes: arrayOf(object({ ...where, at: num, until: optional(num), breaks: optional(arrayOf(object({ slug: str, since: optional(num) }))) })),
  notes: arrayOf(object({ ...where, at: num, text: str })),
  fixed: arrayOf(object({ ...where, since: num, at: num, name: str, accountName: optional(str) })),
});

/** A relay source's desk, when its relay has one. */
export function teamDesk(status: { relay?: { desk?: TeamDesk } }): TeamDesk | undefined {
  return status.relay?.desk;
}

/** The claim that covers an app (its own, else its account's), or an account's own claim (no slug). */
export function claimFor(desk: TeamDesk | undefined, accountId: string, slug?: string): DeskClaim | undefined {
  if (!desk) return undefined;
  const own = desk.claims.find((claim) => claim.accountId === accountId && claim.slug === slug);
  if (own || slug === undefined) return own;
  return desk.claims.find((claim) => claim.accountId === accountId && claim.slug === undefined);
}

/** The note on exactly this break (an app's, or with no slug its account's). */
export function noteFor(desk: TeamDesk | undefined, accountId: string, slug?: string): DeskNote | undefined {
  return desk?.notes.find((note) => note.accountId === accountId && note.slug === slug);
}

/** Apps needing re-authentication someone is on, by member, in order of first seen; and their total. */
export function handledBy(desk: TeamDesk | undefined, accounts: readonly Broken[]): { total: number; members: { member: string; count: number }[] } {
  const counts = new Map<string, number>();
  let total = 0;
  if (desk && desk.claims.length > 0) {
    for (const account of accounts) {
      for (const app of account.reauth) {
        const claim = claimFor(desk, account.id, app.slug);
        if (!claim) continue;
        total++;
        counts.set(claim.member, (counts.get(claim.member) ?? 0) + 1);
      }
    }
  }
  return { total, members: [...counts].map(([member, count]) => ({ member, count })) };
}
