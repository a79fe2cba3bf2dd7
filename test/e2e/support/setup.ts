import type { FakeCobalt } from "../../fake-cobalt/server.ts";
import type { ExtensionSession } from "./browsers.ts";
import { MAIN_KEYS, RESULT_KEYS } from "./stored.ts";

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
  await ext.evalInBackground(`(globalThis.browser ?? chrome).alarms.create("retry.main", { when: Date.now() + 50 })`);
}

/** Fires the first source's check alarm (`check.main`) now, keeping its period. */
export const ALARM_NOW = alarmNow("main");

/** Fires a source's check alarm now, keeping its period: the same path the schedule takes. */
export function alarmNow(source: string): string {
  return `(async () => {
  const api = globalThis.browser ?? chrome;
  const alarm = await api.alarms.get("check.${source}");
  await api.alarms.create("check.${source}", { when: Date.now() + 50, periodInMinutes: alarm ? alarm.periodInMinutes : 5 });
})()`;
}

/** What the background last decided on an event for a source (stored by it under "lastDecision.<id>"). */
export interface Decision {
  trigger: string;
  at: number;
  run: boolean;
  reason?: string;
}

/** Polls storage (never waking the background) until the background has stored a decision of the first source matching pred. */
export async function waitForDecision(ext: ExtensionSession, pred: (decision: Decision) => boolean, timeoutMs = 10_000): Promise<Decision> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    last = (await ext.storageGet(MAIN_KEYS.lastDecision))[MAIN_KEYS.lastDecision];
    if (last && pred(last as Decision)) return last as Decision;
    if (Date.now() > end) throw new Error(`No matching decision of the background within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Fires the real check alarm now and resolves once the background has handled it, with what it
 * decided: proof that the tick happened, for tests that also prove it made no request.
 */
export async function fireCheckAlarm(ext: ExtensionSession): Promise<Decision> {
  const before = Date.now();
  await ext.evalInBackground(ALARM_NOW);
  return waitForDecision(ext, (d) => d.trigger === "alarm" && d.at >= before);
}

/**
 * Runs code in a fresh extension page (the manifest's JSON view: no script of the extension
 * runs there) and closes it. Unlike evalInBackground in Chromium, it never starts a stopped
 * background: the extension's own events (an alarm, a message) must wake it.
 */
export async function inExtensionPage<T>(ext: ExtensionSession, code: string): Promise<T> {
  const page = await ext.openPage("manifest.json");
  try {
    return await page.evaluate<T>(code);
  } finally {
    await page.close();
  }
}

/** Sets whether an app of the fake org needs re-authentication (the org seeded by seedDemoOrg). */
export function setBroken(fake: FakeCobalt, accountId: string, slug: string, broken: boolean): void {
  const app = fake.accounts().find((a) => a.account_id === accountId)!.apps.find((a) => a.slug === slug)!;
  app.reauth_required = broken;
}

/** A check of every source, as Refresh asks for it: resolves once the background is done with it, alerts included. */
export async function checkNow(ext: ExtensionSession): Promise<void> {
  await inExtensionPage(ext, `(globalThis.browser ?? chrome).runtime.sendMessage({ type: "check", trigger: "refresh" })`);
}
