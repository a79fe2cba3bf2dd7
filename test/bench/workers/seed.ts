import { DurableObject } from "cloudflare:workers";
import { SqlBackend } from "../../../src/relay/server/workers/sql-backend.ts";

/*
 * The bench's seeder for the relay on Workers: a Durable Object of the relay's own class name, on
 * the same persisted storage, that writes the relay's records (its members, the state a check of
 * the whole org leaves) through the relay's own SQLite backend, piece by piece over RPC. No relay
 * runs meanwhile, so none checks an empty org or saves over what is written; the relay started
 * next on this storage reads them as after a restart (relay-runtimes.ts).
 */

export class RelayObject extends DurableObject {
  readonly #pieces = new Map<string, string[]>();

  add(name: string, pieces: string[]): void {
    this.#pieces.set(name, [...(this.#pieces.get(name) ?? []), ...pieces]);
  }

  async commit(name: string): Promise<void> {
    await new SqlBackend(this.ctx.storage).write(name, this.#pieces.get(name) ?? []);
    this.#pieces.delete(name);
  }
}

export default {
  fetch: () => new Response("relay seeder"),
};
