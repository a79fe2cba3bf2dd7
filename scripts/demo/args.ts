/*
 * `npm start`'s command line and what it needs from the machine, read before anything is built or
 * started: a mistyped option or a missing display is said in one clear line, with what to do,
 * never as a stack trace or a connection error from a browser that could not open.
 */

export const USAGE = `Usage: npm start [-- [--browser chromium|firefox] [--port <port>] [--check] [--help]]

Builds the extension, starts a demo Cobalt API with a showcase org on 127.0.0.1, and opens the
browser with the extension set up for it. Ctrl+C stops the browser and the API.

  --browser <name>  chromium (the default) or firefox
  --port <port>     the demo API's port (default 8787; a free one if it is taken)
  --check           the same without a window (headless); exits 0 once the badge shows the
                    demo count, 1 if it does not: a smoke test
  --help            this text

Without a display (a server, a container), run it under a virtual one: xvfb-run -a npm start
(or check it headless: npm start -- --check).`;

export const BROWSERS = ["chromium", "firefox"] as const;
export type BrowserName = (typeof BROWSERS)[number];

export const DEFAULT_PORT = 8787;

export type StartArgs = { help: true } | { help: false; browser: BrowserName; port: number; check: boolean };

/** A command line that cannot be used: its message says what is wrong and what is accepted. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const WITH_VALUE = new Set(["--browser", "--port"]);

/** The options of `npm start -- …`; throws UsageError for anything it does not know. */
export function parseStartArgs(args: readonly string[]): StartArgs {
  const values = new Map<string, string>();
  let check = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--help" || arg === "-h") return { help: true };
    if (arg === "--check") check = true;
    else if (WITH_VALUE.has(arg)) {
      const value = args[++i];
      if (value === undefined || value.startsWith("-")) throw new UsageError(`${arg} needs a value.`);
      values.set(arg, value);
    } else throw new UsageError(`Unknown option: ${arg}.`);
  }
  const browser = values.get("--browser") ?? "chromium";
  if (!(BROWSERS as readonly string[]).includes(browser)) throw new UsageError(`--browser must be one of ${BROWSERS.join(", ")}, not "${browser}".`);
  const portText = values.get("--port") ?? String(DEFAULT_PORT);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new UsageError(`--port must be a port number (0 to 65535), not "${portText}".`);
  return { help: false, browser: browser as BrowserName, port, check };
}

/**
 * Why a browser window cannot open here, or undefined: on Linux (not macOS or Windows) a window
 * needs an X or Wayland display. --check needs none (headless).
 */
export function missingDisplay(env: Readonly<Record<string, string | undefined>>, platform: string, check: boolean): string | undefined {
  if (check || platform !== "linux" || env.DISPLAY || env.WAYLAND_DISPLAY) return undefined;
  return "No display: DISPLAY and WAYLAND_DISPLAY are not set, so no browser window can open here. Run it under a virtual display with `xvfb-run -a npm start`, or check it headless with `npm start -- --check`.";
}

/** A hint for a failure that a browser which could not open gives (its debugging port refuses or drops the connection). */
export function failureHint(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || /ECONNREFUSED|ECONNRESET/.test(text)) {
    return "The browser closed or never opened its window. Without a display, run `xvfb-run -a npm start`, or `npm start -- --check` (headless).";
  }
  return undefined;
}
