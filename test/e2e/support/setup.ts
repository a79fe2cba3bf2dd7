import type { FakeCobalt } from "../../fake-cobalt/server.ts";
import type { ExtensionSession } from "./browsers.ts";
import { RESULT_KEYS } from "./stored.ts";

/** Sets the extension up the way a user does: through the options page and its Save button. */
export async function configureThroughOptions(
  ext: ExtensionSession,
  fake: FakeCobalt,
  opts: { key: string; ids: string; expect: string | RegExp },
): Promise<void> {
  const options = await ext.openPage(ext.optionsPath);
  await options.fillLabelled("API key", opts.key);
  await options.fillLabelled("API base URL", fake.origin);
  await options.fillLabelled("Linked account IDs", opts.ids);
  await options.clickByRole("button", "Save");
  await options.waitForText(opts.expect, { timeoutMs: 30_000 });
  await options.close();
}

/**
 * Lets the background's backoff run out without waiting for it: moves the stored "not before"
 * into the past and fires the real retry alarm, the same path the browser takes when the wait
 * is over.
 */
export async function letBackoffExpire(ext: ExtensionSession): Promise<void> {
  const { [RESULT_KEYS.header]: header } = await ext.storageGet(RESULT_KEYS.header);
  const stored = header as { backoff?: { failures: number; notBefore: number } };
  if (stored.backoff) await ext.storageSet({ [RESULT_KEYS.header]: { ...stored, backoff: { ...stored.backoff, notBefore: Date.now() - 1 } } });
  await ext.evalInBackground(`(globalThis.browser ?? chrome).alarms.create("retry", { when: Date.now() + 50 })`);
}

export const ALARM_NOW = `(async () => {
  const api = globalThis.browser ?? chrome;
  const alarm = await api.alarms.get("check");
  await api.alarms.create("check", { when: Date.now() + 50, periodInMinutes: alarm ? alarm.periodInMinutes : 5 });
})()`;
