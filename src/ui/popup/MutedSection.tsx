import type { ComponentChild } from "preact";
import { useState } from "preact/hooks";
import { uiTranslator } from "../../adapters/i18n.ts";
import type { Translator } from "../../core/i18n/translator.ts";
import type { MutedApp } from "../../core/alerts/mutes.ts";
import { timeLeftText } from "../../core/words/durations.ts";
import { shortMoment } from "../../core/words/format.ts";
import { appKey } from "../../core/kit/ids.ts";
import { appIcon } from "./app-row.tsx";

const muting = () => import("./mute-actions.ts");
const desking = () => import("./desk-actions.ts");

/**
 * A source's muted apps, collapsed: each with its linked account, the time its mute has
 * left (or "until fixed"), and Unmute. An app muted with its whole linked account says so, and its
 * Unmute ends the account's mute. A relay's team mute says who set it and until when, and its
 * Unmute ends it for the whole team (anyone may).
 */
export function MutedSection({ sourceId, muted, you }: { sourceId: string; muted: readonly MutedApp[]; you?: string | undefined }) {
  // What the relay refused or why it could not be asked, under the team mute's row.
  const [failed, setFailed] = useState<{ key: string; note: ComponentChild }>();
  if (muted.length === 0) return null;
  const t = uiTranslator();
  const unmute = (entry: MutedApp) => {
    const { sourceId: source, accountId, slug, by } = entry.mute;
    const key = appKey(sourceId, entry.accountId, entry.app.slug);
    if (by !== undefined) {
      setFailed(undefined);
      void desking()
        .then(({ changeDesk }) => changeDesk({ source, action: "unmute", accountId, ...(slug === undefined ? {} : { slug }) }))
        .then((note) => note !== undefined && setFailed({ key, note }));
    }
    else void muting().then(({ unmuteScope }) => unmuteScope(slug === undefined ? { sourceId: source, accountId } : { sourceId: source, accountId, slug }));
  };
  return (
    <details class="muted-apps" data-source={sourceId}>
      <summary>{t.msg("mutedSection", { count: muted.length })}</summary>
      <ul>
        {muted.map((entry) => {
          const whole = entry.mute.slug === undefined;
          const key = appKey(sourceId, entry.accountId, entry.app.slug);
          const left = entry.mute.by !== undefined ? teamLeft(t, entry, you) : entry.leftMs === undefined ? t.msg("mutedUntilFixed") : timeLeftText(t, entry.leftMs);
          return (
            <li key={key} class="muted-app">
              {appIcon(entry.app)}
              <span class="names">
                <span class="app-name">{entry.app.name}</span>
                <span class="account-line muted">{entry.account}</span>
                <span class="muted">{whole ? t.msg("mutedWholeAccount", { left }) : left}</span>
              </span>
              <button type="button" onClick={() => unmute(entry)} aria-label={t.msg("rowUnmuteName", { what: whole ? entry.account : entry.app.name })}>
                {t.msg("rowUnmute")}
              </button>
              {failed?.key === key && failed.note}
            </li>
          );
        })}
      </ul>
    </details>
  );
}

/** A team mute: who set it ("you" for this member) and until when (a clock time, or until fixed). */
function teamLeft(t: Translator, entry: MutedApp, you: string | undefined): string {
  const { by, until } = entry.mute;
  const mine = by === you;
  if (until === undefined) return mine ? t.msg("mutedTeamUntilFixedYou") : t.msg("mutedTeamUntilFixed", { who: by ?? "" });
  const when = shortMoment(t, until, Date.now());
  return mine ? t.msg("mutedTeamUntilYou", { when }) : t.msg("mutedTeamUntil", { who: by ?? "", when });
}
