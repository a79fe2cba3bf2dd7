import type { ChildProcess } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RelayHealthSchema, RelayStatusSchema } from "../../src/relay/protocol/v1.ts";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../fake-cobalt/server.ts";
import { buildImage, runInContainer, startContainer, workFolder, type Image } from "./image.ts";

// The relay's container image, built from exactly what `docker build .` would get (the context
// .dockerignore leaves, the Dockerfile's COPY lines, its RUN steps) and run as `docker run` would
// run it (ENTRYPOINT, CMD, ENV, WORKDIR, USER), since CI has no Docker: it must build, add a member,
// serve health and a member's status, and its HEALTHCHECK must say whether the relay's checks work.

const KEY = "tk_demo_key";
let work: string;
let image: Image;
let fake: FakeCobalt;
const running: ChildProcess[] = [];

beforeAll(async () => {
  work = workFolder(tmpdir());
  fake = await startFakeCobalt({ flavor: "v3" });
  seedDemoOrg(fake);
  // The npm cache is the host's: `npm ci` takes the lock file's packages from it when it can.
  image = await buildImage(process.cwd(), work, { runEnv: { npm_config_prefer_offline: "true", npm_config_update_notifier: "false", NO_COLOR: "1" } });
}, 600_000);

afterAll(async () => {
  for (const child of running) child.kill("SIGTERM");
  await Promise.all(running.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("close", resolve)) : undefined)));
  await fake?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A free loopback port (`docker run -p`). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Relay {
  url: string;
  env: Record<string, string>;
  log(): string;
  /** `docker stop`: SIGTERM, and its end. */
  stop(): Promise<void>;
}

/** `docker run -d -v <volume>:/data -e … image`: started, and resolved once it listens (its log says so). */
async function startRelay(env: Record<string, string>): Promise<Relay> {
  const port = await freePort();
  const all = { RELAY_PORT: String(port), RELAY_BEHIND_TLS_PROXY: "1", COBALT_BASE_URL: fake.origin, ...env };
  let log = "";
  const child = startContainer(image, { env: all, onOutput: (chunk) => (log += chunk) });
  running.push(child);
  await new Promise<void>((resolve, reject) => {
    const watch = setInterval(() => {
      if (log.includes('"listening"')) {
        clearInterval(watch);
        resolve();
      }
    }, 20);
    child.once("close", (code) => {
      clearInterval(watch);
      reject(new Error(`the relay stopped (exit ${code}):\n${log}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const closed = new Promise((resolve) => child.once("close", resolve));
    child.kill("SIGTERM");
    await closed;
  };
  return { url: `http://127.0.0.1:${port}`, env: all, log: () => log, stop };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let tries = 0; ; tries++) {
    const value = await read();
    if (done(value)) return value;
    if (tries > 400) throw new Error(`${what}: never; last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const health = async (url: string) => RelayHealthSchema.parse(await (await fetch(`${url}/v1/health`)).json());

describe("the relay's container image", () => {
  it("holds the bundle alone, in the WORKDIR, and runs as the node image's unprivileged user", () => {
    expect(image.entrypoint).toEqual(["node", "/app/relay.mjs"]);
    expect(image.cmd).toEqual(["serve"]);
    expect(image.user).toBe("node");
    expect(image.workdir).toBe("/app");
    expect(statSync(`${image.root}/app/relay.mjs`).isFile()).toBe(true);
    // The volume is the node user's, so a relay running as that user can keep its files there.
    if (process.getuid?.() === 0) expect(statSync(`${image.root}/data`).uid).toBe(1000);
  });

  let token: string;

  it("adds a member with the image's entrypoint (docker run --rm image add-member alice) and prints the token once", async () => {
    const { code, output } = await runInContainer(image, [...image.entrypoint, "add-member", "alice"]);
    expect(code, output).toBe(0);
    token = /cirelay_[A-Za-z0-9_-]{43}/.exec(output)?.[0] ?? "";
    expect(token, output).not.toBe("");
  });

  it("serves health and the member's status, checked against Cobalt, as the image starts it", async () => {
    const relay = await startRelay({ COBALT_API_KEY: KEY });
    // Inside the container it listens on every address, behind the TLS proxy it was told of.
    expect(relay.log()).toContain('"url":"http://0.0.0.0:');
    const healthy = await until(() => health(relay.url), (answer) => answer.ok, "health ok");
    expect(healthy.sources.map((source) => source.ok)).toEqual([true]);
    const response = await fetch(`${relay.url}/v1/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const status = RelayStatusSchema.parse(await response.json());
    const reauth = status.sources.flatMap((source) => source.accounts.flatMap((account) => account.reauth.map((app) => app.slug)));
    expect(reauth.sort()).toEqual(["copper", "hubspot", "salesforce"]);
    const refused = await fetch(`${relay.url}/v1/status`, { headers: { authorization: "Bearer cirelay_not_a_member" } });
    expect(refused.status).toBe(401);
    // The image's HEALTHCHECK, run as Docker runs it (inside the container, with its environment).
    const check = await runInContainer(image, image.healthcheck!.command, relay.env);
    expect(check.code, check.output).toBe(0);
    await relay.stop();
  });

  it("its HEALTHCHECK fails while the relay answers but its checks of Cobalt fail (a key Cobalt rejects)", async () => {
    const relay = await startRelay({ COBALT_API_KEY: "tk_revoked_key" });
    await until(() => health(relay.url), (answer) => answer.sources.every((source) => source.errorKind !== undefined), "a failed check");
    const check = await runInContainer(image, image.healthcheck!.command, relay.env);
    expect(check.code, check.output).not.toBe(0);
    await relay.stop();
  });
});
