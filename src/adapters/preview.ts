import { api } from "./browser.ts";
import type { Snapshot } from "./storage.ts";
import type { HealthyApps } from "../core/status.ts";
import { sampleOrg, type SampleOrg } from "../core/preview/sample.ts";
import type { PreviewState } from "../core/preview/state.ts";

/** The demo org, with its icons at their URLs in this extension's package. */
function org(preview: PreviewState): SampleOrg {
  return sampleOrg(preview.startedAt, (path) => api().runtime.getURL(path));
}

/**
 * What the pages and the badge show while the preview is on: the demo org as if it were the only
 * source, checked when the preview began, and nothing of the user's (their settings, results and
 * notices stay stored as they are, and are shown again once the preview ends).
 */
export function sampleView(snapshot: Snapshot & { preview: PreviewState }): Snapshot {
  const { source, status } = org(snapshot.preview);
  return { settings: { sources: [source] }, statuses: { [source.id]: status }, progress: { [source.id]: null }, notices: [], preview: snapshot.preview };
}

/** The demo org's healthy apps (the popup's collapsed list); they carry no times. */
export function sampleHealthy(): HealthyApps {
  return org({ startedAt: 0 }).healthy;
}
