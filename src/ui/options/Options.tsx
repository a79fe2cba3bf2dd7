import { uiTranslator } from "../../adapters/i18n.ts";
import { useState } from "preact/hooks";
import type { Snapshot } from "../../adapters/storage.ts";
import { isSetUp, newRelaySource, newSource, type Source } from "../../core/settings/model.ts";
import { newRelayInterval, type OrgView } from "../../core/settings/org.ts";
import { type SourceId } from "../../core/settings/source-ids.ts";
import { newSourceId } from "../../core/settings/source-ids.ts";
import { sourceNames } from "../../core/words/names.ts";
import { EMPTY_STATUS } from "../../core/status/model.ts";
import { Notices } from "../shared/StatusBanner.tsx";
import { PreviewBanner, PreviewOffer } from "../shared/Preview.tsx";
import { useNow, useSnapshot } from "../shared/use-snapshot.ts";
import { KindChoice, type SourceKind } from "./KindChoice.tsx";
import { RelaySourceForm } from "./RelaySourceForm.tsx";
import { SourceForm } from "./SourceForm.tsx";
import type { SourceFormProps } from "./save-flow.tsx";
import { NotificationsToggle } from "./NotificationsToggle.tsx";
import { OrgSection } from "./OrgSection.tsx";
import { DisabledSource } from "./DisabledSource.tsx";

interface EntryProps extends Omit<SourceFormProps, "choice" | "org"> {
  /** The kind the user chose on this page, if any. */
  kind: SourceKind | undefined;
  onChoose(kind: SourceKind): void;
  org: OrgView | undefined;
}

/**
 * One source's form, of its kind. Only a new source, or one not set up, may still change kind:
 * nothing of it is lost. A relay the organisation sets is never anything else, and where it
 * allows no Cobalt keys, the page says so in place of the choice.
 */
function SourceEntry({ source, kind, onChoose, org, ...props }: EntryProps) {
  const shown = withKind(source, kind, org);
  const managed = org?.managed.includes(source.id) === true;
  const open = !managed && (!props.stored || !isSetUp(source));
  const choice = !open ? undefined : org?.allowApiKeySources === false ? <p class="hint muted">{uiTranslator().msg("orgKeysNotAllowed")}</p> : <KindChoice kind={shown.kind} idPrefix={props.first ? "" : `${source.id}-`} onChoose={onChoose} />;
  const sourceOrg = { managed, intervalLocked: org?.intervalMinutes?.locked === true };
  return shown.kind === "relay" ? <RelaySourceForm source={shown} choice={choice} org={sourceOrg} {...props} /> : <SourceForm source={shown} choice={choice} {...props} />;
}

/** The source as the kind the user chose for it, keeping its id and label (a new relay at the organisation's interval). */
function withKind(source: Source, kind: SourceKind | undefined, org: OrgView | undefined): Source {
  if (kind === undefined || kind === source.kind) return source;
  return kind === "relay" ? newRelaySource(source.id, { label: source.label, intervalMinutes: newRelayInterval(org) }) : newSource(source.id, { label: source.label });
}

/**
 * The frame: one form per source (SourceForm), each with its own Save, and a button to add one.
 * With one source the page is the form it has always been; with several, each source is a
 * region named after it, and its fields keep the same labels inside it.
 */
export function Options({ initial }: { initial: Snapshot }) {
  const snapshot = useSnapshot(initial);
  const now = useNow();
  // Sources added on this page and not saved yet; once saved they are stored like the others.
  const [drafts, setDrafts] = useState<Source[]>([]);
  // The kind chosen for a source that holds nothing worth keeping yet, until it is saved as that kind.
  const [kinds, setKinds] = useState<Record<SourceId, SourceKind>>({});
  const { settings, statuses, progress, notices, org } = snapshot;
  const disabled = org?.disabled ?? [];
  const storedIds = new Set(settings.sources.map((source) => source.id));
  const unsaved = drafts.filter((draft) => !storedIds.has(draft.id));
  // The new source a policy's page shows when there is nothing else is not stored yet.
  const entries = [...settings.sources.map((source) => ({ source, stored: source.id !== org?.placeholder })), ...unsaved.map((source) => ({ source, stored: false }))];
  const several = entries.length + disabled.length > 1;
  const t = uiTranslator();
  const names = sourceNames(t, [...settings.sources, ...disabled]);
  // The user's own sources: a relay the organisation sets is never removed here. The last one may
  // go where the organisation gives the page others to show (storage's removeSource).
  const own = settings.sources.length - (org?.managed.length ?? 0) + disabled.length;
  const lastMayGo = org !== undefined && (org.managed.length > 0 || !org.allowApiKeySources);
  const draftName = (index: number) => (index === 0 ? t.msg("optionsNewSource") : t.msg("sourceNameNumbered", { name: t.msg("optionsNewSource"), n: index + 1 }));

  const add = () => {
    const taken = new Set([...storedIds, ...disabled.map((source) => source.id), ...drafts.map((draft) => draft.id)]);
    const id = newSourceId(Math.random, taken);
    // Where the organisation allows no Cobalt keys, a new source is a team relay.
    setDrafts([...unsaved, org?.allowApiKeySources === false ? newRelaySource(id, { intervalMinutes: newRelayInterval(org) }) : newSource(id)]);
  };
  const discard = (id: string) => setDrafts(unsaved.filter((draft) => draft.id !== id));

  return (
    <main>
      <h1>{t.msg("appName")}</h1>
      <p class="muted">{t.msg("optionsIntro")}</p>
      {snapshot.preview ? <PreviewBanner page="options" /> : <PreviewOffer />}
      <Notices notices={notices} names={names} />
      {org && !snapshot.preview && <OrgSection org={org} sources={settings.sources} names={names} />}
      {entries.map(({ source, stored }, index) => (
        <SourceEntry
          key={source.id}
          source={source}
          kind={kinds[source.id]}
          onChoose={(kind) => setKinds({ ...kinds, [source.id]: kind })}
          stored={stored}
          first={index === 0}
          name={several ? (unsaved.includes(source) ? draftName(unsaved.indexOf(source)) : names.get(source.id)!) : undefined}
          status={statuses[source.id] ?? EMPTY_STATUS}
          progress={progress[source.id] ?? null}
          now={now}
          removable={several && !org?.managed.includes(source.id) && source.id !== org?.placeholder && (!stored || own > 1 || lastMayGo)}
          onDiscard={() => discard(source.id)}
          org={org}
        />
      ))}
      {disabled.map((source) => (
        <DisabledSource key={source.id} source={source} name={names.get(source.id)!} removable={several} />
      ))}
      <div class="add-row">
        {/* The demo org's page adds nothing to the user's own settings. */}
        <button type="button" onClick={add} aria-describedby="add-hint" disabled={snapshot.preview !== undefined}>
          {t.msg("optionsAddSource")}
        </button>
        <span id="add-hint" class="hint muted">
          {t.msg("optionsAddSourceHint")}
        </span>
      </div>
      {/* Shown as on the user's page, but the demo org's page changes none of the user's settings. */}
      <NotificationsToggle on={settings.notifications === true} locked={snapshot.preview !== undefined} org={snapshot.preview ? undefined : org?.notifications} />
    </main>
  );
}
