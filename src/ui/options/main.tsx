import { render } from "preact";
import { ensureApi } from "../../adapters/browser.ts";
import { Options } from "./Options.tsx";

void ensureApi().then(() => render(<Options />, document.getElementById("app")!));
