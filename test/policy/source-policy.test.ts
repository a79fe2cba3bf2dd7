import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Security rules that hold for the source and manifest as a whole (see SECURITY.md).

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const sources = sourceFiles("src").map((path) => ({ path, text: readFileSync(path, "utf8") }));

describe("source policy", () => {
  it("finds the sources", () => {
    expect(sources.length).toBeGreaterThan(20);
  });

  it.each([
    ["innerHTML", /\binnerHTML\b/],
    ["outerHTML", /\bouterHTML\b/],
    ["dangerouslySetInnerHTML", /dangerouslySetInnerHTML/],
    ["eval", /\beval\s*\(/],
    ["new Function", /new\s+Function\s*\(/],
    ["insertAdjacentHTML", /insertAdjacentHTML/],
    ["document.write", /document\.write/],
  ])("never uses %s", (_name, pattern) => {
    expect(sources.filter(({ text }) => pattern.test(text)).map(({ path }) => path)).toEqual([]);
  });

  it("never logs (the key must never reach a console), but for the relay's scrubbed log lines on Workers", () => {
    const logging = sources.filter(({ text }) => /\bconsole\.(log|info|warn|error|debug)\b/.test(text));
    expect(logging.map(({ path }) => path)).toEqual([join("src", "relay", "server", "workers", "log.ts")]);
    // There, only as the sink of the relay's logger, which scrubs every line of the keys first.
    expect(logging[0]!.text.match(/\bconsole\.\w+\([^)]*\)/g)).toEqual(["console.log(line)"]);
    expect(logging[0]!.text).toMatch(/createLogger\(\{ secrets, write: \(line\) => console\.log\(line\) \}\)/);
  });

  it("keeps browser APIs out of the core", () => {
    const core = sources.filter(({ path }) => path.startsWith(join("src", "core")));
    expect(core.length).toBeGreaterThan(10);
    expect(core.filter(({ text }) => /from\s+["'][^"']*(webextension-polyfill|adapters\/)|\b(browser|chrome)\.(runtime|storage|alarms|action|tabs|permissions)\b/.test(text)).map(({ path }) => path)).toEqual([]);
  });
});

describe("manifest policy", () => {
  const manifest = JSON.parse(readFileSync("manifest.json", "utf8")) as Record<string, unknown>;

  it("asks only for alarms and storage; for notifications only when the user turns them on", () => {
    expect(manifest.permissions).toEqual(["alarms", "storage"]);
    expect(manifest.optional_permissions).toEqual(["notifications"]);
  });

  it("reaches only the documented API origins without asking; any other origin, and plain http only on this computer, on request", () => {
    expect(manifest.host_permissions).toEqual(["https://api.gocobalt.io/*", "https://app.refold.ai/*"]);
    expect(manifest.optional_host_permissions).toEqual(["https://*/*", "http://localhost/*", "http://127.0.0.1/*", "http://[::1]/*"]);
  });

  it("has no content scripts, no external messaging, no exposed resources, no custom CSP", () => {
    for (const key of ["content_scripts", "externally_connectable", "web_accessible_resources", "content_security_policy"]) {
      expect(manifest[key], key).toBeUndefined();
    }
  });
});
