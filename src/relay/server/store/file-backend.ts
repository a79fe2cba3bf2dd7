import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { appendLine, withFileLock, writeFileAtomic } from "../base/files.ts";
import type { DocumentText, StoreBackend } from "./backend.ts";

/*
 * The relay's records as files in its data folder, as they always were: a document is
 * `<name>.json`, written atomically (a temporary file renamed over it), and a log is `<name>.log`,
 * one line per entry, appended. Files are readable by their owner only. A document's version is
 * its modification time, size and inode: every atomic write makes a new inode, so a change by
 * another process (`npm run relay -- remove-member`) is seen on the next request.
 */

/** A temporary file of writeFileAtomic: `.<file>.<12 hex>.tmp`. */
const TEMP_FILE = /^\.(.+)\.[0-9a-f]{12}\.tmp$/;
/** A write takes milliseconds: a temporary file this old was left by a process that died. */
const STALE_TEMP_MS = 30_000;

export class FileBackend implements StoreBackend {
  constructor(readonly dir: string) {}

  path(name: string): string {
    return join(this.dir, `${name}.json`);
  }

  where(name: string): string {
    return this.path(name);
  }

  async read(name: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(name), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async version(name: string): Promise<string> {
    try {
      const info = await stat(this.path(name));
      return `${info.mtimeMs}:${info.size}:${info.ino}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return "none";
      throw error;
    }
  }

  async write(name: string, text: DocumentText): Promise<void> {
    await writeFileAtomic(this.path(name), text);
  }

  /** Under `<file>.lock`, so commands of several processes take turns. */
  replaceIf(name: string, expected: string, text: string): Promise<boolean> {
    return withFileLock(this.path(name), async () => {
      if ((await this.version(name)) !== expected) return false;
      await writeFileAtomic(this.path(name), text);
      return true;
    });
  }

  async append(log: string, line: string): Promise<void> {
    await appendLine(this.logPath(log), line);
  }

  async lines(log: string): Promise<string[]> {
    try {
      return (await readFile(this.logPath(log), "utf8")).split("\n");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  logPath(log: string): string {
    return join(this.dir, `${log}.log`);
  }

  /**
   * Removes temporary files a crash left behind (a full status can be hundreds of kilobytes).
   * Those of `ownDocuments` (only the serving relay writes them) go whatever their age; others
   * only when stale, since a member command may be writing one at this very moment.
   */
  async removeLeftovers(ownDocuments: readonly string[], now = Date.now()): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const own = new Set(ownDocuments.map((name) => `${name}.json`));
    const removed: string[] = [];
    for (const name of names) {
      const match = TEMP_FILE.exec(name);
      if (!match) continue;
      const path = join(this.dir, name);
      if (!own.has(match[1]!) && now - (await stat(path).catch(() => ({ mtimeMs: now }))).mtimeMs < STALE_TEMP_MS) continue;
      await rm(path, { force: true });
      removed.push(name);
    }
    return removed;
  }
}
