import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { buildWorker, startWorkersRelay, wranglerConfig } from "../../scripts/lib/workers-relay.ts";
import type { SourceState } from "../../src/relay/server/check/runner.ts";
import { FileBackend } from "../../src/relay/server/store/file-backend.ts";
import { Members } from "../../src/relay/server/store/members.ts";
import { Records } from "../../src/relay/server/store/records.ts";

/*
 * The runtimes the relay's scale bench measures, each as one entry: started with a known state
 * (as after a check of the org) and members, it answers at `url`. A runtime is one more entry in
 * RELAY_RUNTIMES; the bench measures each the same way, through HTTP only.
 */

export interface BenchRelayOptions {
  /** The source as `npm run relay` reads it from the environment. */
  env: { COBALT_API_KEY: string; COBALT_BASE_URL: string; RELAY_SOURCE_ID: string; RELAY_INTERVAL_MINUTES: string; RELAY_REQUESTS_PER_MINUTE: string };
  /** What the relay knows at start, by source id: as if its check had just ended. */
  state: Record<string, SourceState>;
  members: number;
}

export interface BenchRelay {
  url: string;
  tokens: string[];
  /** Resident memory of the relay's process now, and its peak, in bytes (undefined where a runtime cannot tell). */
  memory(): { rss: number; peak: number } | undefined;
  close(): Promise<void>;
}

export interface RelayRuntime {
  name: string;
  start(options: BenchRelayOptions): Promise<BenchRelay>;
}

/** The Node relay as the container runs it: the bundle `npm run relay:build` makes, in a process of its own. */
export const NODE_RUNTIME: RelayRuntime = {
  name: `Node ${process.version} (dist/relay/relay.mjs)`,
  async start({ env, state, members }) {
    const bundle = resolve("dist/relay/relay.mjs");
    if (!existsSync(bundle)) throw new Error("bench: run `npm run relay:build` first (npm run bench:relay does)");
    const dataDir = mkdtempSync(join(tmpdir(), "bench-relay-scale-"));
    // The state file a relay writes after each check, read back at start (src/relay/server/store/state.ts).
    writeFileSync(join(dataDir, "state.json"), JSON.stringify({ version: 1, sources: state }));
    const store = new Members(new Records(new FileBackend(dataDir)));
    const tokens: string[] = [];
    for (let i = 0; i < members; i++) tokens.push((await store.add(`member-${i}`)).token);
    // BENCH_RELAY_NODE_ARGS: Node's own options for the relay, such as --cpu-prof to see where its time goes.
    const nodeArgs = process.env.BENCH_RELAY_NODE_ARGS?.split(" ").filter((arg) => arg !== "") ?? [];
    const child = spawn(process.execPath, [...nodeArgs, bundle, "serve"], { env: { PATH: process.env.PATH ?? "", ...env, RELAY_DATA_DIR: dataDir, RELAY_PORT: "0" }, stdio: ["ignore", "pipe", "inherit"] });
    const url = await listeningUrl(child);
    return {
      url,
      tokens,
      memory: () => processMemory(child.pid),
      async close() {
        const closed = new Promise((done) => child.once("close", done));
        child.kill("SIGTERM");
        await closed;
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * The relay on Workers as `npm run relay:workers` runs it: the bundle `wrangler deploy` uploads, in
 * workerd through Miniflare. Its records are written first into the Durable Object's persisted
 * storage by a seeder of the same class name (workers/seed.ts), as a relay finds them after a restart.
 */
export const WORKERS_RUNTIME: RelayRuntime = {
  name: "Workers (workerd, Durable Object)",
  async start({ env, state, members }) {
    const persistDir = mkdtempSync(join(tmpdir(), "bench-relay-workers-"));
    const { tokens, text: membersText } = await membersDocument(members);
    const stateText = JSON.stringify({ version: 1, sources: state });
    await seedDurableObject(persistDir, { members: [membersText], state: piecesOf(stateText, 256 * 1024) });
    const relay = await startWorkersRelay({ env, port: 0, persistDir, script: await buildWorker(), write: () => {}, wake: true });
    return {
      url: relay.url,
      tokens,
      memory: () => processMemory(childPid("workerd")),
      async close() {
        await relay.close();
        rmSync(persistDir, { recursive: true, force: true });
      },
    };
  },
};

export const RELAY_RUNTIMES: RelayRuntime[] = [NODE_RUNTIME, WORKERS_RUNTIME];

/** `count` members as the relay's members document holds them, and their tokens. */
async function membersDocument(count: number): Promise<{ tokens: string[]; text: string }> {
  const dir = mkdtempSync(join(tmpdir(), "bench-relay-members-"));
  try {
    const store = new Members(new Records(new FileBackend(dir)));
    const tokens: string[] = [];
    for (let i = 0; i < count; i++) tokens.push((await store.add(`member-${i}`)).token);
    return { tokens, text: readFileSync(join(dir, "members.json"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function piecesOf(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < text.length; at += size) pieces.push(text.slice(at, at + size));
  return pieces;
}

type Seeder = { add(name: string, pieces: string[]): Promise<void>; commit(name: string): Promise<void> };

/** Writes documents into the relay's Durable Object ("relay", as worker.ts names it) on `persistDir`. */
async function seedDurableObject(persistDir: string, documents: Record<string, string[]>): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const script = await buildWorker(mkdtempSync(join(tmpdir(), "bench-relay-seed-")), join(here, "workers", "seed.wrangler.jsonc"));
  const wrangler = wranglerConfig();
  const mf = new Miniflare({
    modules: true,
    scriptPath: script,
    modulesRoot: dirname(script),
    compatibilityDate: wrangler.compatibility_date,
    compatibilityFlags: wrangler.compatibility_flags ?? [],
    durableObjects: { RELAY: { className: "RelayObject", useSQLite: true } },
    durableObjectsPersist: persistDir,
    cf: false,
  });
  try {
    const namespace = (await mf.getDurableObjectNamespace("RELAY")) as unknown as { idFromName(name: string): unknown; get(id: unknown): unknown };
    const seeder = namespace.get(namespace.idFromName("relay")) as Seeder;
    for (const [name, pieces] of Object.entries(documents)) {
      // A few megabytes per call: each call's message stays well under what RPC carries.
      for (let at = 0; at < pieces.length; at += 16) await seeder.add(name, pieces.slice(at, at + 16));
      await seeder.commit(name);
    }
    (seeder as Partial<Disposable>)[Symbol.dispose]?.();
  } finally {
    await mf.dispose();
  }
}

/** The process id of this process's child whose command is `name` (workerd, which Miniflare starts). */
function childPid(name: string): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …: comm may hold spaces, so it is read up to the last ")".
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && comm.startsWith(name)) return Number(entry);
    } catch {
      // The process ended meanwhile.
    }
  }
  return undefined;
}

/** The URL from the relay's "listening" log line. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let buffered = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      for (const line of buffered.split("\n")) {
        if (!line.includes('"listening"')) continue;
        done((JSON.parse(line) as { url: string }).url);
      }
      buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
    });
    child.once("close", (code) => fail(new Error(`bench: the relay stopped (exit ${code})`)));
  });
}

/** VmRSS and VmHWM of a Linux process. */
function processMemory(pid: number | undefined): { rss: number; peak: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb("VmRSS"), peak: kb("VmHWM") };
  } catch {
    return undefined;
  }
}
