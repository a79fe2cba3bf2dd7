import { render } from "preact";
import { ensureApi } from "../../adapters/browser.ts";
import { Popup } from "./Popup.tsx";

void ensureApi().then(() => render(<Popup />, document.getElementById("app")!));
