import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { join } from "node:path";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support.ts";

/*
 * The relay's command line as an operator meets it: the bundle `npm run relay:build` makes (what
 * the container runs as `node relay.mjs`), built here from vite.relay.config.ts, and the source
 * as `npm run relay` runs it. Each command is a real process; nothing here reaches Cobalt.
 */

const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
let dir: ReturnType<typeof tempDir>;
let bundle: string;

beforeAll(async () => {
  dir = tempDir();
  await build({ configFile: "vite.relay.config.ts", logLevel: "silent", build: { outDir: join(dir.path, "dist") } });
  bundle = join(dir.path, "dist", "relay.mjs");
}, 60_000);
afterAll(() => dir.remove());

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the relay with `args` and only the environment given (none of this machine's RELAY_* or COBALT_*). */
function run(command: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, command, { env: { PATH: process.env.PATH ?? "", RELAY_DATA_DIR: join(dir.path, "data"), ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
const bundled = (...args: string[]) => run([bundle, ...args]);
const fromSource = (...args: string[]) => run(["--import", "tsx", "src/relay/server/node/main.ts", ...args]);

// Each case starts a few processes (the source ones through tsx): a bound on a hang, not a timing claim.
describe("the relay's command line", { timeout: 30_000 }, () => {
  it("says its version", async () => {
    expect(await bundled("--version")).toMatchObject({ code: 0, stdout: `${version}\n` });
    expect(await fromSource("--version")).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it("names itself as it is run: `node relay.mjs` as bundled, `npm run relay --` from source", async () => {
    const help = await bundled("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: node relay\.mjs \[command\]/);
    expect(help.stdout).toMatch(/--version/);
    expect(help.stdout).not.toMatch(/npm/);
    const members = await bundled("list-members");
    expect(members.stdout).toMatch(/Add one with: node relay\.mjs add-member <name>/);
    expect((await fromSource("--help")).stdout).toMatch(/^Usage: npm run relay -- \[command\]/);
  });

  it("answers an unknown option as an unknown command: the usage, and exit code 2", async () => {
    const option = await bundled("--frobnicate");
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/Unknown option '--frobnicate'\./);
    expect(option.stderr).toMatch(/Usage: node relay\.mjs/);
    const missing = await bundled("serve", "--port");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--port/);
    const command = await bundled("frobnicate");
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/Unknown command "frobnicate"\.\n\nUsage:/);
    const pasted = await bundled("pk_live_0123456789abcdef");
    expect(pasted.code).toBe(2);
    expect(pasted.stderr).not.toMatch(/0123456789abcdef/);
  });

  it("suggests --port when the port is taken, without a stack trace", async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      // Cobalt is never reached: the relay stops before it starts checking.
      const result = await run([bundle, "serve", "--port", String(port)], { COBALT_API_KEY: "tk_cli_test", COBALT_BASE_URL: "http://127.0.0.1:9" });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
      expect(result.stderr).toMatch(/--port <n>/);
      expect(result.stderr).not.toMatch(/ at |EADDRINUSE/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("says where a config file stops being JSON", async () => {
    const path = join(dir.path, "relay.json");
    writeFileSync(path, '{\n  "sources": [\n    { "id": "p", "apiKey": "pk_live_0123456789abcdef" },\n  ]\n}\n');
    const result = await bundled("serve", "--config", path);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not valid JSON at line 4, column 3/);
    expect(result.stderr).not.toMatch(/0123456789abcdef/);
  });
});
