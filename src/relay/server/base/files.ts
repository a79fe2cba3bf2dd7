import { randomBytes } from "node:crypto";
import { appendFile, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname, join, basename } from "node:path";

/**
 * Replaces `path` with `data` all at once: written to a temporary file in the same folder,
 * flushed, then renamed over the old file. A crash or a full disk leaves either the old file or
 * the new one, never half of one; a reader (the running relay) never sees a partial write.
 * `data` in pieces is written piece by piece: one string of tens of megabytes would be encoded
 * to UTF-8 in one go, during which the relay answers nothing.
 */
export async function writeFileAtomic(path: string, data: string | readonly string[], mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "w", mode);
    try {
      // writeFile writes from where the last write ended.
      for (const piece of typeof data === "string" ? [data] : data) await handle.writeFile(piece, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Appends one line. Opened with O_APPEND, so concurrent appends of short lines never interleave. */
export async function appendLine(path: string, line: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${line}\n`, { encoding: "utf8", mode });
}

/** Another command holds the file's lock for longer than a change takes: said as is, it is the user's to resolve. */
export class FileLockedError extends Error {}

/** A lock older than this was left by a command that died holding it: a change takes milliseconds. */
const STALE_LOCK_MS = 30_000;
const LOCK_RETRY_MS = 20;
const LOCK_WAIT_MS = 10_000;

/**
 * Runs `change` (a read-modify-write of `path`) while holding `<path>.lock`, created exclusively:
 * two commands changing the file at the same moment (two `add-member`s) take turns instead of one
 * writing over the other's change. A lock older than STALE_LOCK_MS is broken.
 */
export async function withFileLock<T>(path: string, change: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true });
  for (let waited = 0; !(await tryLock(lock)); waited += LOCK_RETRY_MS) {
    if (await isStale(lock)) {
      await rm(lock, { force: true });
      continue;
    }
    if (waited >= LOCK_WAIT_MS) throw new FileLockedError(`${lock} is held by another command. If none is running, remove that file.`);
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
  try {
    return await change();
  } finally {
    await rm(lock, { force: true });
  }
}

async function tryLock(lock: string): Promise<boolean> {
  try {
    await (await open(lock, "wx", 0o600)).close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

async function isStale(lock: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(lock)).mtimeMs > STALE_LOCK_MS;
  } catch {
    // Gone since: not stale, simply free to take.
    return false;
  }
}
