import type { BadgeState } from "../badge/badge.ts";
import type { Rgb } from "../badge/table.ts";
import type { Translator } from "../i18n/translator.ts";
import type { AppRecord } from "../api/records.ts";

/*
 * What the sample data says in place of doing: Reconnect and Copy link explain what they would
 * do in the user's own org, and the badge says that its count is a demo's.
 */

export type RowAction = "reconnect" | "copy";

/**
 * In the user's org Reconnect opens (and Copy link copies) a fresh link that Cobalt makes on the
 * click: the app's OAuth consent page for an OAuth app, else Cobalt's hosted portal for that
 * linked account (core/api/reconnect.ts decides the same way).
 */
export function sampleLinkText(t: Translator, action: RowAction, app: Pick<AppRecord, "name" | "authType">, account: string): string {
  const params = { app: app.name, account };
  const oauth = app.authType === "oauth2";
  if (action === "reconnect") return oauth ? t.msg("previewReconnectOAuth", params) : t.msg("previewReconnectPortal", params);
  return oauth ? t.msg("previewCopyOAuth", params) : t.msg("previewCopyPortal", params);
}

/** The preview's badge colour: not the count's red, so a glance tells the demo from a real alert. */
export const SAMPLE_BADGE_COLOR: Rgb = "#1967d2";

/** The demo org's badge, marked: its own colour, and a tooltip that starts by saying it is sample data. */
export function markSampleBadge(badge: BadgeState, t: Translator): BadgeState {
  return { text: badge.text, color: SAMPLE_BADGE_COLOR, title: t.msg("previewBadgeTitle", { title: badge.title }) };
}
