import type { AppRecord } from "../../core/records.ts";

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
        The browser did not allow copying; select the link and copy it:
        <input type="text" readOnly value={url} onFocus={(event) => event.currentTarget.select()} />
      </label>
    </p>
  );
}

export function copiedNote(app: AppRecord) {
  return (
    <p class="visually-hidden" role="status">
      Reconnect link for {app.name} copied. It expires; send it soon.
    </p>
  );
}
