import { api } from "./browser.ts";
import type { BadgeState } from "../core/badge/badge.ts";

export async function applyBadge(badge: BadgeState): Promise<void> {
  const action = api().action;
  await Promise.all([
    action.setBadgeText({ text: badge.text }),
    action.setBadgeBackgroundColor({ color: badge.color }),
    action.setTitle({ title: badge.title }),
    // Not in every browser version; white on the coloured badge reads best where it exists.
    typeof action.setBadgeTextColor === "function" ? action.setBadgeTextColor({ color: "#ffffff" }) : undefined,
  ]);
}
