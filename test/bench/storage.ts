import type { Page } from "playwright-core";
import { v3App, type FakeCobalt } from "../fake-cobalt/server.ts";
import type { Status } from "../../src/core/status/model.ts";
import { decodeResults } from "../../src/core/store/codec.ts";

/*
 * Storage figures for `npm run bench`: what the stored results weigh, and what each check writes.
 * Bytes are counted as Chrome counts them against the quota: key length plus the JSON of the value.
 */

/** The target: at most 100 bytes of storage per linked account. */
export const BYTES_PER_ACCOUNT_TARGET = 100;

export interface Writes {
  /**
   * The check's results (`status.<source>…`, or the older `status`/`healthy`); the background's
   * own few-byte records (`lastDecision.<id>`, `pendingBackoff.<id>`) and `progress.<id>` are not counted here.
   */
  results: number;
  keys: number;
  /** The `progress.<id>` key, written about once a second during a check. */
  progress: number;
  /** The check's checkpoint (`checkpoint.<id>.…`, in storage.session), written as the check goes. */
  checkpoint: number;
}

/** Starts totalling, in an extension page, every storage.local write as storage.onChanged delivers it. */
export async function recordWrites(page: Page): Promise<void> {
  await page.evaluate(() => {
    const totals = { results: 0, keys: 0, progress: 0, checkpoint: 0 };
    (globalThis as unknown as { benchWrites: typeof totals }).benchWrites = totals;
    browser.storage.onChanged.addListener((changes, area) => {
      // No helper function here: the bench runs under tsx, whose named functions need a helper the page lacks.
      if (area === "session") {
        for (const [key, change] of Object.entries(changes)) {
          if (key.startsWith("checkpoint.")) totals.checkpoint += key.length + (change.newValue === undefined ? 0 : JSON.stringify(change.newValue).length);
        }
      }
      if (area !== "local") return;
      for (const [key, change] of Object.entries(changes)) {
        const bytes = key.length + (change.newValue === undefined ? 0 : JSON.stringify(change.newValue).length);
        // As isResultsKey in src/core/store/keys.ts (this function runs in the page, alone).
        const isResults = key === "status" || key === "healthy" || key.startsWith("status.");
        if (key === "progress" || key.startsWith("progress.")) totals.progress += bytes;
        else if (isResults) {
          totals.results += bytes;
          totals.keys++;
        }
      }
    });
  });
}

/** The totals since the last call, reset to zero. */
export async function takeWrites(page: Page): Promise<Writes> {
  return page.evaluate(() => {
    const totals = (globalThis as unknown as { benchWrites: Writes }).benchWrites;
    const taken = { ...totals };
    Object.assign(totals, { results: 0, keys: 0, progress: 0, checkpoint: 0 });
    return taken;
  });
}

/** Everything in storage.local, settings included, as the quota counts it. */
export async function bytesInUse(page: Page): Promise<number> {
  return page.evaluate(() => browser.storage.local.getBytesInUse(null));
}

/** Every 100th account (1 %), starting with the second, gets a second app needing re-authentication. */
export function changeOnePercent(fake: FakeCobalt, accounts: number): number {
  let changed = 0;
  for (let i = 1; i < accounts; i += 100) {
    changed++;
    fake.setAccount({
      account_id: `acct-${String(i).padStart(5, "0")}`,
      name: `Customer ${i}`,
      apps: [
        v3App("slack", { name: "Slack", connected: true, status: "active", icon: fake.iconUrl("slack") }),
        v3App("hubspot", { name: "Hubspot", status: "active", reauthRequired: true, icon: fake.iconUrl("hubspot") }),
        v3App("google_drive", { name: "Drive", status: "active", icon: fake.iconUrl("google_drive") }),
      ],
    });
  }
  return changed;
}

/** The stored results, read the way the extension reads them. */
export async function storedStatus(page: Page): Promise<Status> {
  const raw = await page.evaluate(() => browser.storage.local.get(null));
  return decodeResults(raw).status;
}
