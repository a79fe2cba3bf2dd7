import { mount } from "../shared/mount.tsx";
import { Popup } from "./Popup.tsx";

mount(Popup, "appName");
