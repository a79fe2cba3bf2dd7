import { useEffect, useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import { accountLabel } from "../../core/status/list-model.ts";
import type { Notice } from "../../core/settings/notices.ts";
import type { HealthyApps, Status } from "../../core/status/model.ts";
import { loadShownHealthy } from "../shared/shown.ts";
import { appIcon } from "./app-row.tsx";
import { Notices } from "./lazy.tsx";
import { own } from "../../core/kit/dict.ts";

/**
 * Collapsed by default; the (possibly large) list is read from storage only while open, and read
 * again when a check changes the results meanwhile.
 */
export function HealthySection({ sourceId, status, count }: { sourceId: string; status: Status; count: number }) {
  const [open, setOpen] = useState(false);
  const [healthy, setHealthy] = useState<HealthyApps>();
  const [notice, setNotice] = useState<Notice>();
  useEffect(() => {
    if (!open) return;
    let current = true;
    void loadShownHealthy(sourceId).then((loaded) => {
      if (!current) return;
      setHealthy(loaded.healthy);
      setNotice(loaded.notice);
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
      {healthy === undefined ? (
        <p class="muted">{t.msg("loading")}</p>
      ) : (
        <ul>
          {status.accounts.flatMap((account) =>
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
