// The one import point for browser APIs: Chrome 148+ and Firefox have a native promise-based
// `browser`; the polyfill supplies it on older Chrome and is a no-op elsewhere.
import browser from "webextension-polyfill";

export { browser };
export type { Runtime, Storage, Alarms } from "webextension-polyfill";
