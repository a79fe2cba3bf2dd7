import { uiTranslator } from "../../adapters/i18n.ts";
import { useState } from "preact/hooks";
import type { Snapshot } from "../../adapters/storage.ts";
import { newSource, type CobaltSource } from "../../core/settings.ts";
import { newSourceId, sourceNames } from "../../core/sources.ts";
import { EMPTY_STATUS } from "../../core/status.ts";
import { Notices } from "../shared/StatusBanner.tsx";
import { PreviewBanner, PreviewOffer } from "../shared/Preview.tsx";
import { useNow, useSnapshot } from "../shared/use-snapshot.ts";
import { SourceForm } from "./SourceForm.tsx";

/** This component's words, in one place. */
const TEXT = {
  title: "Cobalt Integration Status",
  intro: "Checks which of your customers' connected apps need re-authentication. Your settings stay on this computer.",
  add: "Add a source",
  addHint: "Another API key to watch: a production key beside a test key, or another org's.",
  newSource: "New source",
};

/**
 * The frame: one form per source (SourceForm), each with its own Save, and a button to add one.
 * With one source the page is the form it has always been; with several, each source is a
 * region named after it, and its fields keep the same labels inside it.
 */
export function Options({ initial }: { initial: Snapshot }) {
  const snapshot = useSnapshot(initial);
  const now = useNow();
  // Sources added on this page and not saved yet; once saved they are stored like the others.
  const [drafts, setDrafts] = useState<CobaltSource[]>([]);
  const { settings, statuses, progress, notices } = snapshot;
  const storedIds = new Set(settings.sources.map((source) => source.id));
  const unsaved = drafts.filter((draft) => !storedIds.has(draft.id));
  const entries = [...settings.sources.map((source) => ({ source, stored: true })), ...unsaved.map((source) => ({ source, stored: false }))];
  const several = entries.length > 1;
  const names = sourceNames(uiTranslator(), settings.sources);
  const draftName = (index: number) => (index === 0 ? TEXT.newSource : `${TEXT.newSource} (${index + 1})`);

  const add = () => {
    const taken = new Set([...storedIds, ...drafts.map((draft) => draft.id)]);
    setDrafts([...unsaved, newSource(newSourceId(Math.random, taken))]);
  };
  const discard = (id: string) => setDrafts(unsaved.filter((draft) => draft.id !== id));

  return (
    <main>
      <h1>{TEXT.title}</h1>
      <p class="muted">{TEXT.intro}</p>
      {snapshot.preview ? <PreviewBanner page="options" /> : <PreviewOffer />}
      <Notices notices={notices} names={names} />
      {entries.map(({ source, stored }, index) => (
        <SourceForm
          key={source.id}
          source={source}
          stored={stored}
          first={index === 0}
          name={several ? (stored ? names.get(source.id)! : draftName(unsaved.indexOf(source))) : undefined}
          status={statuses[source.id] ?? EMPTY_STATUS}
          progress={progress[source.id] ?? null}
          now={now}
          removable={several && (!stored || settings.sources.length > 1)}
          onDiscard={() => discard(source.id)}
        />
      ))}
      <div class="add-row">
        {/* The demo org's page adds nothing to the user's own settings. */}
        <button type="button" onClick={add} aria-describedby="add-hint" disabled={snapshot.preview !== undefined}>
          {TEXT.add}
        </button>
        <span id="add-hint" class="hint muted">
          {TEXT.addHint}
        </span>
      </div>
    </main>
  );
}
