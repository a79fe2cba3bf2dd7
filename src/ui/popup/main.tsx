import { mount } from "../shared/mount.tsx";
import { prepareRare } from "./lazy.tsx";
import { Popup } from "./Popup.tsx";

mount(Popup, "appName", prepareRare);
