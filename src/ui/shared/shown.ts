import { loadHealthy, loadSettings, type Snapshot } from "../../adapters/storage.ts";
import type { Notice } from "../../core/settings/notices.ts";
import { isSampleSource } from "../../core/preview/state.ts";
import { findSource, isRelay } from "../../core/settings/model.ts";
import type { SourceId } from "../../core/settings/source-ids.ts";
import type { AccountStatus, ErrorInfo, HealthyApps, Status } from "../../core/status/model.ts";

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

/** What the popup's collapsed list of healthy apps shows for a source. */
export interface ShownHealthy {
  healthy: HealthyApps;
  notice?: Notice;
  /** The accounts to list, in order, when they are not the status's (a relay's list names its own). */
  accounts?: Pick<AccountStatus, "id" | "name">[];
  /** The relay could not be asked for them: what is listed, if anything, is the list from before. */
  failed?: ErrorInfo;
}

/**
 * A source's healthy apps as the popup's collapsed list shows them: stored, the demo org's, or a
 * relay source's, which the background fetches from the relay when asked (`status` names the
 * accounts it knows).
 */
export async function loadShownHealthy(sourceId: SourceId, status?: Pick<Status, "accounts">): Promise<ShownHealthy> {
  if (isSampleSource({ id: sourceId })) return { healthy: (await import("../../adapters/preview.ts")).sampleHealthy() };
  const source = findSource(await loadSettings(), sourceId);
  if (source && isRelay(source)) return (await import("./shown-relay.ts")).loadRelayShownHealthy(source, status);
  return loadHealthy(sourceId);
}
