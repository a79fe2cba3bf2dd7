/*
 * What the alerts need from the team's desk (who is on which break, what the team muted), as a
 * snapshot the relay hands in: the rules read it and never change it. Until the relay has a desk
 * it is EMPTY_DESK: nobody is on anything and nothing is muted, so every open break counts as
 * unclaimed and gets its reminders.
 */

export interface DeskClaim {
  sourceId: string;
  accountId: string;
  slug: string;
  member: string;
  since: number;
}

export interface DeskMute {
  sourceId: string;
  accountId: string;
  /** Absent: every app of the linked account. */
  slug?: string;
  /** Absent: until someone unmutes it. */
  until?: number;
}

export interface DeskSnapshot {
  /**
   * Claims in effect, and those that ended with their break a moment ago, so a "fixed" message
   * can say who was on it (the alerts also remember the last claim they saw on an open break).
   */
  claims: readonly DeskClaim[];
  mutes: readonly DeskMute[];
}

/** Asked each time the alerts decide something: a snapshot now. */
export type DeskProvider = () => DeskSnapshot | Promise<DeskSnapshot>;

export const EMPTY_DESK: DeskSnapshot = { claims: [], mutes: [] };

export interface BreakKey {
  sourceId: string;
  accountId: string;
  slug: string;
}

export function claimOf(desk: DeskSnapshot, key: BreakKey): DeskClaim | undefined {
  return desk.claims.find((claim) => claim.sourceId === key.sourceId && claim.accountId === key.accountId && claim.slug === key.slug);
}

export function isMuted(desk: DeskSnapshot, key: BreakKey, now: number): boolean {
  return desk.mutes.some(
    (mute) => mute.sourceId === key.sourceId && mute.accountId === key.accountId && (mute.slug === undefined || mute.slug === key.slug) && (mute.until === undefined || mute.until > now),
  );
}
