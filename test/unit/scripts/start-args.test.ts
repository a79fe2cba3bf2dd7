import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { failureHint, missingDisplay, parseStartArgs, USAGE, UsageError } from "../../../scripts/demo/args.ts";

// `npm start`'s command line: help is help, a wrong option says what is accepted, and a machine
// without a display is told what to run instead of failing on a browser that never opened.

describe("npm start's options", () => {
  it("reads the browser, the port and --check, and --help before anything else", () => {
    expect(parseStartArgs([])).toEqual({ help: false, browser: "chromium", port: 8787, check: false });
    expect(parseStartArgs(["--browser", "firefox", "--port", "9000", "--check"])).toEqual({ help: false, browser: "firefox", port: 9000, check: true });
    expect(parseStartArgs(["--help"])).toEqual({ help: true });
    expect(parseStartArgs(["--browser", "chrome", "-h"])).toEqual({ help: true });
  });

  it.each([
    [["--browser", "chrome"], '--browser must be one of chromium, firefox, not "chrome".'],
    [["--browser"], "--browser needs a value."],
    [["--port", "http"], '--port must be a port number (0 to 65535), not "http".'],
    [["--port", "70000"], '--port must be a port number (0 to 65535), not "70000".'],
    [["--chek"], "Unknown option: --chek."],
  ])("refuses %j with a clear message", (args, message) => {
    expect(() => parseStartArgs(args)).toThrow(new UsageError(message));
  });

  it("without a display on Linux, says to use xvfb-run or --check; --check and other systems need none", () => {
    expect(missingDisplay({}, "linux", false)).toMatch(/xvfb-run -a npm start.*npm start -- --check/);
    expect(missingDisplay({ DISPLAY: ":99" }, "linux", false)).toBeUndefined();
    expect(missingDisplay({ WAYLAND_DISPLAY: "wayland-0" }, "linux", false)).toBeUndefined();
    expect(missingDisplay({}, "linux", true)).toBeUndefined();
    expect(missingDisplay({}, "darwin", false)).toBeUndefined();
  });

  it("turns a browser's refused or dropped connection into a hint", () => {
    expect(failureHint(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9222"), { code: "ECONNREFUSED" }))).toMatch(/xvfb-run -a npm start/);
    expect(failureHint(new Error("socket hang up (ECONNRESET)"))).toMatch(/--check/);
    expect(failureHint(new Error("the badge never showed 4"))).toBeUndefined();
  });
});

describe("npm start, run", () => {
  const start = (args: string[], env: Record<string, string | undefined> = process.env) =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/start.ts", ...args], { encoding: "utf8", env: env as NodeJS.ProcessEnv, timeout: 60_000 });

  it("--help prints the usage and starts nothing", () => {
    const run = start(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(USAGE);
    expect(run.stdout).not.toContain("Demo Cobalt API");
  }, 60_000);

  it("an unknown browser exits 2 naming the choices, without a stack trace", () => {
    const run = start(["--browser", "chrome"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--browser must be one of chromium, firefox, not "chrome".');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it.runIf(process.platform === "linux")("without a display exits 2 and says what to run, before building anything", () => {
    const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...env } = process.env;
    const run = start([], env);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("xvfb-run -a npm start");
    expect(run.stdout).not.toContain("Demo Cobalt API");
  }, 60_000);
});
