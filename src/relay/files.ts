import { randomBytes } from "node:crypto";
import { appendFile, mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, join, basename } from "node:path";

/**
 * Replaces `path` with `data` all at once: written to a temporary file in the same folder,
 * flushed, then renamed over the old file. A crash or a full disk leaves either the old file or
 * the new one, never half of one; a reader (the running relay) never sees a partial write.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "w", mode);
    try {
      await handle.writeFile(data, "utf8");
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
