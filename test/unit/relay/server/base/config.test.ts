import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, resolveDataDir } from "../../../../../src/relay/server/base/config.ts";
import { tempDir } from "../support.ts";

const KEY = "pk_live_s3cr3t_0123456789";
let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

function file(content: unknown): string {
  const path = join(dir.path, "relay.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

function error(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("no ConfigError");
}

describe("relay configuration", () => {
  it("reads sources from a file, keys from the environment, and keeps data beside the file", () => {
    const path = file({
      listen: { port: 9000 },
      sources: [
        { id: "prod", label: "Production", apiKeyEnv: "PROD_KEY", baseUrl: "app.refold.ai", linkedAccountIds: ["acme", "globex"], intervalMinutes: 2, requestsPerMinute: 60 },
        { id: "test", apiKey: "tk_x", linkedAccountIds: "all", webhookSignature: "off" },
      ],
    });
    const config = loadConfig({ configPath: path, env: { PROD_KEY: KEY } });
    expect(config).toMatchObject({ host: "127.0.0.1", port: 9000, behindTlsProxy: false, dataDir: dir.path, trustedProxies: ["127.0.0.1", "::1"] });
    expect(config.sources).toEqual([
      { id: "prod", label: "Production", apiKey: KEY, baseUrl: "https://app.refold.ai", linkedAccountIds: ["acme", "globex"], intervalMinutes: 2, requestsPerMinute: 60, webhook: { verify: true, secret: KEY } },
      { id: "test", label: "test", apiKey: "tk_x", baseUrl: "https://api.gocobalt.io", linkedAccountIds: [], intervalMinutes: 5, requestsPerMinute: 120, webhook: { verify: false, secret: "tk_x" } },
    ]);
  });

  it("runs one source from environment variables alone, and lets them override the listen address", () => {
    const config = loadConfig({
      env: { COBALT_API_KEY: KEY, COBALT_LINKED_ACCOUNT_IDS: "a, b", RELAY_HOST: "0.0.0.0", RELAY_PORT: "8080", RELAY_BEHIND_TLS_PROXY: "1", RELAY_DATA_DIR: dir.path, RELAY_INTERVAL_MINUTES: "10" },
    });
    expect(config).toMatchObject({ host: "0.0.0.0", port: 8080, behindTlsProxy: true, dataDir: dir.path });
    expect(config.sources[0]).toMatchObject({ id: "default", apiKey: KEY, linkedAccountIds: ["a", "b"], intervalMinutes: 10 });
    expect(loadConfig({ env: { COBALT_API_KEY: KEY }, host: "::1", port: 1 })).toMatchObject({ host: "::1", port: 1 });
  });

  it("explains what is wrong, naming the field and never the key", () => {
    const messages = [
      error(() => loadConfig({ env: {} })),
      error(() => loadConfig({ configPath: file("{"), env: {} })),
      error(() => loadConfig({ configPath: file({ sources: [{ id: "p", apiKey: KEY, intervalMinutes: 0 }] }), env: {} })),
      error(() => loadConfig({ configPath: file({ sources: [{ id: "p", apikey: KEY }] }), env: {} })),
      error(() => loadConfig({ configPath: file({ sources: [{ id: "p", apiKeyEnv: "NOPE" }] }), env: {} })),
      error(() => loadConfig({ configPath: file({ sources: [{ id: "p", apiKey: KEY, baseUrl: `ftp://${KEY}` }] }), env: {} })),
      error(() => loadConfig({ configPath: file({ sources: [{ id: "p", apiKey: KEY }, { id: "p", apiKey: KEY }] }), env: {} })),
      error(() => loadConfig({ configPath: file({ sources: [{ id: "p", apiKey: 42 }] }), env: {} })),
      error(() => loadConfig({ env: { COBALT_API_KEY: KEY, RELAY_PORT: KEY } })),
    ];
    expect(messages[0]).toMatch(/COBALT_API_KEY/);
    expect(messages[1]).toMatch(/not valid JSON/);
    expect(messages[2]).toMatch(/sources\.0\.intervalMinutes/);
    expect(messages[3]).toMatch(/apikey/);
    expect(messages[4]).toMatch(/NOPE is not set/);
    expect(messages[5]).toMatch(/baseUrl/);
    expect(messages[6]).toMatch(/two sources have the id "p"/);
    expect(messages[8]).toMatch(/RELAY_PORT/);
    for (const message of messages) expect(message).not.toContain("s3cr3t");
  });

  it("finds the data folder without needing a key (for the member commands)", () => {
    expect(resolveDataDir({ configPath: file({ dataDir: "data", sources: [] }), env: {} })).toBe(join(dir.path, "data"));
    expect(resolveDataDir({ env: { RELAY_DATA_DIR: dir.path } })).toBe(dir.path);
  });
});
