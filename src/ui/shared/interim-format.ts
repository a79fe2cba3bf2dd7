import { uiTranslator } from "../../adapters/i18n.ts";
import * as format from "../../core/format.ts";

/*
 * INTERIM, for Popup.tsx and Options.tsx only, until their own texts move to the catalog (issue 10,
 * the round after several sources): the format helpers they called before, with the same
 * signatures, bound to the browser's language. `plural` still takes English words; it goes with
 * those pages' English. Delete this file when nothing imports it.
 */

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${uiTranslator().number(count)} ${count === 1 ? one : many}`;
}

export const ago = (then: number, now: number): string => format.ago(uiTranslator(), then, now);

export const clockTime = (at: number): string => uiTranslator().time(at);

export const duration = (ms: number): string => format.duration(uiTranslator(), ms);
