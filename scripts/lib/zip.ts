/**
 * Zip archives whose bytes depend only on the files they hold: entries sorted by path, every
 * timestamp the same fixed date, DOS attributes, one compression level. Two runs over the same
 * files give the same archive, whenever and in whatever order the files were written.
 *
 * `web-ext build` (and the zip-dir/jszip pair under it) stamps each entry with the time of the
 * build and adds entries in the order the file reads finish, so its archive differs on every run;
 * the packaging script rewrites it here.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import JSZip from "jszip";

/** 1980-01-01 00:00 UTC, the earliest date a zip entry can carry (jszip writes it in UTC). */
export const ZIP_DATE = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

export interface ZipEntry {
  /** Relative, "/"-separated, no "." or ".." segments. */
  path: string;
  data: Uint8Array;
}

function byPath(a: { path: string }, b: { path: string }): number {
  return Buffer.compare(Buffer.from(a.path), Buffer.from(b.path));
}

function checkPath(path: string): void {
  const segments = path.split("/");
  if (path === "" || path.startsWith("/") || segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new Error(`Not a relative file path for a zip entry: ${JSON.stringify(path)}`);
  }
  // jszip keeps entries in an object; integer-like keys would be reordered by the JS engine.
  if (/^\d+$/.test(path)) throw new Error(`A zip entry may not be named like an integer: ${path}`);
}

/** Every parent folder of the given paths ("a/b/c.js" gives "a/" and "a/b/"). */
function foldersOf(paths: string[]): string[] {
  const folders = new Set<string>();
  for (const path of paths) {
    const segments = path.split("/");
    for (let i = 1; i < segments.length; i++) folders.add(`${segments.slice(0, i).join("/")}/`);
  }
  return [...folders];
}

export async function deterministicZip(entries: ZipEntry[]): Promise<Buffer> {
  for (const entry of entries) checkPath(entry.path);
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.path)) throw new Error(`Duplicate zip entry: ${entry.path}`);
    seen.add(entry.path);
  }
  const zip = new JSZip();
  // Folders are listed explicitly (sorted before their contents) with the fixed date; left to
  // jszip (createFolders), they would carry the current time.
  const items = [
    ...foldersOf(entries.map((e) => e.path)).map((path) => ({ path, data: null })),
    ...entries,
  ].sort(byPath);
  for (const item of items) {
    if (item.data === null) zip.file(item.path, null, { dir: true, date: ZIP_DATE, createFolders: false });
    else zip.file(item.path, item.data, { binary: true, date: ZIP_DATE, createFolders: false });
  }
  return zip.generateAsync({
    type: "nodebuffer",
    platform: "DOS",
    compression: "DEFLATE",
    compressionOptions: { level: 9 },
  });
}

/** The files of a zip archive (folders left out), sorted by path. */
export async function readZip(archive: Uint8Array): Promise<ZipEntry[]> {
  const zip = await JSZip.loadAsync(archive);
  const entries: ZipEntry[] = [];
  for (const file of Object.values(zip.files)) {
    if (!file.dir) entries.push({ path: file.name, data: await file.async("uint8array") });
  }
  return entries.sort(byPath);
}

/** The files under `dir` (recursively), with paths relative to it, sorted. */
export function readTree(dir: string, prefix = ""): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const path = prefix === "" ? name : `${prefix}/${name}`;
    const full = join(dir, path);
    if (statSync(full).isDirectory()) entries.push(...readTree(dir, path));
    else entries.push({ path, data: readFileSync(full) });
  }
  return entries.sort(byPath);
}

/** Paths present on one side only, and paths whose bytes differ. Empty when the trees are the same. */
export function compareEntries(expected: ZipEntry[], actual: ZipEntry[]): string[] {
  const problems: string[] = [];
  const actualByPath = new Map(actual.map((e) => [e.path, e.data]));
  const expectedPaths = new Set(expected.map((e) => e.path));
  for (const e of expected) {
    const other = actualByPath.get(e.path);
    if (other === undefined) problems.push(`missing: ${e.path}`);
    else if (Buffer.compare(Buffer.from(e.data), Buffer.from(other)) !== 0) problems.push(`different bytes: ${e.path}`);
  }
  for (const a of actual) if (!expectedPaths.has(a.path)) problems.push(`unexpected: ${a.path}`);
  return problems;
}
