/**
 * `npm run package:verify`: the release is reproducible, and the sources archive is enough.
 *
 * 1. `npm run package` twice: every archive must be byte-identical (sha256 printed for both runs).
 * 2. The Firefox package, unpacked, passes `web-ext lint` (0 errors, no unexplained warning).
 * 3. The sources archive, unpacked alone into an empty temporary folder: `npm ci` (from the npm
 *    cache when it can) and the build command its note names; every file of dist/firefox/ there
 *    must be byte-identical to the Firefox package's file of the same path, and none missing or extra.
 *
 * Exits 1 with the differences on any failure. Takes about a minute (the `npm ci`).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { AMO_BUILD_SCRIPT, AMO_OUTPUT_DIR, archiveName, BUILD_NOTE, packageInfo, RELEASE_DIR, ROOT, sha256, SOURCE_DIRS, SOURCE_FILES } from "./lib/release.ts";
import { compareEntries, readTree, readZip, type ZipEntry } from "./lib/zip.ts";

const failures: string[] = [];

function step(title: string): void {
  console.log(`\n---- ${title}`);
}

function packageAndHash(): Map<string, string> {
  execFileSync("npm", ["run", "package"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  return new Map(readdirSync(RELEASE_DIR).sort().map((file) => [file, sha256(join(RELEASE_DIR, file))]));
}

function checkTwoRuns(): void {
  step("Packaging twice");
  const first = packageAndHash();
  const second = packageAndHash();
  for (const [file, hash] of first) {
    const again = second.get(file);
    const same = again === hash;
    console.log(`${same ? "same     " : "DIFFERENT"} ${file}\n          run 1 ${hash}\n          run 2 ${again ?? "(missing)"}`);
    if (!same) failures.push(`${file} differs between two packaging runs`);
  }
  for (const file of second.keys()) if (!first.has(file)) failures.push(`${file} appeared only in the second run`);
}

function unpack(entries: ZipEntry[], dir: string): void {
  for (const entry of entries) {
    mkdirSync(dirname(join(dir, entry.path)), { recursive: true });
    writeFileSync(join(dir, entry.path), entry.data);
  }
}

function lintFirefoxPackage(firefox: ZipEntry[], scratch: string): void {
  step("web-ext lint on the Firefox package");
  const dir = join(scratch, "firefox-package");
  unpack(firefox, dir);
  try {
    execFileSync("npx", ["tsx", "test/lint/firefox.ts", dir], { cwd: ROOT, stdio: "inherit" });
  } catch {
    failures.push("web-ext lint failed on the Firefox package");
  }
}

/** Only the allow-listed sources and the note: no node_modules, dist, release, tests or fixtures. */
function checkSourcesContent(sources: ZipEntry[]): void {
  const allowed = (path: string) => path === BUILD_NOTE || SOURCE_FILES.includes(path) || SOURCE_DIRS.some((d) => path.startsWith(`${d}/`));
  for (const entry of sources) if (!allowed(entry.path)) failures.push(`the sources archive holds ${entry.path}, which the build does not need`);
  const note = sources.find((e) => e.path === BUILD_NOTE);
  if (!note || !Buffer.from(note.data).toString("utf8").includes(`npm run ${AMO_BUILD_SCRIPT}`)) failures.push(`${BUILD_NOTE} does not name npm run ${AMO_BUILD_SCRIPT}`);
}

function rebuildFromSources(sources: ZipEntry[], firefox: ZipEntry[], scratch: string): void {
  step(`Rebuilding from the sources archive alone: npm ci && npm run ${AMO_BUILD_SCRIPT}`);
  const dir = join(scratch, "sources");
  unpack(sources, dir);
  console.log(`unpacked ${sources.length} files into ${dir}`);
  try {
    execFileSync("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { cwd: dir, stdio: ["ignore", "inherit", "inherit"] });
    execFileSync("npm", ["run", AMO_BUILD_SCRIPT], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
  } catch {
    failures.push("the build from the sources archive failed");
    return;
  }
  const rebuilt = readTree(join(dir, AMO_OUTPUT_DIR));
  const differences = compareEntries(firefox, rebuilt);
  console.log(`compared ${firefox.length} files of the Firefox package with ${rebuilt.length} rebuilt files: ${differences.length === 0 ? "all identical" : `${differences.length} differences`}`);
  for (const d of differences) failures.push(`rebuild from sources: ${d}`);
}

async function main(): Promise<void> {
  checkTwoRuns();
  const info = packageInfo();
  const firefox = await readZip(readFileSync(join(RELEASE_DIR, archiveName(info, "firefox"))));
  const sources = await readZip(readFileSync(join(RELEASE_DIR, archiveName(info, "sources"))));
  const scratch = mkdtempSync(join(tmpdir(), "package-verify-"));
  try {
    lintFirefoxPackage(firefox, scratch);
    checkSourcesContent(sources);
    rebuildFromSources(sources, firefox, scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.error(`\nRelease check FAILED:\n- ${failures.join("\n- ")}`);
    process.exit(1);
  }
  console.log("\nRelease check passed: packaging is reproducible, and the sources archive rebuilds the Firefox package exactly.");
}

await main();
