import { loadHealthy, type Snapshot } from "../../adapters/storage.ts";
import type { Notice } from "../../core/settings/notices.ts";
import { isSampleSource } from "../../core/preview/state.ts";
import type { SourceId } from "../../core/settings/source-ids.ts";
import type { HealthyApps } from "../../core/status/model.ts";

/*
 * What the pages show: the stored snapshot, or the demo org while the sample-data preview is on.
 * The demo org loads only then (a dynamic import): a page opened without the preview carries none
 * of it.
 */

export async function shown(snapshot: Snapshot): Promise<Snapshot> {
  if (!snapshot.preview) return snapshot;
  const { sampleView } = await import("../../adapters/preview.ts");
  return sampleView({ ...snapshot, preview: snapshot.preview });
}

/** A source's healthy apps as the popup's collapsed list shows them: stored, or the demo org's. */
export async function loadShownHealthy(sourceId: SourceId): Promise<{ healthy: HealthyApps; notice?: Notice }> {
  if (!isSampleSource({ id: sourceId })) return loadHealthy(sourceId);
  return { healthy: (await import("../../adapters/preview.ts")).sampleHealthy() };
}
