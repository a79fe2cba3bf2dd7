import { useEffect, useState } from "preact/hooks";
import type { AccountGroup } from "../../core/status/list-model.ts";

/** More apps than the popup's window shows at once. */
const FIRST_PAINT_APPS = 40;

/**
 * A long list is rendered in two goes: first the groups that fill the popup's window, so that it
 * paints as soon as a short list would, then all of them right after that paint (Preact runs
 * effects once the browser has painted). Building a thousand rows first would keep the popup
 * blank for a quarter of a second on a slow computer. Only the first render is cut short.
 */
export function useFirstPaintSlice(groups: readonly AccountGroup[]): readonly AccountGroup[] {
  const [whole, setWhole] = useState(false);
  const cut = whole ? groups.length : firstCut(groups);
  const cutShort = cut < groups.length;
  useEffect(() => {
    if (cutShort) setWhole(true);
  }, [cutShort]);
  return cutShort ? groups.slice(0, cut) : groups;
}

function firstCut(groups: readonly AccountGroup[]): number {
  let apps = 0;
  for (let index = 0; index < groups.length; index++) {
    apps += Math.max(1, groups[index]!.apps.length);
    if (apps >= FIRST_PAINT_APPS) return index + 1;
  }
  return groups.length;
}
