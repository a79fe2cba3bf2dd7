import type Browser from "webextension-polyfill";

/*
 * The one access point for browser APIs. Firefox and Chrome 148+ have a native promise-based
 * `browser`, which is what webextension-polyfill hands back there anyway; older Chrome needs the
 * polyfill itself. The background installs it synchronously (its listeners must be registered at
 * once); pages load it only when the native object is missing, so the popup does not carry a
 * library that does nothing in the browsers it runs in.
 */
let current: Browser.Browser | undefined = (globalThis as { browser?: Browser.Browser }).browser;

export function api(): Browser.Browser {
  if (!current) throw new Error("The browser extension API is not available in this context.");
  return current;
}

export function installApi(browser: Browser.Browser): void {
  current = browser;
}

export async function ensureApi(): Promise<void> {
  current ??= (await import("webextension-polyfill")).default;
}

export type { Browser };
