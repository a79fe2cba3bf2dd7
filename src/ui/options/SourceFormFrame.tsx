import type { ComponentChildren } from "preact";
import { ChangedElsewhere, type ChangedElsewhereWords } from "./ChangedElsewhere.tsx";
import { Connection } from "./Connection.tsx";
import { RemoveSource } from "./RemoveSource.tsx";
import { SaveBar, type SaveWords } from "./SaveBar.tsx";
import type { SourceFormProps } from "./save-flow.tsx";
import type { SourceEdit } from "./use-source-form.ts";

interface Props<F extends object, Fields> extends SourceFormProps {
  edit: SourceEdit<F, Fields>;
  words: ChangedElsewhereWords & SaveWords;
  /** Turns every field and button off (the demo org's form: shown, never changed). */
  locked: boolean;
  /** The fields of the source's kind. */
  children: ComponentChildren;
}

/**
 * Either kind of source's form around its own fields: the choice of kind, the notice of settings
 * changed elsewhere, its own Save and Remove, then the source's connection status once it is stored.
 */
export function SourceFormFrame<F extends object, Fields>({ edit, words, locked, children, ...props }: Props<F, Fields>) {
  const { source, stored, name } = props;
  const id = fieldId(props);
  const form = (
    <form onSubmit={edit.onSubmit} noValidate>
      {props.choice}
      {children}
      {edit.formState.incoming && <ChangedElsewhere words={words} onLoad={edit.loadSaved} />}
      <SaveBar save={edit.save} words={words} />
      {props.removable && <RemoveSource id={source.id} name={name ?? ""} stored={stored} onDiscard={props.onDiscard} />}
    </form>
  );
  // A disabled fieldset turns off every field and button of the form at once.
  const shownForm = locked ? <fieldset class="locked" disabled>{form}</fieldset> : form;
  const connection = stored && <Connection source={source} status={props.status} progress={props.progress} now={props.now} name={name} idPrefix={id("")} />;
  return (
    <SourceFrame name={name} headingId={id("source-name")}>
      {shownForm}
      {connection}
    </SourceFrame>
  );
}

/** Element ids of a source's form: the first source keeps the page's historical ids, the others' start with the source's id. */
export function fieldId({ source, first }: Pick<SourceFormProps, "source" | "first">): (field: string) => string {
  return (field) => `${first ? "" : `${source.id}-`}${field}`;
}

/** A source's form and connection status: under its own heading when the page shows several. */
function SourceFrame({ name, headingId, children }: { name: string | undefined; headingId: string; children: ComponentChildren }) {
  if (name === undefined) return <>{children}</>;
  return (
    <section class="source" aria-labelledby={headingId}>
      <h2 id={headingId}>{name}</h2>
      {children}
    </section>
  );
}
