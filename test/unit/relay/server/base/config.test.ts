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
    expect(messages[4]).toMatch(/NOPE \(apiKeyEnv\) is not set/);
    expect(messages[5]).toMatch(/baseUrl/);
    expect(messages[6]).toMatch(/sources\[0\] and sources\[1\] have the same id/);
    expect(messages[8]).toMatch(/RELAY_PORT/);
    for (const message of messages) expect(message).not.toContain("s3cr3t");
  });

  it("never prints a value, not even where a key was pasted into the wrong field", () => {
    const sources = (source: Record<string, unknown>) => file({ sources: [{ id: "p", apiKey: KEY, ...source }] });
    const messages = [
      error(() => loadConfig({ configPath: sources({ baseUrl: `http://${KEY}.example.com` }), env: {} })),
      error(() => loadConfig({ configPath: sources({ baseUrl: `${KEY} x` }), env: {} })),
      error(() => loadConfig({ configPath: sources({ baseUrl: `${KEY}://host` }), env: {} })),
      error(() => loadConfig({ configPath: file({ sources: [{ id: "p", apiKeyEnv: KEY }] }), env: {} })),
      error(() => loadConfig({ configPath: file({ sources: [{ id: "p", apiKey: "tk_1", webhookSecretEnv: KEY }] }), env: {} })),
      error(() => loadConfig({ configPath: sources({ linkedAccountIds: [`${KEY}\n`] }), env: {} })),
      error(() => loadConfig({ configPath: sources({ linkedAccountIds: [KEY.repeat(20)] }), env: {} })),
      error(() => loadConfig({ env: { COBALT_API_KEY: "tk_1", COBALT_LINKED_ACCOUNT_IDS: `a, ${KEY}\u0007` } })),
      error(() => loadConfig({ configPath: file({ sources: [{ id: KEY, apiKey: "tk_1" }, { id: KEY, apiKey: "tk_1" }] }), env: {} })),
      error(() => loadConfig({ configPath: file({ sources: [{ id: "p", apiKey: "tk_1" }], [KEY]: 1 }), env: {} })),
    ];
    for (const message of messages) expect(message).not.toContain("s3cr3t");
    expect(messages[0]).toMatch(/baseUrl/);
    expect(messages[3]).toMatch(/apiKeyEnv/);
    expect(messages[5]).toMatch(/linkedAccountIds/);
    expect(messages[8]).toMatch(/sources\[0\] and sources\[1\]/);
  });

  it("refuses a key pasted as the base URL, instead of taking it for a host name", () => {
    const pasted = [KEY, "tkef8652c2-13a4-4b6c-9d2e-0f1a2b3c4d5e", "pk_live_9f8e7d6c5b4a", `https://${KEY}`];
    for (const value of pasted) {
      const message = error(() => loadConfig({ env: { COBALT_API_KEY: KEY, COBALT_BASE_URL: value } }));
      expect(message).toMatch(/COBALT_BASE_URL looks like an API key/);
      expect(message).not.toContain("s3cr3t");
      expect(message).not.toContain("8652c2");
    }
    expect(error(() => loadConfig({ configPath: file({ sources: [{ id: "p", apiKey: "tk_other", baseUrl: "pk_live_9f8e7d6c5b4a" }] }), env: {} }))).toMatch(/sources\[0\]\.baseUrl looks like an API key/);
    for (const value of ["api.gocobalt.io", "https://app.refold.ai", "cobalt.internal:8443", "http://localhost:8787", "https://cobalt-selfhosted"]) {
      expect(loadConfig({ env: { COBALT_API_KEY: KEY, COBALT_BASE_URL: value } }).sources[0]!.baseUrl).toMatch(/^https?:\/\//);
    }
  });

  it("says on which line and column a config file stops being JSON, without quoting it", () => {
    const trailingComma = error(() => loadConfig({ configPath: file('{\n  "sources": [\n    { "id": "p", "apiKey": "x" },\n  ]\n}\n'), env: {} }));
    expect(trailingComma).toMatch(/not valid JSON at line 4, column 3/);
    const bare = error(() => loadConfig({ configPath: file(`{ "sources": [{ "id": "p", "apiKey": ${KEY} }] }`), env: {} }));
    expect(bare).toMatch(/line 1, column 38/);
    expect(bare).not.toContain("s3cr3t");
    expect(error(() => loadConfig({ configPath: file(""), env: {} }))).toMatch(/line 1, column 1/);
    expect(error(() => loadConfig({ configPath: file('{ "sources": [] }\n\n// a comment'), env: {} }))).toMatch(/line 3, column 1/);
    expect(error(() => loadConfig({ configPath: file('{ "a": "tab\tin string" }'), env: {} }))).toMatch(/line 1, column 12/);
    // A byte order mark (some editors write one) is not an error.
    expect(loadConfig({ configPath: file(`\uFEFF${JSON.stringify({ sources: [{ id: "p", apiKey: "tk_1" }] })}`), env: {} }).sources[0]!.id).toBe("p");
  });

  it("takes trusted proxies as addresses or CIDR ranges, and refuses anything else", () => {
    const ranges = ["127.0.0.1", "10.0.0.0/8", "fd00::/8", "::1", "2001:db8::/32"];
    expect(loadConfig({ configPath: file({ trustedProxies: ranges, sources: [{ id: "p", apiKey: KEY }] }), env: {} }).trustedProxies).toEqual(ranges);
    expect(loadConfig({ env: { COBALT_API_KEY: KEY, RELAY_TRUSTED_PROXIES: "10.0.0.0/8, 172.16.0.0/12" } }).trustedProxies).toEqual(["10.0.0.0/8", "172.16.0.0/12"]);
    for (const bad of ["10.0.0.0/33", "proxy.local", "10.0.0/8", "fd00::/129", "10.0.0.0/8/8"]) {
      expect(error(() => loadConfig({ configPath: file({ trustedProxies: ["127.0.0.1", bad], sources: [{ id: "p", apiKey: KEY }] }), env: {} }))).toMatch(/trustedProxies: entry number 2 is not an IP address or a CIDR range/);
    }
    expect(error(() => loadConfig({ env: { COBALT_API_KEY: KEY, RELAY_TRUSTED_PROXIES: "10.0.0.0/8 nginx" } }))).toMatch(/RELAY_TRUSTED_PROXIES: entry number 2/);
  });

  it("finds the data folder without needing a key (for the member commands)", () => {
    expect(resolveDataDir({ configPath: file({ dataDir: "data", sources: [] }), env: {} })).toBe(join(dir.path, "data"));
    expect(resolveDataDir({ env: { RELAY_DATA_DIR: dir.path } })).toBe(dir.path);
  });
});
