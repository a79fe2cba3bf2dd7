/**
 * What a release is made of: the three archives, which files the sources archive holds, and the
 * build note that goes in it. Shared by `npm run package` and `npm run package:verify`.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readTree, type ZipEntry } from "./zip.ts";

export const ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
export const RELEASE_DIR = join(ROOT, "release");

/** The command AMO's reviewers (and AMO's own builder) run after `npm ci`; it writes dist/firefox/. */
export const AMO_BUILD_SCRIPT = "build-for-amo";
export const AMO_OUTPUT_DIR = "dist/firefox";

/**
 * Everything the Firefox build reads, and nothing else. Tests, fixtures, CI, store material and
 * docs are left out: the build does not need them. A file the build starts to need fails
 * `npm run package:verify`, which rebuilds from this list alone.
 */
export const SOURCE_FILES = ["package.json", "package-lock.json", "manifest.json", "vite.config.ts", "tsconfig.json"];
export const SOURCE_DIRS = ["src", "public"];
export const BUILD_NOTE = "BUILD.md";

export type Target = "chrome" | "firefox";
export const TARGETS: Target[] = ["chrome", "firefox"];

export interface PackageInfo {
  name: string;
  version: string;
}

export function packageInfo(root = ROOT): PackageInfo {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Partial<PackageInfo>;
  if (typeof pkg.name !== "string" || typeof pkg.version !== "string") throw new Error("package.json needs a name and a version");
  return { name: pkg.name, version: pkg.version };
}

export function archiveName(info: PackageInfo, kind: Target | "sources"): string {
  return `${info.name}-${info.version}-${kind}.zip`;
}

export interface Toolchain {
  node: string;
  npm: string;
  platform: string;
}

export function toolchain(): Toolchain {
  const npm = execFileSync("npm", ["--version"], { encoding: "utf8" }).trim();
  return { node: process.version, npm, platform: `${process.platform} ${process.arch}` };
}

/** The build note for reviewers: what the archive is, the exact toolchain, the commands. */
export function buildNote(info: PackageInfo, tools: Toolchain): string {
  return `# Building ${info.name} ${info.version} from these sources

These are the sources of the Firefox add-on package
\`${archiveName(info, "firefox")}\`: everything its build reads, and nothing else (no
dependencies, no build output, no tests).

## Toolchain used for the release

- Node.js ${tools.node}
- npm ${tools.npm}
- operating system: ${tools.platform}

## Commands

Unpack this archive into an empty folder, then run, in that folder:

\`\`\`sh
npm ci
npm run ${AMO_BUILD_SCRIPT}
\`\`\`

\`npm ci\` installs the exact versions pinned in \`package-lock.json\` from the npm registry.
\`npm run ${AMO_BUILD_SCRIPT}\` runs \`vite build --mode firefox\` and writes the add-on's files to
\`${AMO_OUTPUT_DIR}/\`. Each of them is identical, byte for byte, to the file of the same path in the
Firefox package; the project's CI rebuilds from this archive and compares on every run.

## What is here

- \`manifest.json\`: one manifest for both browsers; keys prefixed \`{{firefox}}.\` or \`{{chrome}}.\`
  go to that browser's build only (vite-plugin-web-extension).
- \`vite.config.ts\`, \`tsconfig.json\`: the build. Vite bundles and minifies (Rolldown, Oxc); the
  output is minified, not obfuscated, with no source maps and no content hashes in file names.
- \`src/\`: TypeScript and Preact sources. \`public/\`: the icons and the texts in each language
  (\`_locales/\`), copied as they are.
- \`package.json\`, \`package-lock.json\`: the dependencies. The add-on ships preact,
  webextension-polyfill and zod, unmodified, from npm.
`;
}

/** The sources archive's files: the allow-list above, read from `root`, plus the build note. */
export function sourceEntries(root: string, note: string): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (const file of SOURCE_FILES) {
    const full = join(root, file);
    if (!existsSync(full)) throw new Error(`The sources archive needs ${file}, which is missing`);
    entries.push({ path: file, data: readFileSync(full) });
  }
  for (const dir of SOURCE_DIRS) {
    entries.push(...readTree(join(root, dir)).map((e) => ({ path: `${dir}/${e.path}`, data: e.data })));
  }
  entries.push({ path: BUILD_NOTE, data: Buffer.from(note) });
  return entries;
}

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}
