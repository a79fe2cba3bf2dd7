import { DurableObject } from "cloudflare:workers";
import type { Context } from "hono";
import { errorName, scrub, type Logger } from "../base/log.ts";
import { openRelay, type Relay } from "../http/relay.ts";
import { StoreFormatError } from "../store/records.ts";
import { AlarmSchedule } from "./alarm.ts";
import { configFromBindings, configProblem, type Bindings } from "./bindings.ts";
import { workersLogger } from "./log.ts";
import { SqlBackend } from "./sql-backend.ts";
import type { DurableObjectState } from "./types.ts";

/*
 * The relay on Cloudflare Workers: one Durable Object holds it whole, the same Hono app and
 * runners as on Node, with its records in the object's SQLite storage and its schedule on the
 * object's alarm. Every request reaches this one object (worker.ts), so limits (rejected tokens,
 * links per member, each source's request budget) are kept in one place as on Node. The object
 * may be evicted when idle; it is rebuilt from storage on the next request or alarm, and the
 * limits it kept in memory had refilled by then (each refills within a minute; eviction comes
 * later than that).
 */

type Opened = { relay: Relay; schedule: AlarmSchedule } | { problem: string };

export class RelayObject extends DurableObject<Bindings> {
  readonly #opened: Promise<Opened>;
  readonly #log: Logger;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    const secrets = Object.entries(env).flatMap(([name, value]) => (typeof value === "string" && /KEY|SECRET|TOKEN|CONFIG_JSON/.test(name) ? [value] : []));
    this.#log = workersLogger(secrets);
    // Nothing is served before the records are read: no token is checked against an empty list.
    this.#opened = ctx.blockConcurrencyWhile(() => this.#open(ctx, env));
  }

  async fetch(request: Request): Promise<Response> {
    const opened = await this.#opened;
    if ("problem" in opened) return Response.json({ error: { code: "internal" } }, { status: 503, headers: { "cache-control": "no-store" } });
    return opened.relay.app.fetch(request);
  }

  async alarm(): Promise<void> {
    const opened = await this.#opened;
    if ("problem" in opened) return;
    await opened.schedule.run(opened.relay.runners, () => opened.relay.saver.flush());
  }

  async #open(ctx: DurableObjectState, env: Bindings): Promise<Opened> {
    let config: ReturnType<typeof configFromBindings>;
    try {
      config = configFromBindings(env);
    } catch (error) {
      return this.#refuse("config-error", configProblem(error));
    }
    const secrets = config.sources.flatMap((source) => [source.apiKey, source.webhook.secret]);
    const log = workersLogger(config.adminToken ? [...secrets, config.adminToken] : secrets);
    const schedule = new AlarmSchedule(ctx.storage);
    const runners = new Map<string, Relay["runners"][number]>();
    try {
      const relay = await openRelay({
        sources: config.sources,
        backend: new SqlBackend(ctx.storage),
        log,
        fetch: (url, init) => fetch(url, init),
        clientAddress,
        ...(config.adminToken && { adminToken: config.adminToken }),
        schedule: (id, at) => {
          const runner = runners.get(id);
          if (runner) schedule.set(runner, at);
        },
        lastFullAt: schedule.lastFullAt(),
      });
      for (const runner of relay.runners) runners.set(runner.id, runner);
      relay.start();
      log.info("started", { sources: relay.runners.length, admin: config.adminToken !== undefined });
      return { relay, schedule };
    } catch (error) {
      if (error instanceof StoreFormatError) return this.#refuse("store-unreadable", scrub(error.message, secrets));
      this.#log.error("start-failed", { error: errorName(error) });
      return { problem: "start-failed" };
    }
  }

  #refuse(event: string, message: string): Opened {
    this.#log.error(event, { message });
    return { problem: message };
  }
}

/** On Workers, Cloudflare sets CF-Connecting-IP to the client's address; no client can set it. */
function clientAddress(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}
