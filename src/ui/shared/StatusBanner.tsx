import { ADVICE } from "../../core/advice.ts";
import { FAILURE_BADGE } from "../../core/badge-table.ts";
import { ago, clockTime } from "../../core/format.ts";
import type { Source } from "../../core/settings.ts";
import type { ErrorInfo, Status } from "../../core/status.ts";
import { actionFor } from "./actions.ts";

interface Props {
  error: ErrorInfo;
  source: Source;
  status: Status;
  now: number;
  onOptionsPage?: boolean;
}

/** Says what went wrong, what to do, and how old the data still shown is. */
export function StatusBanner({ error, source, status, now, onOptionsPage = false }: Props) {
  const row = FAILURE_BADGE[error.kind];
  const action = actionFor(error.kind, source, onOptionsPage);
  const waitUntil = status.backoff && status.backoff.notBefore > now ? status.backoff.notBefore : undefined;
  const severity = error.kind === "not-set-up" ? "warn" : "error";
  return (
    <div class={`banner ${severity}`} role="alert" data-kind={error.kind}>
      <div>
        <p>
          <strong>{row.title}.</strong> {error.kind === "not-set-up" ? "" : error.message}
        </p>
        <p>{ADVICE[error.kind]}</p>
        {waitUntil !== undefined && <p>Next try at {clockTime(waitUntil)}.</p>}
        {status.checkedAt !== undefined && error.kind !== "not-set-up" && (
          <p class="stale">Showing the last good data, last checked {ago(status.checkedAt, now)}.</p>
        )}
      </div>
      {action && (
        <button type="button" onClick={action.run}>
          {action.label}
        </button>
      )}
    </div>
  );
}

export function Notices({ notices }: { notices: string[] }) {
  if (notices.length === 0) return null;
  return (
    <div class="banner warn" role="status">
      <div>
        {notices.map((notice) => (
          <p key={notice}>{notice}</p>
        ))}
      </div>
    </div>
  );
}
