import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Audit, type AuditLine } from "../../../../../src/relay/server/store/audit.ts";
import { FileBackend } from "../../../../../src/relay/server/store/file-backend.ts";
import { Records } from "../../../../../src/relay/server/store/records.ts";
import { tempDir } from "../support.ts";

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const auditIn = (path: string, secrets: string[] = []) => new Audit(new Records(new FileBackend(path), secrets));

it("appends one JSON line per link, owner-readable only, that a hostile id cannot split", async () => {
  const log = auditIn(join(dir.path, "sub"));
  const path = join(dir.path, "sub", "audit.log");
  const entries: AuditLine[] = [
    { time: "2026-01-01T00:00:00.000Z", member: "alice", source: "prod", linkedAccount: "acme", app: "hubspot", outcome: "oauth" },
    { time: "2026-01-01T00:00:01.000Z", member: "bob", source: "prod", linkedAccount: 'evil\n{"member":"mallory"}', app: "slack", outcome: "refused", reason: "unknown-account" },
    { time: "2026-01-01T00:00:02.000Z", member: "bob", source: "prod", linkedAccount: "acme", app: "copper", outcome: "failed", reason: "server" },
    { time: "2026-01-01T00:00:03.000Z", action: "add-member", subject: "carol", by: "admin-api", outcome: "done" },
  ];
  for (const entry of entries) await log.append(entry);
  const text = readFileSync(path, "utf8");
  expect(text.split("\n")).toHaveLength(5);
  expect(text.split("\n")[0]).toBe('{"time":"2026-01-01T00:00:00.000Z","member":"alice","source":"prod","linkedAccount":"acme","app":"hubspot","outcome":"oauth"}');
  expect(statSync(path).mode & 0o777).toBe(0o600);
  expect(await log.read()).toEqual(entries);
});

it("writes only the fields it knows, so a link can never end up in it", async () => {
  const log = auditIn(dir.path);
  const entry = { time: "t", member: "m", source: "s", linkedAccount: "a", app: "x", outcome: "oauth" as const, url: "https://secret-link" };
  await log.append(entry);
  expect(readFileSync(join(dir.path, "audit.log"), "utf8")).not.toContain("secret-link");
});

it("skips a torn line and keeps reading, and never writes a secret", async () => {
  writeFileSync(join(dir.path, "audit.log"), '{"time":"t","member":"m","source":"s","linkedAccount":"a","app":"x","outcome":"oauth"}\n{"time":"t","memb\n');
  const log = auditIn(dir.path, ["pk_live_secretkey"]);
  await log.append({ time: "u", member: "m", source: "s", linkedAccount: "pk_live_secretkey", app: "x", outcome: "refused", reason: "unknown-account" });
  expect(readFileSync(join(dir.path, "audit.log"), "utf8")).not.toContain("pk_live_secretkey");
  expect((await log.read()).map((entry) => entry.time)).toEqual(["t", "u"]);
});

it("escapes every control, line-separator and direction character, and reads each value back unchanged", async () => {
  const log = auditIn(dir.path);
  const path = join(dir.path, "audit.log");
  // Line and paragraph separators, right-to-left override and isolates, zero-width and C1 controls, DEL, a BOM, a tag character.
  const hostile = "acme\u2028\u2029\u202Eevil\u2066x\u2069\u200B\u200F\u0085\u009B\u007F\u061C\uFEFF\u00AD\u{E0041}end";
  const entry = { time: "2026-01-01T00:00:00.000Z", member: "bob\u202E", source: "prod", linkedAccount: hostile, app: "slack\u2028", outcome: "refused" as const, reason: "unknown-account" as const };
  await log.append(entry);
  await log.append({ ...entry, linkedAccount: "Müller 株式会社", app: "hubspot" });
  const lines = readFileSync(path, "utf8").split("\n");
  expect(lines).toHaveLength(3);
  for (const line of lines) expect(line).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  expect(lines[0]).toContain("\\u202e");
  // Printable text stays readable as it is.
  expect(lines[1]).toContain("Müller 株式会社");
  expect(await log.read()).toEqual([entry, { ...entry, linkedAccount: "Müller 株式会社", app: "hubspot" }]);
});
