/**
 * `npm run package`: builds both browsers and writes the store archives under release/:
 *   <name>-<version>-chrome.zip    the Chrome Web Store / Edge Add-ons upload
 *   <name>-<version>-firefox.zip   the addons.mozilla.org upload
 *   <name>-<version>-sources.zip   what AMO's reviewers rebuild the Firefox package from
 * plus SHA256SUMS. Name and version come from package.json (the only place the version lives).
 *
 * `web-ext build` picks the files (its ignore rules) and checks the manifest; its archive carries
 * the build time and a read-order entry list, so it is rewritten deterministically (scripts/lib/zip.ts).
 * Packaging twice gives byte-identical archives: `npm run package:verify` checks it.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { englishManifestTexts, listingProblems } from "./lib/listing.ts";
import { archiveName, buildNote, packageInfo, RELEASE_DIR, ROOT, sha256, sourceEntries, TARGETS, toolchain, type PackageInfo, type Target } from "./lib/release.ts";
import { compareEntries, deterministicZip, readTree, readZip } from "./lib/zip.ts";

const WEB_EXT = join(ROOT, "node_modules", ".bin", "web-ext");

function checkListing(): void {
  const manifest = englishManifestTexts(ROOT);
  const problems = listingProblems({
    name: manifest.name,
    manifestDescription: manifest.description,
    shortDescription: readFileSync(join(ROOT, "store", "description-short.txt"), "utf8").replace(/\n$/, ""),
    longDescription: readFileSync(join(ROOT, "store", "description-long.txt"), "utf8"),
  });
  if (problems.length > 0) throw new Error(`The store listing would be refused:\n- ${problems.join("\n- ")}`);
}

/** web-ext build into a scratch folder, then the same files rewritten into a deterministic zip. */
async function packageTarget(info: PackageInfo, target: Target): Promise<void> {
  const sourceDir = join(ROOT, "dist", target);
  const scratch = mkdtempSync(join(tmpdir(), `package-${target}-`));
  try {
    execFileSync(WEB_EXT, ["build", "--source-dir", sourceDir, "--artifacts-dir", scratch, "--filename", "web-ext.zip", "--overwrite-dest", "--no-config-discovery"], { stdio: ["ignore", "ignore", "inherit"] });
    const entries = await readZip(readFileSync(join(scratch, "web-ext.zip")));
    // web-ext's ignore rules must not drop a built file the extension needs.
    const dropped = compareEntries(readTree(sourceDir), entries);
    if (dropped.length > 0) throw new Error(`web-ext build did not package dist/${target} as built:\n- ${dropped.join("\n- ")}`);
    writeFileSync(join(RELEASE_DIR, archiveName(info, target)), await deterministicZip(entries));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  checkListing();
  const info = packageInfo();
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  rmSync(RELEASE_DIR, { recursive: true, force: true });
  mkdirSync(RELEASE_DIR);
  for (const target of TARGETS) await packageTarget(info, target);
  const note = buildNote(info, toolchain());
  writeFileSync(join(RELEASE_DIR, archiveName(info, "sources")), await deterministicZip(sourceEntries(ROOT, note)));
  const sums = readdirSync(RELEASE_DIR).sort().map((file) => `${sha256(join(RELEASE_DIR, file))}  ${file}\n`).join("");
  writeFileSync(join(RELEASE_DIR, "SHA256SUMS"), sums);
  console.log(`\nPackaged ${info.name} ${info.version} into release/:\n${sums}`);
}

await main();
