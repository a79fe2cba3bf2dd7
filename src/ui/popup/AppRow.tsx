import { useState } from "preact/hooks";
import type { AppRecord } from "../../core/records.ts";
import type { Settings } from "../../core/settings.ts";
import { isHttpUrl } from "../../core/url.ts";

// The API client and reconnect logic load on the first click: the list paints without them.
const links = () => import("./links.ts");

type RowState =
  | { kind: "idle" }
  | { kind: "busy"; what: "open" | "copy" }
  | { kind: "copied" }
  | { kind: "manual-copy"; url: string }
  | { kind: "failed"; message: string };

interface Props {
  app: AppRecord;
  accountId: string;
  accountLabel: string;
  settings: Settings;
}

export function AppIcon({ app }: { app: AppRecord }) {
  const [broken, setBroken] = useState(false);
  // Icons are loaded only from http(s) URLs (checked again here), never with credentials.
  if (app.icon && isHttpUrl(app.icon) && !broken) {
    return <img class="icon" src={app.icon} alt="" width={24} height={24} loading="lazy" referrerpolicy="no-referrer" onError={() => setBroken(true)} />;
  }
  return (
    <span class="icon placeholder" aria-hidden="true">
      {(app.name.trim()[0] ?? "?").toUpperCase()}
    </span>
  );
}

export function AppRow({ app, accountId, accountLabel, settings }: Props) {
  const [state, setState] = useState<RowState>({ kind: "idle" });
  const busy = state.kind === "busy";

  const reconnect = async () => {
    setState({ kind: "busy", what: "open" });
    const { fetchLink, openLink, failureText } = await links();
    try {
      await openLink(await fetchLink(settings, app, accountId));
      setState({ kind: "idle" });
    } catch (error) {
      setState({ kind: "failed", message: failureText(error) });
    }
  };

  const copy = async () => {
    setState({ kind: "busy", what: "copy" });
    const { fetchLink, copyText, failureText } = await links();
    try {
      const url = await fetchLink(settings, app, accountId);
      setState((await copyText(url)) ? { kind: "copied" } : { kind: "manual-copy", url });
    } catch (error) {
      setState({ kind: "failed", message: failureText(error) });
    }
  };

  return (
    <li class="app">
      <AppIcon app={app} />
      <div class="names">
        <span class="app-name">{app.name}</span>
        <span class="account muted">{accountLabel}</span>
      </div>
      <div class="actions">
        <button type="button" class="primary" aria-label={`Reconnect ${app.name}`} disabled={busy} onClick={reconnect}>
          {state.kind === "busy" && state.what === "open" ? "Opening…" : "Reconnect"}
        </button>
        <button type="button" aria-label={`Copy reconnect link for ${app.name}`} disabled={busy} onClick={copy}>
          {state.kind === "busy" && state.what === "copy" ? "Copying…" : state.kind === "copied" ? "Copied" : "Copy link"}
        </button>
      </div>
      {state.kind === "failed" && (
        <p class="row-note error" role="alert">
          {state.message}
        </p>
      )}
      {state.kind === "manual-copy" && (
        <p class="row-note">
          <label>
            The browser did not allow copying; select the link and copy it:
            <input type="text" readOnly value={state.url} onFocus={(event) => event.currentTarget.select()} />
          </label>
        </p>
      )}
      {state.kind === "copied" && (
        <p class="visually-hidden" role="status">
          Reconnect link for {app.name} copied. It expires; send it soon.
        </p>
      )}
    </li>
  );
}
