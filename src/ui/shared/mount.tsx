import { render, type FunctionComponent } from "preact";
import { ensureApi } from "../../adapters/browser.ts";
import { loadSnapshot, type Snapshot } from "../../adapters/storage.ts";

/** Reads storage first and renders once, with the data: no empty first frame, no spinner. */
export function mount(Page: FunctionComponent<{ initial: Snapshot }>): void {
  void ensureApi()
    .then(loadSnapshot)
    .then((initial) => render(<Page initial={initial} />, document.getElementById("app")!));
}
