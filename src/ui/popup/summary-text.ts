import { buildSummary, renderSummary } from "../../core/alerts/copy-summary.ts";
import type { Mute } from "../../core/alerts/mutes.ts";
import { summaryFormat } from "../../core/words/durations.ts";
import type { Translator } from "../../core/i18n/translator.ts";
import type { Source } from "../../core/settings/model.ts";
import type { SourceId } from "../../core/settings/source-ids.ts";
import { sourceNames } from "../../core/words/names.ts";
import { EMPTY_STATUS, type Status } from "../../core/status/model.ts";
import { fromPreviousSettings } from "../../core/status/view-state.ts";

/** The copied summary's text in `t`'s language; "" when nothing needs re-authentication. */
export function summaryText(t: Translator, sources: readonly Source[], statuses: Readonly<Record<SourceId, Status>>, mutes: readonly Mute[], now: number): string {
  const names = sourceNames(t, sources);
  const parts = sources.map((source) => {
    const status = statuses[source.id] ?? EMPTY_STATUS;
    return { id: source.id, label: names.get(source.id)!, status, previous: fromPreviousSettings(source, status) };
  });
  return renderSummary(buildSummary(parts, mutes, now), summaryFormat(t));
}
