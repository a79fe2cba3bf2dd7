import { useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import type { Mute } from "../../core/alerts/mutes.ts";
import type { Source, SourceId } from "../../core/settings.ts";
import type { Status } from "../../core/status.ts";

// The summary's rules and words load on the click: the list paints without them.
const summary = () => import("./summary-text.ts");

type Outcome = "copied" | "empty" | "failed";

const OUTCOME_TEXT = { copied: "copySummaryDone", empty: "copySummaryEmpty", failed: "copySummaryFailed" } as const;

/**
 * "Copy summary" (issue 9): what needs re-authentication as plain text, grouped by source and
 * linked account, for a ticket or a chat; a line under the button says how it went.
 */
export function CopySummary(props: { sources: readonly Source[]; statuses: Readonly<Record<SourceId, Status>>; mutes: readonly Mute[] }) {
  const [outcome, setOutcome] = useState<Outcome>();
  const t = uiTranslator();
  const copy = () => {
    void summary()
      .then(async ({ summaryText }) => {
        const text = summaryText(t, props.sources, props.statuses, props.mutes, Date.now());
        if (text === "") return "empty";
        await navigator.clipboard.writeText(text);
        return "copied";
      })
      .then(
        (done: Outcome) => setOutcome(done),
        () => setOutcome("failed"),
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
