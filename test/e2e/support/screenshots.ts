import { join } from "node:path";
import { REPO_ROOT } from "./browsers.ts";

/**
 * Where a test writes a screenshot that the repository keeps (docs/, store/): there only when
 * asked (`npm run screenshots` sets UPDATE_SCREENSHOTS=1), otherwise under test-results/, which
 * git ignores. A plain `npm test` then leaves the working tree as it found it: the images carry
 * times and ports that change on every run.
 */
export function screenshotPath(...repoPath: string[]): string {
  return process.env.UPDATE_SCREENSHOTS === "1" ? join(REPO_ROOT, ...repoPath) : join(REPO_ROOT, "test-results", "screenshots", ...repoPath);
}
