import type { DemoSettings } from "./options-form.ts";

export interface DemoBadge {
  text: string;
  title: string;
}

/** One browser for `npm start`: web-ext's arguments, and setting the extension up once it runs. */
export interface DemoBrowser {
  name: "chromium" | "firefox";
  /** The build it loads, relative to the repository. */
  distDir: string;
  /** `vite build --mode <buildMode>` builds it. */
  buildMode: "chrome" | "firefox";
  /** The unpacked extension to load, under `scratchDir` if it needs a copy. */
  prepareExtension(distDir: string, apiOrigin: string, scratchDir: string): string;
  /** Arguments after `web-ext run` (common ones are added by the caller). `profileDir` does not exist yet. */
  webExtArgs(extensionDir: string, debugPort: number, headless: boolean, profileDir: string): string[];
  /** How to stop web-ext so that the browser goes with it. */
  stopSignal: { signal: NodeJS.Signals; toGroup: boolean };
  /** Fills the options page and saves, as a user does; resolves once the badge shows `expectBadge`. */
  configure(extensionDir: string, debugPort: number, settings: DemoSettings, expectBadge: string): Promise<DemoBadge>;
}
