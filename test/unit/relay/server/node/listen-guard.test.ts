import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../../../src/relay/server/base/config.ts";
import { isLoopback, listenProblem } from "../../../../../src/relay/server/node/listen-guard.ts";
import { startRelay } from "../../../../../src/relay/server/node/server.ts";
import { sourceConfig, tempDir } from "../support.ts";

/** A Cobalt that never answers; like every fetch, it gives up when its request is aborted. */
const hangs = (_url: string, init: RequestInit) =>
  new Promise<Response>((_, reject) => {
    const abort = () => reject(new DOMException("aborted", "AbortError"));
    if (init.signal?.aborted) abort();
    else init.signal?.addEventListener("abort", abort);
  });

describe("plain HTTP beyond this machine", () => {
  it("knows which addresses are loopback", () => {
    for (const host of ["127.0.0.1", "127.8.9.10", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopback(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.2", "relay.example.com", "::ffff:10.0.0.1", "128.0.0.1"]) expect(isLoopback(host), host).toBe(false);
  });

  it("is refused with a message that says how to do it safely, unless a TLS proxy is in front", () => {
    expect(listenProblem("127.0.0.1", false)).toBeUndefined();
    expect(listenProblem("0.0.0.0", true)).toBeUndefined();
    const message = listenProblem("0.0.0.0", false);
    expect(message).toMatch(/Refusing to serve plain HTTP on 0\.0\.0\.0/);
    expect(message).toMatch(/--behind-tls-proxy/);
    expect(message).toMatch(/RELAY_BEHIND_TLS_PROXY=1/);
  });

  it("stops the relay before it listens", async () => {
    const dir = tempDir();
    const config = { host: "0.0.0.0", port: 0, behindTlsProxy: false, trustedProxies: [], dataDir: dir.path, sources: [sourceConfig("http://127.0.0.1:9")] };
    await expect(startRelay(config, { write: () => {} })).rejects.toThrow(ConfigError);
    const relay = await startRelay({ ...config, behindTlsProxy: true }, { write: () => {}, fetch: hangs });
    expect(relay.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await relay.close();
    dir.remove();
  });
});
