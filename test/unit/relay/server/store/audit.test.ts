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
