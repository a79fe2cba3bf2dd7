import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { browserUnderTest, launchExtension, type ExtensionSession } from "./support/browsers.ts";
import { configureThroughOptions } from "./support/setup.ts";

// The background may be stopped at any moment, and the browser restarted: the extension comes
// back with its alarm, its settings and its last data, and is never stuck "checking".

const KEY = "tk_demo_key";
const IDS = "acme-corp globex initech";
let fake: FakeCobalt;
let ext: ExtensionSession | undefined;
const profile = mkdtempSync(join(tmpdir(), "cobalt-status-profile-"));

beforeAll(async () => {
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
});

afterAll(async () => {
  await ext?.close();
  await fake?.close();
});

describe(`background lifecycle in ${browserUnderTest()}`, () => {
  it("recreates a missing alarm when the background starts", async () => {
    ext = await launchExtension({ userDataDir: profile });
    await configureThroughOptions(ext, fake, { key: KEY, ids: IDS, expect: "3 apps need re-authentication" });
    await ext.evalInBackground(`(globalThis.browser ?? chrome).alarms.clearAll()`);
    expect(await ext.evalInBackground(`(globalThis.browser ?? chrome).alarms.get("check")`)).toBeFalsy();
    // A reload of the extension restarts its background exactly as a browser start does.
    await ext.restartBackground!();
    const alarm = await waitFor(() => ext!.evalInBackground<{ periodInMinutes?: number } | undefined>(`(globalThis.browser ?? chrome).alarms.get("check")`));
    expect(alarm?.periodInMinutes).toBe(5);
  });

  it("a background stopped in the middle of a check is not left 'checking'", async () => {
    fake.fault({ path: "/api/v2/public/application" }, { kind: "hang" });
    const popup = await ext!.openPage(ext!.popupPath);
    await popup.waitForText("Hubspot");
    await popup.clickByRole("button", "Refresh");
    await popup.waitForText("Checking…");
    await popup.close();
    await ext!.restartBackground!();
    fake.clearFaults();
    const again = await ext!.openPage(ext!.popupPath);
    await again.waitForNoText("Checking…", { timeoutMs: 10_000 });
    await again.waitForText("Hubspot");
    expect((await ext!.storageGet("progress")).progress ?? null).toBeNull();
    await again.close();
  });

  it("after a browser restart: same settings, last data on the badge, alarm in place", async () => {
    await ext!.close();
    ext = await launchExtension({ userDataDir: profile });
    const badge = await ext.waitForBadge((b) => b.text === "3");
    expect(badge.title).toContain("3 apps need re-authentication");
    expect(((await ext.storageGet("settings")).settings as { apiKey: string }).apiKey).toBe(KEY);
    const alarm = await waitFor(() => ext!.evalInBackground<{ periodInMinutes?: number } | undefined>(`(globalThis.browser ?? chrome).alarms.get("check")`));
    expect(alarm?.periodInMinutes).toBe(5);
  });
});

async function waitFor<T>(read: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value || Date.now() > end) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
