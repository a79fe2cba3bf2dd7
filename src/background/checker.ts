import { CobaltClient } from "../core/api/client.ts";
import { ApiError, toApiError } from "../core/api/errors.ts";
import { badgeFor } from "../core/badge.ts";
import { runCheck } from "../core/check/run.ts";
import { retryAt, shouldCheck, type Trigger } from "../core/schedule.ts";
import { sourceKey } from "../core/settings.ts";
import { originOf } from "../core/url.ts";
import type { Status } from "../core/status.ts";
import { applyBadge } from "../adapters/badge.ts";
import { nextCheckAt, scheduleRetry } from "../adapters/alarms.ts";
import { hasApiPermission } from "../adapters/permissions.ts";
import { loadHealthy, loadSnapshot, saveProgress, saveStatus, type Snapshot } from "../adapters/storage.ts";

/*
 * One check at a time. The promise below is the only module state, and it is deliberately not
 * persisted: it lives exactly as long as the check it stands for. A fresh background has none,
 * so any "checking" mark it finds in storage is left over from a background that was stopped.
 */
let inFlight: Promise<void> | undefined;

export function check(trigger: Trigger): Promise<void> {
  if (inFlight) {
    // New settings must be checked with the new settings, so they queue behind the running check;
    // anything else simply joins it.
    return trigger === "settings" ? inFlight.then(() => check("settings")) : inFlight;
  }
  inFlight = runOnce(trigger).finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

async function runOnce(trigger: Trigger): Promise<void> {
  const { settings, status } = await loadSnapshot();
  const now = Date.now();
  if (!shouldCheck(trigger, settings, status, now).run) return;

  const [permitted, { healthy }] = await Promise.all([
    hasApiPermission(settings.baseUrl),
    loadHealthy(),
    saveProgress({ startedAt: now, done: 0, total: 0 }),
  ]);
  if (!permitted) {
    const refused = new ApiError("permission", `The extension is not allowed to reach ${originOf(settings.baseUrl)}. Grant access to check again.`);
    await saveStatus(withError(status, sourceKey(settings), refused, now));
    return;
  }

  const client = new CobaltClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, fetch: (url, init) => fetch(url, init) });
  try {
    const result = await runCheck({
      client,
      settings,
      previous: status,
      previousHealthy: healthy,
      manual: trigger === "refresh" || trigger === "settings",
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
      onProgress: (done, total) => saveProgress({ startedAt: now, done, total }),
    });
    await saveStatus(result.status, result.healthy);
    await scheduleRetry(retryAt(result.status.backoff, await nextCheckAt()));
  } catch (error) {
    // A bug, not a Cobalt failure: still end in a consistent state with a readable message.
    await saveStatus(withError(status, sourceKey(settings), toApiError(error), Date.now()));
  }
}

function withError(status: Status, source: string, error: ApiError, at: number): Status {
  return { ...status, source, error: { kind: error.kind, message: error.message, at } };
}

/** A background that starts finds no check running; clear any mark a stopped one left behind. */
export async function clearInterruptedCheck(): Promise<void> {
  if (inFlight) return;
  const { progress } = await loadSnapshot();
  // Re-asked after the read: a check may have started meanwhile, and its mark is real.
  if (!progress || inFlight) return;
  await saveProgress(null);
}

export async function renderBadge(snapshot?: Snapshot): Promise<void> {
  const { settings, status } = snapshot ?? (await loadSnapshot());
  await applyBadge(badgeFor(settings, status, Date.now()));
}
