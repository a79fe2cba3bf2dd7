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
 * sample-data preview is on, the data is the demo org's (shown.ts).
 */
export function mount(Page: FunctionComponent<{ initial: Snapshot }>, title: MessageKey): void {
  void ensureApi()
    .then(() => {
      const t = uiTranslator();
      document.documentElement.lang = t.language;
      document.documentElement.dir = t.direction;
      document.title = t.msg(title);
      return loadSnapshot().then(shown);
    })
    .then((initial) => render(<Page initial={initial} />, document.getElementById("app")!));
}
