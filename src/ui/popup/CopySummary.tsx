import { useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import type { Mute } from "../../core/alerts/mutes.ts";
import type { Source } from "../../core/settings/model.ts";
import type { SourceId } from "../../core/settings/source-ids.ts";
import type { Status } from "../../core/status/model.ts";

// The summary's rules and words load on the click: the list paints without them.
const summary = () => import("./summary-text.ts");

/** What the last click did, as a state (its words come from the catalog). */
const OUTCOME = { copied: "copied", empty: "empty", failed: "failed" } as const;
type Outcome = (typeof OUTCOME)[keyof typeof OUTCOME];

const OUTCOME_TEXT = { copied: "copySummaryDone", empty: "copySummaryEmpty", failed: "copySummaryFailed" } as const;

/**
 * "Copy summary": what needs re-authentication as plain text, grouped by source and
 * linked account, for a ticket or a chat; a line under the button says how it went.
 */
export function CopySummary(props: { sources: readonly Source[]; statuses: Readonly<Record<SourceId, Status>>; mutes: readonly Mute[] }) {
  const [outcome, setOutcome] = useState<Outcome>();
  const t = uiTranslator();
  const copy = () => {
    void summary()
      .then(async ({ summaryText }) => {
        const text = summaryText(t, props.sources, props.statuses, props.mutes, Date.now());
        if (text === "") return OUTCOME.empty;
        await navigator.clipboard.writeText(text);
        return OUTCOME.copied;
      })
      .then(
        (done: Outcome) => setOutcome(done),
        () => setOutcome(OUTCOME.failed),
      );
  };
  return (
    <div class="copy-summary">
      <button type="button" onClick={copy}>
        {t.msg("copySummary")}
      </button>
      <span class="muted" role="status">
        {outcome && t.msg(OUTCOME_TEXT[outcome])}
      </span>
    </div>
  );
}
