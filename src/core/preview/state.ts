/*
 * The sample-data preview: a demo org built into the extension, shown by the popup, the
 * badge and the options page instead of the user's own, for people without a Cobalt account and
 * for store reviewers. It lives under its own storage key, `preview`, and nothing else: the
 * user's settings and results stay stored as they are, untouched, and come back when it ends.
 * While it is on, the background makes no request at all.
 */

/** Its storage.local key. Absent: the preview is off. */
export const PREVIEW_KEY = "preview";

/** What is stored while the preview is on. */
export interface PreviewState {
  /** When it was turned on: the demo org was "checked" then, so its times stay put. */
  startedAt: number;
}

/**
 * The demo org's source id. Not a valid stored id (isSourceId in core/settings/source-ids.ts), so no source of
 * the user's can ever be taken for it: whatever carries it is sample data, and the pages never
 * ask Cobalt anything for it.
 */
export const SAMPLE_SOURCE_ID = "@sample";

export function isSampleSource(source: { id: string }): boolean {
  return source.id === SAMPLE_SOURCE_ID;
}

/** Where the demo org's icons are in the package: `<dir>/<slug>.svg` (public/preview-icons/). */
export const SAMPLE_ICON_DIR = "preview-icons";
