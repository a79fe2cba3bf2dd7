import { uiTranslator } from "../../adapters/i18n.ts";
import { isSetUp, type Source } from "../../core/settings.ts";
import type { Progress, Status } from "../../core/status.ts";
import { connectionSummary } from "../../core/summary.ts";
import { currentError, isCurrent } from "../../core/view-state.ts";
import { StatusBanner } from "../shared/StatusBanner.tsx";
import { duration, plural } from "../shared/interim-format.ts";

/** This component's words, in one place. */
const TEXT = {
  heading: "Connection",
  region: "Connection status",
  regionOf: (name: string) => `Connection status of ${name}`,
  checking: "Checking…",
  lastRun: (requests: number, ms: number) => `The last check made ${plural(requests, "request")} and took ${duration(ms)}.`,
};

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
  const summary = isSetUp(source) && fresh ? connectionSummary(uiTranslator(), source, status) : undefined;
  const Heading = name === undefined ? "h2" : "h3";
  return (
    <section class="connection" aria-label={name === undefined ? TEXT.region : TEXT.regionOf(name)}>
      <Heading>{TEXT.heading}</Heading>
      {progress !== null && <p role="status">{TEXT.checking}</p>}
      {error && progress === null && <StatusBanner error={error} source={source} status={status} now={now} onOptionsPage />}
      {summary && summary.ok && (
        <p class="banner ok" role="status" id={`${idPrefix}connection-summary`}>
          {summary.text}
        </p>
      )}
      {status.lastRun && fresh && <p class="muted">{TEXT.lastRun(status.lastRun.requests, status.lastRun.ms)}</p>}
    </section>
  );
}
