import { updateMutes } from "../../adapters/alerts-store.ts";
import { mute, unmute, type MuteLength, type MuteScope } from "../../core/alerts/mutes.ts";
import type { AccountStatus } from "../../core/status/model.ts";

/*
 * Mute and Unmute from the popup: the popup writes `mutes` itself, like the options page
 * writes the settings; the background hears the change and renders the badge. Loaded with the
 * first mute choice, like links.ts.
 */

/** Mutes one app of `account` (or, without `slug`, the whole linked account) of a source. */
export async function muteApp(sourceId: string, account: AccountStatus, slug: string | undefined, length: MuteLength): Promise<void> {
  const now = Date.now();
  await updateMutes((list) => mute(list, slug === undefined ? { sourceId, account } : { sourceId, account, slug }, length, now));
}

export async function unmuteScope(scope: MuteScope): Promise<void> {
  await updateMutes((list) => unmute(list, scope));
}

/**
 * The muted row leaves the list: the focus goes to the source's Muted section, where it now is,
 * once the page has re-rendered from storage (a second at most), so the keyboard is not left on
 * nothing.
 */
export function focusAfterMute(list: Element, sourceId: string): void {
  const root = list.ownerDocument;
  const deadline = Date.now() + 1000;
  const attempt = () => {
    const summary = root.querySelector<HTMLElement>(`details.muted-apps[data-source="${CSS.escape(sourceId)}"]>summary`);
    if (summary) summary.focus();
    else if (Date.now() < deadline) requestAnimationFrame(attempt);
  };
  attempt();
}
