import { api } from "./browser.ts";
import { exclusive } from "./locks.ts";
import { parseNotified, type Notified } from "../core/alerts/breaks.ts";
import { parseFollowUps, type FollowUp } from "../core/alerts/followups.ts";
import { parseMutes, type Mute } from "../core/alerts/mutes.ts";

/*
 * The alerts' records in storage.local, one global key each, parsed entry by entry
 * where they enter (a damaged entry is dropped alone):
 *   mutes       what the user muted, and until when (core/alerts/mutes.ts); written by the popup
 *   notified    the breaks and failures a notification announced (core/alerts/breaks.ts)
 *   followups   re-checks after Reconnect or Copy link, and how they ended (core/alerts/followups.ts)
 * Entries of a removed source are pruned by the background; none of them holds prose. Every
 * change reads and writes under the record's lock (locks.ts), so no writer loses another's.
 */

export const ALERT_KEYS = { mutes: "mutes", notified: "notified", followups: "followups" } as const;

export async function loadMutes(): Promise<Mute[]> {
  return parseMutes((await api().storage.local.get(ALERT_KEYS.mutes))[ALERT_KEYS.mutes]);
}

export async function saveMutes(mutes: readonly Mute[]): Promise<void> {
  await api().storage.local.set({ [ALERT_KEYS.mutes]: mutes });
}

/** Reads the latest mutes, changes them and writes them back, if they changed: one writer at a
 * time (the popup mutes, the background prunes). */
export function updateMutes(change: (mutes: Mute[]) => Mute[]): Promise<Mute[]> {
  return exclusive(ALERT_KEYS.mutes, async () => {
    const before = await loadMutes();
    const after = change(before);
    if (JSON.stringify(after) !== JSON.stringify(before)) await saveMutes(after);
    return after;
  });
}

export async function loadNotified(): Promise<Notified> {
  return parseNotified((await api().storage.local.get(ALERT_KEYS.notified))[ALERT_KEYS.notified]);
}

export async function saveNotified(notified: Notified): Promise<void> {
  await api().storage.local.set({ [ALERT_KEYS.notified]: notified });
}

export async function loadFollowUps(): Promise<FollowUp[]> {
  return parseFollowUps((await api().storage.local.get(ALERT_KEYS.followups))[ALERT_KEYS.followups]);
}

/** Reads the latest follow-ups, changes them and writes them back, if they changed: one writer at
 * a time (two Copy link clicks, two reconnect tabs closed, a check settling them). */
export function updateFollowUps(change: (list: FollowUp[]) => FollowUp[]): Promise<FollowUp[]> {
  return exclusive(ALERT_KEYS.followups, async () => {
    const before = await loadFollowUps();
    const after = change(before);
    if (JSON.stringify(after) !== JSON.stringify(before)) await api().storage.local.set({ [ALERT_KEYS.followups]: after });
    return after;
  });
}
