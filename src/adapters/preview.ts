import { api } from "./browser.ts";
import type { Snapshot } from "./storage.ts";
import type { HealthyApps } from "../core/status/model.ts";
import { sampleOrg, type SampleOrg } from "../core/preview/sample.ts";
import type { PreviewState } from "../core/preview/state.ts";

/** The demo org, with its icons at their URLs in this extension's package. */
function org(preview: PreviewState): SampleOrg {
  return sampleOrg(preview.startedAt, (path) => api().runtime.getURL(path));
}

/**
 * What the pages and the badge show while the preview is on: the demo org as if it were the only
 * source, checked when the preview began, and nothing of the user's (their settings, results and
 * notices stay stored as they are, and are shown again once the preview ends). Mutes are kept, so
 * muting can be tried on the demo org: its mutes name its own source id and touch nothing of the
 * user's (the first check after the preview prunes them, as for any source that no longer exists).
 */
export function sampleView(snapshot: Snapshot & { preview: PreviewState }): Snapshot {
  const { source, status } = org(snapshot.preview);
  return {
    settings: { sources: [source] },
    statuses: { [source.id]: status },
    progress: { [source.id]: null },
    notices: [],
    mutes: snapshot.mutes,
    followUps: [],
    preview: snapshot.preview,
  };
}

/** The demo org's healthy apps (the popup's collapsed list); they carry no times. */
export function sampleHealthy(): HealthyApps {
  return org({ startedAt: 0 }).healthy;
}
