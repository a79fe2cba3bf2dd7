import { mount } from "../shared/mount.tsx";
import { preparePopup } from "./lazy.tsx";
import { Popup } from "./Popup.tsx";

mount(Popup, "appName", preparePopup);
