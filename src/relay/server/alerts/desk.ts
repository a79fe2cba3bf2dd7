import type { DeskFile } from "../store/desk-rules.ts";

/*
 * What the alerts need from the team's desk (who is on which break, what the team muted), as a
 * snapshot taken when they decide: the rules read it and never change it. `snapshotOf` takes it
 * from the desk the relay keeps (store/desk.ts, each source's live part); without a desk it is
 * EMPTY_DESK: nobody is on anything and nothing is muted, so every open break counts as
 * unclaimed and gets its reminders.
 */

export interface DeskClaim {
  sourceId: string;
  accountId: string;
  /** Absent: the whole linked account (someone is on each of its apps). */
  slug?: string;
  member: string;
  since: number;
}

export interface DeskMute {
  sourceId: string;
  accountId: string;
  /** Absent: every app of the linked account. */
  slug?: string;
  /** Only the break that began then (a mute until fixed covers the breaks there were); absent: any. */
  breakSince?: number;
  /** Absent: until someone unmutes it (or its break ends). */
  until?: number;
}

export interface DeskSnapshot {
  /** Claims in effect. */
  claims: readonly DeskClaim[];
  mutes: readonly DeskMute[];
  /** Claims a fix ended a moment ago (the desk keeps them an hour), so a "fixed" can say who was on it. */
  ended?: readonly DeskClaim[];
}

/** Asked each time the alerts decide something: a snapshot now. */
export type DeskProvider = () => DeskSnapshot | Promise<DeskSnapshot>;

export const EMPTY_DESK: DeskSnapshot = { claims: [], mutes: [] };

export interface BreakKey {
  sourceId: string;
  accountId: string;
  slug: string;
}

const sameAccount = (entry: { sourceId: string; accountId: string }, key: BreakKey) => entry.sourceId === key.sourceId && entry.accountId === key.accountId;

/** Who is on this app's break: a claim on the app, else one on its whole linked account. */
export function claimOf(desk: DeskSnapshot, key: BreakKey): DeskClaim | undefined {
  const claims = desk.claims.filter((claim) => sameAccount(claim, key));
  return claims.find((claim) => claim.slug === key.slug) ?? claims.find((claim) => claim.slug === undefined);
}

/** Who was on this break (begun at `since`) when a fix ended their claim, if the desk says. */
export function endedClaimOf(desk: DeskSnapshot, key: BreakKey & { since: number }): DeskClaim | undefined {
  const claims = (desk.ended ?? []).filter((claim) => sameAccount(claim, key) && claim.since >= key.since);
  return claims.find((claim) => claim.slug === key.slug) ?? claims.find((claim) => claim.slug === undefined);
}

export function isMuted(desk: DeskSnapshot, key: BreakKey & { since?: number }, now: number): boolean {
  return desk.mutes.some(
    (mute) =>
      sameAccount(mute, key) &&
      (mute.slug === undefined || mute.slug === key.slug) &&
      (mute.breakSince === undefined || key.since === undefined || mute.breakSince === key.since) &&
      (mute.until === undefined || mute.until > now),
  );
}

/** The alerts' view of each source's live desk (store/desk.ts `live`): claims, team mutes, and claims a fix ended. */
export function snapshotOf(sources: readonly { id: string; desk: DeskFile }[]): DeskSnapshot {
  const claims: DeskClaim[] = [];
  const mutes: DeskMute[] = [];
  const ended: DeskClaim[] = [];
  for (const { id: sourceId, desk } of sources) {
    for (const claim of desk.claims) claims.push({ sourceId, accountId: claim.account, ...(claim.app !== undefined && { slug: claim.app }), member: claim.member, since: claim.at });
    for (const fixed of desk.fixed) ended.push({ sourceId, accountId: fixed.account, ...(fixed.app !== undefined && { slug: fixed.app }), member: fixed.member, since: fixed.since });
    for (const mute of desk.mutes) {
      const base: DeskMute = { sourceId, accountId: mute.account, ...(mute.until !== undefined && { until: mute.until }) };
      if (mute.breaks) mutes.push(...mute.breaks.map((each): DeskMute => ({ ...base, slug: each.slug, ...(each.since !== undefined && { breakSince: each.since }) })));
      else mutes.push({ ...base, ...(mute.app !== undefined && { slug: mute.app }), ...(mute.app !== undefined && mute.broke !== undefined && { breakSince: mute.broke }) });
    }
  }
  return { claims, mutes, ended };
}
