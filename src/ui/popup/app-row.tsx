import type { AccountGroup } from "../../core/list-model.ts";
import type { AppRecord } from "../../core/records.ts";
import { isHttpUrl } from "../../core/url.ts";

/*
 * One app to fix, as plain functions rather than components: a popup may list a thousand, and
 * each component instance with its own state and handlers costs time before the first paint.
 * Clicks are handled once, on the list (see use-row-actions.ts); a row only says which button.
 */

export type RowState =
  | { kind: "busy"; what: "open" | "copy" }
  | { kind: "copied" }
  | { kind: "manual-copy"; url: string }
  | { kind: "failed"; message: string };

export type RowAction = "reconnect" | "copy";

export function rowKey(accountId: string, slug: string): string {
  return JSON.stringify([accountId, slug]);
}

/**
 * The app's initial, with its icon laid over it when there is one. Icons load only from http(s)
 * URLs (checked again here), without a referrer; one that fails to load is hidden.
 */
export function appIcon(app: AppRecord) {
  return (
    <span class="icon" aria-hidden="true">
      {(app.name.trim()[0] ?? "?").toUpperCase()}
      {app.icon && isHttpUrl(app.icon) && (
        <img src={app.icon} alt="" width={24} height={24} loading="lazy" referrerpolicy="no-referrer" onError={hideBroken} />
      )}
    </span>
  );
}

function hideBroken(event: Event): void {
  (event.currentTarget as HTMLImageElement).hidden = true;
}

export function appRow(app: AppRecord, group: AccountGroup, state: RowState | undefined) {
  const key = rowKey(group.id, app.slug);
  const busy = state?.kind === "busy";
  return (
    <li class="app" key={key}>
      {appIcon(app)}
      <span class="app-name">{app.name}</span>
      <span class="account">{group.label}</span>
      <button type="button" class="primary" data-action="reconnect" data-row={key} aria-label={`Reconnect ${app.name}`} disabled={busy}>
          {busy && state.what === "open" ? "Opening…" : "Reconnect"}
        </button>
      <button type="button" data-action="copy" data-row={key} aria-label={`Copy reconnect link for ${app.name}`} disabled={busy}>
        {busy && state.what === "copy" ? "Copying…" : state?.kind === "copied" ? "Copied" : "Copy link"}
      </button>
      {state && rowNote(app, state)}
    </li>
  );
}

function rowNote(app: AppRecord, state: RowState) {
  switch (state.kind) {
    case "failed":
      return (
        <p class="row-note error" role="alert">
          {state.message}
        </p>
      );
    case "manual-copy":
      return (
        <p class="row-note">
          <label>
            The browser did not allow copying; select the link and copy it:
            <input type="text" readOnly value={state.url} onFocus={(event) => event.currentTarget.select()} />
          </label>
        </p>
      );
    case "copied":
      return (
        <p class="visually-hidden" role="status">
          Reconnect link for {app.name} copied. It expires; send it soon.
        </p>
      );
    case "busy":
      return null;
  }
}
