/**
 * Where the relay keeps what it must not forget, as text by name: documents replaced whole (the
 * members, the last status) and logs appended to (the audit log). Two implementations: files in
 * the data folder on Node (file-backend.ts) and a Durable Object's SQLite storage on Workers
 * (src/relay/server/workers/sql-backend.ts). Everything above this (records.ts) is shared, so
 * parsing, scrubbing and limits are the same on both; a new kind of record is a new name.
 */
/** A document's text: one string, or pieces that make it when joined (a large one, as sliced-json.ts gives it). */
export type DocumentText = string | readonly string[];

export interface StoreBackend {
  /** A document's text, or undefined when there is none yet. */
  read(name: string): Promise<string | undefined>;
  /** Changes whenever the document does; cheap enough to ask on every request. "none" when absent. */
  version(name: string): Promise<string>;
  /** Replaces the document all at once: a reader sees the old text or the new, never half. */
  write(name: string, text: DocumentText): Promise<void>;
  /** Replaces it only while its version is still `expected`; false when another writer came first. */
  replaceIf(name: string, expected: string, text: string): Promise<boolean>;
  /** Adds one line (no newline in it) to a log. */
  append(log: string, line: string): Promise<void>;
  /** A log's lines, oldest first. */
  lines(log: string): Promise<string[]>;
  /** Where a document or log is kept, for messages: a file's path, or the object's table. */
  where(name: string): string;
}
