import { uiTranslator } from "../../adapters/i18n.ts";
import { duration } from "../../core/words/format.ts";
import { isSetUp, type Source } from "../../core/settings/model.ts";
import type { Progress, Status } from "../../core/status/model.ts";
import { connectionSummary } from "../../core/words/summary.ts";
import { currentError, isCurrent } from "../../core/status/view-state.ts";
import { StatusBanner } from "../shared/StatusBanner.tsx";

interface Props {
  source: Source;
  status: Status;
  progress: Progress | null;
  now: number;
  /** Set when the page shows several sources: the region names its source. */
  name: string | undefined;
  /** Prefix of element ids, so each source's are its own. */
  idPrefix: string;
}

/** What the last check of one source found, in words, or what went wrong and what to do. */
export function Connection({ source, status, progress, now, name, idPrefix }: Props) {
  const error = currentError(source, status);
  const fresh = isCurrent(source, status) && progress === null && status.checkedAt !== undefined;
  const t = uiTranslator();
  const summary = isSetUp(source) && fresh ? connectionSummary(t, source, status) : undefined;
  const Heading = name === undefined ? "h2" : "h3";
  return (
    <section class="connection" aria-label={name === undefined ? t.msg("optionsConnectionRegion") : t.msg("optionsConnectionRegionOf", { name })}>
      <Heading>{t.msg("optionsConnection")}</Heading>
      {progress !== null && <p role="status">{t.msg("checking")}</p>}
      {error && progress === null && <StatusBanner error={error} source={source} status={status} now={now} onOptionsPage />}
      {summary && summary.ok && (
        <p class="banner ok" role="status" id={`${idPrefix}connection-summary`}>
          {summary.text}
        </p>
      )}
      {status.lastRun && fresh && <p class="muted">{t.plural("optionsLastRun", status.lastRun.requests, { duration: duration(t, status.lastRun.ms) })}</p>}
    </section>
  );
}
