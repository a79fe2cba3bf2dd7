import type { StoreBackend } from "../store/backend.ts";
import type { DurableObjectStorage } from "./types.ts";

/*
 * The relay's records in the Durable Object's SQLite storage: a document is rows of
 * `documents` (split into parts, since SQLite in a Durable Object takes at most 2 MB in one value
 * and a large org's status is more), a log is rows of `log_lines`. A write replaces every part in
 * one transaction, so a reader never sees half of one; the object runs one event at a time, so
 * compare-and-replace needs nothing more than that transaction.
 */

/** Characters per part: at most 3 bytes each in UTF-8, so a part stays under 2 MB. */
const PART_CHARS = 600_000;

export class SqlBackend implements StoreBackend {
  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec(`CREATE TABLE IF NOT EXISTS documents (
      name TEXT NOT NULL, part INTEGER NOT NULL, version INTEGER NOT NULL, text TEXT NOT NULL,
      PRIMARY KEY (name, part))`);
    storage.sql.exec("CREATE TABLE IF NOT EXISTS log_lines (seq INTEGER PRIMARY KEY AUTOINCREMENT, log TEXT NOT NULL, line TEXT NOT NULL)");
    storage.sql.exec("CREATE INDEX IF NOT EXISTS log_lines_by_log ON log_lines (log, seq)");
  }

  where(name: string): string {
    return `the Durable Object's "${name}" document`;
  }

  async read(name: string): Promise<string | undefined> {
    const rows = this.storage.sql.exec<{ text: string }>("SELECT text FROM documents WHERE name = ? ORDER BY part", name).toArray();
    return rows.length === 0 ? undefined : rows.map((row) => row.text).join("");
  }

  async version(name: string): Promise<string> {
    return this.#version(name);
  }

  async write(name: string, text: string): Promise<void> {
    this.storage.transactionSync(() => this.#replace(name, text));
  }

  async replaceIf(name: string, expected: string, text: string): Promise<boolean> {
    return this.storage.transactionSync(() => {
      if (this.#version(name) !== expected) return false;
      this.#replace(name, text);
      return true;
    });
  }

  async append(log: string, line: string): Promise<void> {
    this.storage.sql.exec("INSERT INTO log_lines (log, line) VALUES (?, ?)", log, line);
  }

  async lines(log: string): Promise<string[]> {
    return this.storage.sql.exec<{ line: string }>("SELECT line FROM log_lines WHERE log = ? ORDER BY seq", log).toArray().map((row) => row.line);
  }

  #version(name: string): string {
    const [row] = this.storage.sql.exec<{ version: number }>("SELECT version FROM documents WHERE name = ? AND part = 0", name).toArray();
    return row ? `v${row.version}` : "none";
  }

  #replace(name: string, text: string): void {
    const [row] = this.storage.sql.exec<{ version: number }>("SELECT version FROM documents WHERE name = ? AND part = 0", name).toArray();
    const version = (row?.version ?? 0) + 1;
    this.storage.sql.exec("DELETE FROM documents WHERE name = ?", name);
    for (let part = 0, at = 0; part === 0 || at < text.length; part++, at += PART_CHARS) {
      this.storage.sql.exec("INSERT INTO documents (name, part, version, text) VALUES (?, ?, ?, ?)", name, part, version, text.slice(at, at + PART_CHARS));
    }
  }
}
