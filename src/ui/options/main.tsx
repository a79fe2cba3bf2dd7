import { mount } from "../shared/mount.tsx";
import { Options } from "./Options.tsx";

mount(Options, "pageTitleOptions");
