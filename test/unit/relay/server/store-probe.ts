import { DurableObject } from "cloudflare:workers";
import { SqlBackend } from "../../../../src/relay/server/workers/sql-backend.ts";
import type { DocumentText } from "../../../../src/relay/server/store/backend.ts";

/*
 * A Worker for the tests alone: a Durable Object that exposes the relay's SQLite backend over RPC,
 * so the store's tests and the HTTP API's tests run against the real implementation in workerd
 * (through Miniflare, from Node) as they run against files. Bundled with store-probe.wrangler.jsonc.
 */

export class StoreProbe extends DurableObject {
  readonly #backend = new SqlBackend(this.ctx.storage);

  read(name: string) {
    return this.#backend.read(name);
  }
  version(name: string) {
    return this.#backend.version(name);
  }
  write(name: string, text: DocumentText) {
    return this.#backend.write(name, text);
  }
  replaceIf(name: string, expected: string, text: string) {
    return this.#backend.replaceIf(name, expected, text);
  }
  append(log: string, line: string) {
    return this.#backend.append(log, line);
  }
  lines(log: string) {
    return this.#backend.lines(log);
  }
  where(name: string) {
    return this.#backend.where(name);
  }

  /** A document as a relay from before kept it (the `documents` table), then read by a relay of now. */
  async oldLayout(name: string, text: string) {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE documents (name TEXT NOT NULL, part INTEGER NOT NULL, version INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (name, part))");
    sql.exec("INSERT INTO documents (name, part, version, text) VALUES (?, 0, 7, ?), (?, 1, 7, ?)", name, text.slice(0, 3), name, text.slice(3));
    const now = new SqlBackend(this.ctx.storage);
    return { text: await now.read(name), version: await now.version(name), oldTable: sql.exec("SELECT name FROM sqlite_master WHERE name = 'documents'").toArray().length };
  }

  /** Reads `name` at every turn while `pieces` are written: what each read saw, as "old", "new" or "torn". */
  async readsDuringWrite(name: string, pieces: string[]) {
    const before = await this.#backend.read(name);
    let done = false;
    const writing = this.#backend.write(name, pieces).then(() => (done = true));
    const seen: string[] = [];
    while (!done) {
      const text = await this.#backend.read(name);
      seen.push(text === before ? "old" : text === pieces.join("") ? "new" : "torn");
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await writing;
    return seen;
  }

  /** A large write that never finishes (the object evicted part way), then a small one: the rows left behind. */
  async unfinishedThenSmall(name: string, pieces: string[], small: string) {
    const stalled = new SqlBackend(this.ctx.storage, () => new Promise<void>(() => undefined));
    void stalled.write(name, pieces);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const staged = this.ctx.storage.sql.exec("SELECT COUNT(*) AS n FROM document_parts WHERE name = ?", name).one().n;
    await this.#backend.write(name, small);
    const left = this.ctx.storage.sql.exec("SELECT COUNT(*) AS n FROM document_parts WHERE name = ?", name).one().n;
    return { staged, left, text: await this.#backend.read(name) };
  }
}

export default {
  fetch: () => new Response("store probe"),
};
