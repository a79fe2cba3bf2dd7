import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { buildWorker } from "../../../../scripts/lib/workers-relay.ts";
import type { StoreBackend } from "../../../../src/relay/server/store/backend.ts";
import { FileBackend } from "../../../../src/relay/server/store/file-backend.ts";
import { tempDir } from "./support.ts";

/*
 * The store's two implementations for tests that must hold on both: files in a temporary folder,
 * and the Durable Object's SQLite in workerd (store-probe.ts, one Miniflare per test file, a fresh
 * object per backend asked for), reached from Node over RPC.
 */

export type BackendName = "files" | "durable object";
export const BACKENDS: readonly BackendName[] = ["files", "durable object"];

/** The Durable Object's own probes (store-probe.ts), for what only SQLite has: versions kept apart, a layout from before. */
export interface SqlProbe {
  oldLayout(name: string, text: string): Promise<{ text: string | undefined; version: string; oldTable: number }>;
  readsDuringWrite(name: string, pieces: string[]): Promise<string[]>;
  unfinishedThenSmall(name: string, pieces: string[], small: string): Promise<{ staged: number; left: number; text: string | undefined }>;
  write(name: string, text: string): Promise<void>;
}

export interface Backends {
  make(name: BackendName): Promise<StoreBackend>;
  /** A fresh Durable Object's probe. */
  sqlProbe(): Promise<SqlProbe>;
  close(): Promise<void>;
}

type Probe = { [K in keyof StoreBackend]: (...args: Parameters<StoreBackend[K]>) => Promise<Awaited<ReturnType<StoreBackend[K]>>> };

export async function openBackends(): Promise<Backends> {
  const dirs: { remove(): void }[] = [];
  let miniflare: Promise<Miniflare> | undefined;
  let objects = 0;
  const start = async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const script = await buildWorker(mkdtempSync(join(tmpdir(), "relay-probe-")), join(here, "store-probe.wrangler.jsonc"));
    const mf = new Miniflare({
      modules: true,
      scriptPath: script,
      modulesRoot: dirname(script),
      compatibilityDate: "2026-04-26",
      compatibilityFlags: ["nodejs_compat"],
      durableObjects: { PROBE: { className: "StoreProbe", useSQLite: true } },
      cf: false,
    });
    await mf.ready;
    return mf;
  };
  const freshObject = async (): Promise<unknown> => {
    const namespace = (await (await (miniflare ??= start())).getDurableObjectNamespace("PROBE")) as unknown as { idFromName(name: string): unknown; get(id: unknown): unknown };
    return namespace.get(namespace.idFromName(`store-${objects++}`));
  };
  return {
    sqlProbe: async () => (await freshObject()) as SqlProbe,
    async make(name) {
      if (name === "files") {
        const dir = tempDir();
        dirs.push(dir);
        return new FileBackend(dir.path);
      }
      const probe = (await freshObject()) as Probe;
      const where = await probe.where("members");
      return {
        read: (doc) => probe.read(doc),
        version: (doc) => probe.version(doc),
        write: (doc, text) => probe.write(doc, text),
        replaceIf: (doc, expected, text) => probe.replaceIf(doc, expected, text),
        append: (log, line) => probe.append(log, line),
        lines: (log) => probe.lines(log),
        where: (doc) => where.replace('"members"', `"${doc}"`),
      };
    },
    async close() {
      for (const dir of dirs.splice(0)) dir.remove();
      if (miniflare) await (await miniflare).dispose();
    },
  };
}
