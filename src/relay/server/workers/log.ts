import { createLogger, type Logger } from "../base/log.ts";

/**
 * The relay's log on Workers: the same scrubbed JSON lines as on Node, written where the runtime
 * collects a Worker's output (`wrangler tail`, the dashboard's logs). The one place in src that
 * writes to the console, and only lines the logger has scrubbed of `secrets`.
 */
export function workersLogger(secrets: readonly string[]): Logger {
  return createLogger({ secrets, write: (line) => console.log(line) });
}
