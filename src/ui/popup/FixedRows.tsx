import { uiTranslator } from "../../adapters/i18n.ts";
import type { FollowUp } from "../../core/alerts/followups.ts";
import { followUpRow } from "../../core/alerts/followups.ts";
import { appKey } from "../../core/kit/ids.ts";
import { accountLabel } from "../../core/status/list-model.ts";
import type { Status } from "../../core/status/model.ts";

/**
 * Apps a follow-up saw fixed after Reconnect or Copy link: they have left the list, so
 * each keeps a row for a while that says when it was reconnected.
 */
export function FixedRows({ sourceId, status, followUps, now }: { sourceId: string; status: Status; followUps: readonly FollowUp[]; now: number }) {
  const t = uiTranslator();
  const fixed = followUps.flatMap((f) => {
    if (f.sourceId !== sourceId) return [];
    const row = followUpRow(followUps, f, now);
    return row?.state === "fixed" ? [{ f, at: row.at }] : [];
  });
  if (fixed.length === 0) return null;
  const accountName = (id: string) => {
    const account = status.accounts.find((candidate) => candidate.id === id);
    return account ? accountLabel(account) : id;
  };
  return (
    <ul class="fixed-apps" aria-label={t.msg("followUpFixedList")}>
      {fixed.map(({ f, at }) => (
        <li key={appKey(sourceId, f.accountId, f.slug)} class="fixed-app">
          <span class="icon ok" aria-hidden="true">
            ✓
          </span>
          <span class="names">
            <span class="app-name">{f.name}</span>
            <span class="account-line muted">{accountName(f.accountId)}</span>
          </span>
          <span class="fixed-at" role="status">
            {t.msg("followUpFixed", { time: t.time(at) })}
          </span>
        </li>
      ))}
    </ul>
  );
}
