import { uiTranslator } from "../../adapters/i18n.ts";
import type { AppRecord } from "../../core/api/records.ts";
import { sampleLinkText, type RowAction } from "../../core/preview/explain.ts";

/* The notes under a row after Reconnect or Copy link; loaded with the first click (links.ts). */

export function failedNote(message: string) {
  return (
    <p class="row-note error" role="alert">
      {message}
    </p>
  );
}

export function manualCopyNote(url: string) {
  return (
    <p class="row-note">
      <label>
        {uiTranslator().msg("rowManualCopy")}
        <input type="text" readOnly value={url} onFocus={(event) => event.currentTarget.select()} />
      </label>
    </p>
  );
}

export function copiedNote(app: AppRecord) {
  return (
    <p class="visually-hidden" role="status">
      {uiTranslator().msg("rowCopiedNote", { app: app.name })}
    </p>
  );
}

/** Sample data: what Reconnect or Copy link would have done in the user's own org. */
export function sampleNote(action: RowAction, app: AppRecord, account: string) {
  return (
    <p class="row-note sample" role="status">
      {sampleLinkText(uiTranslator(), action, app, account)}
    </p>
  );
}
