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
