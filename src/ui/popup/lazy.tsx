import type { ComponentProps } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Snapshot } from "../../adapters/storage.ts";
import { EMPTY_STATUS } from "../../core/status/model.ts";
import { currentError } from "../../core/status/view-state.ts";
import { isRelay } from "../../core/settings/model.ts";

/*
 * Stand-ins for the parts of rare.tsx, with the same names and props: each renders its part once
 * the module is loaded, and loads it (then re-renders) the first time it is needed. The popup
 * loads it before its first paint when the stored data shows it will be (prepareRare), so nothing
 * appears late in practice.
 */

type Rare = typeof import("./rare.tsx");

let rare: Rare | undefined;
let loading: Promise<Rare> | undefined;

function loadRare(): Promise<Rare> {
  return (loading ??= import("./rare.tsx").then((module) => (rare = module)));
}

/** Whether the popup will show a part of rare.tsx with this data. */
export function needsRare({ settings, statuses, notices, preview }: Snapshot): boolean {
  if (preview || notices.length > 0) return true;
  return settings.sources.some((source) => {
    const status = statuses[source.id] ?? EMPTY_STATUS;
    return currentError(source, status) !== undefined || (status.notes?.length ?? 0) > 0 || status.accounts.some((account) => account.error !== undefined);
  });
}

/** Called by the page before its first render: loads rare.tsx when it will be needed. */
export async function prepareRare(snapshot: Snapshot): Promise<void> {
  if (needsRare(snapshot)) await loadRare();
}

function useRare(): Rare | undefined {
  const [loaded, setLoaded] = useState(rare);
  useEffect(() => {
    if (!loaded) void loadRare().then(setLoaded);
  }, [loaded]);
  return loaded;
}

export function StatusBanner(props: ComponentProps<Rare["StatusBanner"]>) {
  const module = useRare();
  return module ? <module.StatusBanner {...props} /> : null;
}

export function Notices(props: ComponentProps<Rare["Notices"]>) {
  const module = useRare();
  return module && props.notices.length > 0 ? <module.Notices {...props} /> : null;
}

export function PreviewBanner(props: ComponentProps<Rare["PreviewBanner"]>) {
  const module = useRare();
  return module ? <module.PreviewBanner {...props} /> : null;
}

export function NotesBanner(props: ComponentProps<Rare["NotesBanner"]>) {
  const module = useRare();
  return module ? <module.NotesBanner {...props} /> : null;
}

export function HealthyFailure(props: ComponentProps<Rare["HealthyFailure"]>) {
  const module = useRare();
  return module ? <module.HealthyFailure {...props} /> : null;
}

export function AccountFailure(props: ComponentProps<Rare["AccountFailure"]>) {
  const module = useRare();
  return module ? <module.AccountFailure {...props} /> : null;
}

/*
 * The team desk's parts (desk-row.tsx), the same way: only a relay source with a desk shows them,
 * so a popup of key sources never loads them, and one with a relay desk loads them before its
 * first paint (preparePopup).
 */

type Desk = typeof import("./desk-row.tsx");

let desk: Desk | undefined;
let deskLoading: Promise<Desk> | undefined;

function loadDesk(): Promise<Desk> {
  return (deskLoading ??= import("./desk-row.tsx").then((module) => (desk = module)));
}

/** Whether the popup will show a relay source's team desk with this data. */
export function needsDesk({ settings, statuses }: Snapshot): boolean {
  return settings.sources.some((source) => isRelay(source) && statuses[source.id]?.relay?.member !== undefined);
}

/** Called by the popup before its first render: loads what the stored data shows it will need. */
export async function preparePopup(snapshot: Snapshot): Promise<void> {
  await Promise.all([prepareRare(snapshot), needsDesk(snapshot) ? loadDesk() : undefined]);
}

/** The desk's parts once loaded; `wanted` loads them (then re-renders) the first time they are. */
export function useDeskParts(wanted: boolean): Desk | undefined {
  const [loaded, setLoaded] = useState(desk);
  useEffect(() => {
    if (wanted && !loaded) void loadDesk().then(setLoaded);
  }, [wanted, loaded]);
  return loaded;
}

export function DeskFixedRows(props: ComponentProps<Desk["DeskFixedRows"]>) {
  const module = useDeskParts((props.status.relay?.desk?.fixed.length ?? 0) > 0);
  return module ? <module.DeskFixedRows {...props} /> : null;
}
