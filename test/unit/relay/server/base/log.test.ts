import { expect, it } from "vitest";
import { createLogger, escapeInvisible } from "../../../../../src/relay/server/base/log.ts";

it("writes one line per event, scrubbed of the keys, with invisible characters escaped", () => {
  const lines: string[] = [];
  const log = createLogger({ secrets: ["tk_secret_key"], write: (line) => lines.push(line), now: () => 0 });
  log.warn("token-rejected", { member: "eve\u2028\u202Etk_secret_key" });
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  expect(JSON.parse(lines[0]!)).toEqual({ time: "1970-01-01T00:00:00.000Z", level: "warn", event: "token-rejected", member: "eve\u2028\u202E[redacted]" });
});

it("escapes characters beyond the first plane as their two halves", () => {
  expect(escapeInvisible(JSON.stringify("a\u{E0041}b"))).toBe('"a\\udb40\\udc41b"');
  expect(JSON.parse(escapeInvisible(JSON.stringify("a\u{E0041}b")))).toBe("a\u{E0041}b");
});
