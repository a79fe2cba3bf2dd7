import { useEffect, useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import { accountLabel } from "../../core/status/list-model.ts";
import type { Notice } from "../../core/settings/notices.ts";
import type { HealthyApps, Status } from "../../core/status/model.ts";
import { loadShownHealthy, type ShownHealthy } from "../shared/shown.ts";
import { appIcon } from "./app-row.tsx";
import { HealthyFailure, Notices } from "./lazy.tsx";
import { own } from "../../core/kit/dict.ts";

/**
 * Collapsed by default; the (possibly large) list is read from storage only while open, and read
 * again when a check changes the results meanwhile. A relay source's is fetched from the relay
 * then ("Loading…" meanwhile, its failure if it fails; an unchanged list costs the relay a 304).
 */
export function HealthySection({ sourceId, status, count }: { sourceId: string; status: Status; count: number }) {
  const [open, setOpen] = useState(false);
  const [healthy, setHealthy] = useState<HealthyApps>();
  const [notice, setNotice] = useState<Notice>();
  const [relay, setRelay] = useState<Pick<ShownHealthy, "accounts" | "failed">>({});
  useEffect(() => {
    if (!open) return;
    let current = true;
    void loadShownHealthy(sourceId, status).then((loaded) => {
      if (!current) return;
      setHealthy(loaded.healthy);
      setNotice(loaded.notice);
      setRelay({ ...(loaded.accounts && { accounts: loaded.accounts }), ...(loaded.failed && { failed: loaded.failed }) });
    });
    return () => {
      current = false;
    };
  }, [open, sourceId, status]);
  const onToggle = (event: Event) => setOpen((event.currentTarget as HTMLDetailsElement).open);
  if (count === 0) return null;
  const t = uiTranslator();
  return (
    <details class="healthy" onToggle={onToggle}>
      <summary>{t.msg("healthyApps", { count })}</summary>
      {notice && <Notices notices={[notice]} />}
      {relay.failed && <HealthyFailure error={relay.failed} />}
      {healthy === undefined ? (
        <p class="muted">{t.msg("loading")}</p>
      ) : (
        <ul>
          {(relay.accounts ?? status.accounts).flatMap((account) =>
            (own(healthy, account.id) ?? []).map((app) => (
              <li key={`${account.id}/${app.slug}`} class="app healthy-app">
                {appIcon(app)}
                <div class="names">
                  <span class="app-name">{app.name}</span>
                  <span class="account muted">{accountLabel(account)}</span>
                </div>
              </li>
            )),
          )}
        </ul>
      )}
    </details>
  );
}
