import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { FileAuditLog } from "../../../../../src/relay/server/store/audit.ts";
import { tempDir } from "../support.ts";

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

it("appends one JSON line per link, owner-readable only, that a hostile id cannot split", async () => {
  const log = new FileAuditLog(join(dir.path, "sub", "audit.log"));
  await log.append({ time: "2026-01-01T00:00:00.000Z", member: "alice", source: "prod", linkedAccount: "acme", app: "hubspot", outcome: "oauth" });
  await log.append({ time: "2026-01-01T00:00:01.000Z", member: "bob", source: "prod", linkedAccount: 'evil\n{"member":"mallory"}', app: "slack", outcome: "refused", reason: "unknown-account" });
  await log.append({ time: "2026-01-01T00:00:02.000Z", member: "bob", source: "prod", linkedAccount: "acme", app: "copper", outcome: "failed", reason: "server" });
  const text = readFileSync(log.path, "utf8");
  expect(text.split("\n")).toHaveLength(4);
  expect(statSync(log.path).mode & 0o777).toBe(0o600);
  expect(await log.read()).toEqual([
    { time: "2026-01-01T00:00:00.000Z", member: "alice", source: "prod", linkedAccount: "acme", app: "hubspot", outcome: "oauth" },
    { time: "2026-01-01T00:00:01.000Z", member: "bob", source: "prod", linkedAccount: 'evil\n{"member":"mallory"}', app: "slack", outcome: "refused", reason: "unknown-account" },
    { time: "2026-01-01T00:00:02.000Z", member: "bob", source: "prod", linkedAccount: "acme", app: "copper", outcome: "failed", reason: "server" },
  ]);
});

it("writes only the fields it knows, so a link can never end up in it", async () => {
  const log = new FileAuditLog(join(dir.path, "audit.log"));
  const entry = { time: "t", member: "m", source: "s", linkedAccount: "a", app: "x", outcome: "oauth" as const, url: "https://secret-link" };
  await log.append(entry);
  expect(readFileSync(log.path, "utf8")).not.toContain("secret-link");
});

it("escapes every control, line-separator and direction character, and reads each value back unchanged", async () => {
  const log = new FileAuditLog(join(dir.path, "audit.log"));
  // Line and paragraph separators, right-to-left override and isolates, zero-width and C1 controls, DEL, a BOM, a tag character.
  const hostile = "acme\u2028\u2029\u202Eevil\u2066x\u2069\u200B\u200F\u0085\u009B\u007F\u061C\uFEFF\u00AD\u{E0041}end";
  const entry = { time: "2026-01-01T00:00:00.000Z", member: "bob\u202E", source: "prod", linkedAccount: hostile, app: "slack\u2028", outcome: "refused" as const, reason: "unknown-account" as const };
  await log.append(entry);
  await log.append({ ...entry, linkedAccount: "Müller 株式会社", app: "hubspot" });
  const lines = readFileSync(log.path, "utf8").split("\n");
  expect(lines).toHaveLength(3);
  for (const line of lines) expect(line).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  expect(lines[0]).toContain("\\u202e");
  // Printable text stays readable as it is.
  expect(lines[1]).toContain("Müller 株式会社");
  expect(await log.read()).toEqual([entry, { ...entry, linkedAccount: "Müller 株式会社", app: "hubspot" }]);
});
