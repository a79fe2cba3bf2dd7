import type { DocumentText, StoreBackend } from "../store/backend.ts";
import type { DurableObjectStorage } from "./types.ts";

/*
 * The relay's records in the Durable Object's SQLite storage. A document is rows of
 * `document_parts` (split into parts, since SQLite in a Durable Object takes at most 2 MB in one
 * value and a large org's status is more), one set of rows per version, and `document_heads` says
 * which version is the document; a log is rows of `log_lines`.
 *
 * The object answers one event at a time, and a synchronous transaction holds it for as long as
 * it takes: the last status of 100,000 linked accounts is some 58 MB, written in about 200 ms. So
 * a large document is written in steps (its parts under a new version, a few at a time, letting
 * requests in between) and becomes the document in one small last transaction, which moves the
 * head and removes the other versions. A reader reads the head's parts alone: the old text or the
 * new, never half. A write left unfinished (the object evicted) leaves parts no head names, which
 * the next write removes. Small documents (members, the desk) are written in one transaction, and
 * compare-and-replace needs nothing more than that.
 */

/** Characters per part: at most 3 bytes each in UTF-8, so a part stays under 2 MB. */
const PART_CHARS = 600_000;
/** Parts written per step of a large write: some 2 MB, a few milliseconds. */
const PARTS_PER_STEP = 4;

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class SqlBackend implements StoreBackend {
  constructor(
    private readonly storage: DurableObjectStorage,
    /** Lets requests in between the steps of a large write. */
    private readonly pause: () => Promise<void> = nextTurn,
  ) {
    storage.sql.exec(`CREATE TABLE IF NOT EXISTS document_parts (
      name TEXT NOT NULL, version INTEGER NOT NULL, part INTEGER NOT NULL, text TEXT NOT NULL,
      PRIMARY KEY (name, version, part))`);
    storage.sql.exec("CREATE TABLE IF NOT EXISTS document_heads (name TEXT PRIMARY KEY, version INTEGER NOT NULL)");
    storage.sql.exec("CREATE TABLE IF NOT EXISTS log_lines (seq INTEGER PRIMARY KEY AUTOINCREMENT, log TEXT NOT NULL, line TEXT NOT NULL)");
    storage.sql.exec("CREATE INDEX IF NOT EXISTS log_lines_by_log ON log_lines (log, seq)");
    this.#moveOldDocuments();
  }

  where(name: string): string {
    return `the Durable Object's "${name}" document`;
  }

  async read(name: string): Promise<string | undefined> {
    const head = this.#head(name);
    if (head === undefined) return undefined;
    const rows = this.storage.sql.exec<{ text: string }>("SELECT text FROM document_parts WHERE name = ? AND version = ? ORDER BY part", name, head).toArray();
    return rows.map((row) => row.text).join("");
  }

  async version(name: string): Promise<string> {
    return this.#version(name);
  }

  async write(name: string, text: DocumentText): Promise<void> {
    const parts = typeof text === "string" ? partsOf(text) : text.flatMap(partsOf);
    if (parts.length <= PARTS_PER_STEP) {
      this.storage.transactionSync(() => this.#replace(name, parts));
      return;
    }
    const version = this.storage.transactionSync(() => {
      const next = this.#newVersion(name);
      this.#insert(name, next, parts, 0);
      return next;
    });
    for (let at = PARTS_PER_STEP; at < parts.length; at += PARTS_PER_STEP) {
      await this.pause();
      this.storage.transactionSync(() => this.#insert(name, version, parts, at));
    }
    await this.pause();
    this.storage.transactionSync(() => this.#makeHead(name, version));
  }

  async replaceIf(name: string, expected: string, text: string): Promise<boolean> {
    return this.storage.transactionSync(() => {
      if (this.#version(name) !== expected) return false;
      this.#replace(name, partsOf(text));
      return true;
    });
  }

  async append(log: string, line: string): Promise<void> {
    this.storage.sql.exec("INSERT INTO log_lines (log, line) VALUES (?, ?)", log, line);
  }

  async lines(log: string): Promise<string[]> {
    return this.storage.sql.exec<{ line: string }>("SELECT line FROM log_lines WHERE log = ? ORDER BY seq", log).toArray().map((row) => row.line);
  }

  #head(name: string): number | undefined {
    const [row] = this.storage.sql.exec<{ version: number }>("SELECT version FROM document_heads WHERE name = ?", name).toArray();
    return row?.version;
  }

  #version(name: string): string {
    const head = this.#head(name);
    return head === undefined ? "none" : `v${head}`;
  }

  /** Above every version of the document, its head's and any a write left unfinished. */
  #newVersion(name: string): number {
    const [row] = this.storage.sql.exec<{ version: number | null }>("SELECT MAX(version) AS version FROM document_parts WHERE name = ?", name).toArray();
    return Math.max(row?.version ?? 0, this.#head(name) ?? 0) + 1;
  }

  /** One step: the parts from `from` on, PARTS_PER_STEP of them (every part, in one transaction, from #replace). */
  #insert(name: string, version: number, parts: readonly string[], from: number, count = PARTS_PER_STEP): void {
    for (let at = from; at < Math.min(parts.length, from + count); at++) {
      this.storage.sql.exec("INSERT INTO document_parts (name, version, part, text) VALUES (?, ?, ?, ?)", name, version, at, parts[at]!);
    }
  }

  #replace(name: string, parts: readonly string[]): void {
    const version = this.#newVersion(name);
    this.#insert(name, version, parts, 0, parts.length);
    this.#makeHead(name, version);
  }

  /** `version` becomes the document, unless a write begun after it already did; every other version goes. */
  #makeHead(name: string, version: number): void {
    const head = Math.max(version, this.#head(name) ?? 0);
    this.storage.sql.exec("INSERT INTO document_heads (name, version) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version", name, head);
    this.storage.sql.exec("DELETE FROM document_parts WHERE name = ? AND version <> ?", name, head);
  }

  /** Storage of a relay from before versions were kept apart (`documents`, one version a name), moved once. */
  #moveOldDocuments(): void {
    const old = this.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'documents'").toArray();
    if (old.length === 0) return;
    this.storage.transactionSync(() => {
      this.storage.sql.exec("INSERT OR REPLACE INTO document_parts (name, version, part, text) SELECT name, version, part, text FROM documents");
      this.storage.sql.exec("INSERT OR REPLACE INTO document_heads (name, version) SELECT name, version FROM documents WHERE part = 0");
      this.storage.sql.exec("DROP TABLE documents");
    });
  }
}

/** A text in parts of at most PART_CHARS (an empty text has none). */
function partsOf(text: string): string[] {
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += PART_CHARS) parts.push(text.slice(at, at + PART_CHARS));
  return parts;
}
