import { render, type FunctionComponent } from "preact";
import { ensureApi } from "../../adapters/browser.ts";
import { uiTranslator } from "../../adapters/i18n.ts";
import { loadSnapshot, type Snapshot } from "../../adapters/storage.ts";
import type { MessageKey } from "../../core/i18n/keys.ts";
import { shown } from "./shown.ts";

/**
 * Reads storage first and renders once, with the data: no empty first frame, no spinner. The
 * page's title, language and direction come from the catalog the browser chose, set before
 * storage is read: `lang` lets screen readers pronounce the text and the browser hyphenate long
 * German words, `dir` lays the page out right to left for a language written that way. While the
 * sample-data preview is on, the data is the demo org's (shown.ts). `prepare` loads what the first
 * render of that data will need (the popup's rarely shown parts), so it is in the first paint.
 */
export function mount(Page: FunctionComponent<{ initial: Snapshot }>, title: MessageKey, prepare?: (initial: Snapshot) => Promise<void>): void {
  void ensureApi()
    .then(() => {
      const t = uiTranslator();
      document.documentElement.lang = t.language;
      document.documentElement.dir = t.direction;
      document.title = t.msg(title);
      return loadSnapshot().then(shown);
    })
    .then(async (initial) => {
      await prepare?.(initial);
      render(<Page initial={initial} />, document.getElementById("app")!);
    });
}
