import { DurableObject } from "cloudflare:workers";
import { SqlBackend } from "../../../../src/relay/server/workers/sql-backend.ts";

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
  write(name: string, text: string) {
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
}

export default {
  fetch: () => new Response("store probe"),
};
