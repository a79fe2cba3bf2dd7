import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Audit } from "../../../../../src/relay/server/store/audit.ts";
import { Members } from "../../../../../src/relay/server/store/members.ts";
import { Records, StoreFormatError, scrubValue } from "../../../../../src/relay/server/store/records.ts";
import { loadStates, STATE, StateSaver } from "../../../../../src/relay/server/store/state.ts";
import { createLogger } from "../../../../../src/relay/server/base/log.ts";
import { BACKENDS, openBackends, type Backends } from "../backends.ts";

/* What the relay keeps behaves the same on files and in a Durable Object: one set of tests, both backends. */

const KEY = "pk_live_0123456789abcdef";
let backends: Backends;
beforeAll(async () => {
  backends = await openBackends();
}, 120_000);
afterAll(() => backends.close());

describe.each(BACKENDS)("the store on %s", { timeout: 30_000 }, (name) => {
  it("adds, lists, verifies and removes members; a second writer's change is never lost", async () => {
    const backend = await backends.make(name);
    const running = new Members(new Records(backend));
    const names = ["alice", "bob", "carol", "dave", "erin"];
    const tokens = await Promise.all(names.map(async (member) => (await new Members(new Records(backend)).add(member)).token));
    expect((await running.list()).map((member) => member.name).sort()).toEqual(names);
    expect(await Promise.all(tokens.map((token) => running.verify(token)))).toEqual(names);
    await expect(running.add("alice")).rejects.toThrow(/already a member named "alice"/);
    expect(await new Members(new Records(backend)).remove("alice")).toBe(true);
    expect(await running.verify(tokens[0]!)).toBeUndefined();
    expect(await running.remove("alice")).toBe(false);
  });

  it("refuses to load damaged members, naming where they are and what is wrong", async () => {
    const backend = await backends.make(name);
    await backend.write("members", '{"version":1,"members":[{"name":"a","tokenSha256":"x","createdAt":""}]}');
    const problem = new Members(new Records(backend)).load();
    await expect(problem).rejects.toThrow(StoreFormatError);
    await expect(new Members(new Records(backend)).load()).rejects.toThrow(`The members file ${backend.where("members")} cannot be read: members[0].tokenSha256 is not a SHA-256`);
  });

  it("appends audit lines in order and reads them back", async () => {
    const audit = new Audit(new Records(await backends.make(name)));
    await audit.append({ time: "1", member: "alice", source: "prod", linkedAccount: "acme\n{}", app: "hubspot", outcome: "oauth" });
    await audit.append({ time: "2", action: "remove-member", subject: "bob", by: "admin-api", outcome: "refused", reason: "unknown-member" });
    expect(await audit.read()).toEqual([
      { time: "1", member: "alice", source: "prod", linkedAccount: "acme\n{}", app: "hubspot", outcome: "oauth" },
      { time: "2", action: "remove-member", subject: "bob", by: "admin-api", outcome: "refused", reason: "unknown-member" },
    ]);
  });

  it("keeps a large status whole (more than one 2 MB value on SQLite) and scrubs the key from all of it", async () => {
    const backend = await backends.make(name);
    const records = new Records(backend, [KEY]);
    const accounts = Array.from({ length: 20_000 }, (_, i) => ({ id: `acct-${i}`, reauth: [], healthyCount: 3, error: { kind: "server", detail: `echo ${KEY} ü`, at: i } }));
    await records.write(STATE, { team: { status: { schemaVersion: 4, source: "s", accounts }, healthy: {}, since: { [KEY]: { [KEY]: 1 } } } });
    const text = (await backend.read("state"))!;
    expect(text.length).toBeGreaterThan(2_000_000);
    expect(text).not.toContain(KEY);
    expect(JSON.parse(text).sources.team.status.accounts[19_999].error.detail).toBe("echo [redacted] ü");
    const lines: string[] = [];
    const states = await loadStates(records, createLogger({ secrets: [], write: (line) => lines.push(line) }));
    expect(Object.keys(states)).toEqual(["team"]);
  });

  it("writes a document given in pieces as their text joined, however the pieces are cut", async () => {
    const backend = await backends.make(name);
    const pieces = ["{\"a\":\"", "x".repeat(700_000), "", "ü".repeat(300_000), "\"}"];
    await backend.write("state", pieces);
    expect(await backend.read("state")).toBe(pieces.join(""));
    const version = await backend.version("state");
    await backend.write("state", ["{}"]);
    expect(await backend.read("state")).toBe("{}");
    expect(await backend.version("state")).not.toBe(version);
    await backend.write("empty", []);
    expect(await backend.read("empty")).toBe("");
  });

  it("sets aside a last status it cannot read, with a warning, and saves the runners' state when flushed", async () => {
    const backend = await backends.make(name);
    await backend.write("state", "{ torn");
    const lines: string[] = [];
    const records = new Records(backend);
    expect(await loadStates(records, createLogger({ secrets: [], write: (line) => lines.push(line) }))).toEqual({});
    expect(lines.join("\n")).toMatch(/"event":"state-unreadable"/);
    const saver = new StateSaver(records, createLogger({ secrets: [], write: () => {} }), 60_000);
    saver.scheduleSave([]);
    await saver.flush();
    expect(await backend.read("state")).toBe('{"version":1,"sources":{}}');
  });
});

describe("scrubbing", () => {
  it("replaces every secret in every string and key, however deep, and leaves the rest", () => {
    expect(scrubValue({ a: `x${KEY}y`, [KEY]: [KEY, 1, null, { b: KEY }], n: 3 }, [KEY, "abc"])).toEqual({ a: "x[redacted]y", "[redacted]": ["[redacted]", 1, null, { b: "[redacted]" }], n: 3 });
    expect(scrubValue("ab", ["ab"])).toBe("ab");
  });

  it("keeps an entry called __proto__ (a linked account may be called that)", () => {
    const healthy = JSON.parse(`{"__proto__": [{"slug": "slack"}], "acme": []}`) as Record<string, unknown>;
    const scrubbed = scrubValue(healthy, [KEY]);
    expect(Object.keys(scrubbed)).toEqual(["__proto__", "acme"]);
    expect(JSON.parse(JSON.stringify(scrubbed))).toEqual(healthy);
  });
});
