/**
 * Builds the throwaway fixture extension (test/e2e/support/fixture-extension/) for one browser
 * into a temporary directory, so the harness can be tested before the real extension is built.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserName } from "./browsers.ts";

export const FIXTURE_SOURCE_DIR = join(dirname(fileURLToPath(import.meta.url)), "fixture-extension");
export const FIXTURE_GECKO_ID = "e2e-harness-fixture@example.invalid";

/** Copies the fixture into a new temp dir and writes the manifest for `browser`. Returns the dir. */
export function buildFixtureExtension(browser: BrowserName, outDir?: string): string {
  const dir = outDir ?? mkdtempSync(join(tmpdir(), `e2e-fixture-${browser}-`));
  cpSync(FIXTURE_SOURCE_DIR, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(FIXTURE_SOURCE_DIR, "manifest.base.json"), "utf8"));
  if (browser === "chromium") {
    manifest.background = { service_worker: "background.js" };
  } else {
    manifest.background = { scripts: ["background.js"] };
    manifest.browser_specific_settings = {
      gecko: {
        id: FIXTURE_GECKO_ID,
        strict_min_version: "140.0",
        data_collection_permissions: { required: ["none"] },
      },
    };
  }
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return dir;
}
