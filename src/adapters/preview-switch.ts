import { api } from "./browser.ts";
import { PREVIEW_KEY, type PreviewState } from "../core/preview/state.ts";

/*
 * Turning the sample-data preview on and off writes its own key and nothing else: the user's
 * settings and results are never touched, so leaving brings them back exactly as they were.
 * Kept apart from adapters/preview.ts so a page's button loads no sample data until it is used.
 */

export async function startPreview(): Promise<void> {
  const state: PreviewState = { startedAt: Date.now() };
  await api().storage.local.set({ [PREVIEW_KEY]: state });
}

export async function leavePreview(): Promise<void> {
  await api().storage.local.remove(PREVIEW_KEY);
}
