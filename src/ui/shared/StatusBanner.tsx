import { uiTranslator } from "../../adapters/i18n.ts";
import { errorAdvice, errorDetail, errorTitleSentence } from "../../core/words/error-text.ts";
import { ago, nextTryText } from "../../core/words/format.ts";
import { noticeText } from "../../core/words/notices.ts";
import { type Notice } from "../../core/settings/notices.ts";
import type { Source } from "../../core/settings/model.ts";
import type { SourceId } from "../../core/settings/source-ids.ts";
import type { ErrorInfo, Status } from "../../core/status/model.ts";
import { actionFor } from "./actions.ts";
import { ShowSampleButton } from "./Preview.tsx";

interface Props {
  error: ErrorInfo;
  source: Source;
  status: Status;
  now: number;
  onOptionsPage?: boolean;
}

/** Says what went wrong, what to do, and how old the data still shown is; worded from the stored failure now. */
export function StatusBanner({ error, source, status, now, onOptionsPage = false }: Props) {
  const t = uiTranslator();
  const action = actionFor(error.kind, source, onOptionsPage);
  const waitUntil = status.backoff && status.backoff.notBefore > now ? status.backoff.notBefore : undefined;
  const severity = error.kind === "not-set-up" ? "warn" : "error";
  // "Not set up" says what to do in its advice; its detail would say it twice.
  const detail = error.kind === "not-set-up" ? "" : errorDetail(t, error);
  // What the language puts between two sentences (a space, or nothing in Japanese).
  const gap = detail === "" ? "" : t.msg("joinSentences", { first: "", second: "" });
  return (
    <div class={`banner ${severity}`} role="alert" data-kind={error.kind}>
      <div>
        <p>
          <strong>{errorTitleSentence(t, error.kind)}</strong>
          {gap}
          {detail}
        </p>
        <p>{errorAdvice(t, error.kind, error.cause)}</p>
        {waitUntil !== undefined && <p>{nextTryText(t, waitUntil, now)}</p>}
        {status.checkedAt !== undefined && error.kind !== "not-set-up" && (
          <p class="stale">{t.msg("bannerShowingLastGood", { when: ago(t, status.checkedAt, now) })}</p>
        )}
      </div>
      {action && (
        <button type="button" onClick={action.run}>
          {t.msg(action.label)}
        </button>
      )}
      {/* Before any setup the popup offers the sample data too (the options page has it in its intro). */}
      {error.kind === "not-set-up" && !onOptionsPage && <ShowSampleButton />}
    </div>
  );
}

/** Stored values that could not be read, worded now; `names` names the source of one about a source. */
export function Notices({ notices, names }: { notices: Notice[]; names?: ReadonlyMap<SourceId, string> }) {
  if (notices.length === 0) return null;
  const t = uiTranslator();
  const texts = notices.map((notice) => noticeText(t, notice, names));
  return (
    <div class="banner warn" role="status">
      <div>
        {texts.map((text) => (
          <p key={text}>{text}</p>
        ))}
      </div>
    </div>
  );
}
