import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MEMBER_TOKEN_PREFIX } from "../../../../../src/relay/protocol/v1.ts";
import { FileBackend } from "../../../../../src/relay/server/store/file-backend.ts";
import { Members, MembersFileError, findMember, generateToken, hashToken, memberNameProblem, sameText } from "../../../../../src/relay/server/store/members.ts";
import { Records, StoreFormatError } from "../../../../../src/relay/server/store/records.ts";
import { tempDir } from "../support.ts";

const dirs: { remove(): void }[] = [];
function store(onProblem?: (problem: string) => void): { store: Members; path: string; dir: string; another(): Members } {
  const dir = tempDir();
  dirs.push(dir);
  const another = () => new Members(new Records(new FileBackend(dir.path)));
  return { store: new Members(new Records(new FileBackend(dir.path)), onProblem), path: join(dir.path, "members.json"), dir: dir.path, another };
}
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

describe("member tokens", () => {
  it("are 32 random bytes in base64url behind a recognisable prefix, never twice the same", () => {
    const tokens = new Set(Array.from({ length: 200 }, generateToken));
    expect(tokens.size).toBe(200);
    for (const token of tokens) {
      expect(token).toMatch(new RegExp(`^${MEMBER_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`));
      expect(Buffer.from(token.slice(MEMBER_TOKEN_PREFIX.length), "base64url")).toHaveLength(32);
    }
  });

  it("are kept as their SHA-256", async () => {
    expect(await hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("are matched against every member's hash, and only a whole exact token matches", async () => {
    const alice = generateToken();
    const bob = generateToken();
    const members = [
      { name: "alice", tokenSha256: await hashToken(alice), createdAt: "" },
      { name: "bob", tokenSha256: await hashToken(bob), createdAt: "" },
    ];
    expect(await findMember(members, alice)).toBe("alice");
    expect(await findMember(members, bob)).toBe("bob");
    const lastChanged = `${alice.slice(0, -1)}${alice.endsWith("A") ? "B" : "A"}`;
    expect(await findMember(members, lastChanged)).toBeUndefined();
    expect(await findMember(members, alice.slice(0, -1))).toBeUndefined();
    expect(await findMember(members, `${alice} `)).toBeUndefined();
    expect(await findMember(members, await hashToken(alice))).toBeUndefined();
    expect(await findMember([], alice)).toBeUndefined();
  });

  it("compare texts whole: equal only when equal, whatever their lengths", () => {
    expect(sameText("abc", "abc")).toBe(true);
    expect(sameText("abc", "abd")).toBe(false);
    expect(sameText("abc", "abcd")).toBe(false);
    expect(sameText("abcd", "abc")).toBe(false);
    expect(sameText("", "")).toBe(true);
  });
});

describe("the members file", () => {
  it("keeps only hashes, readable by the owner alone, written without leftovers", async () => {
    const { store: members, path, dir } = store();
    const { token } = await members.add("alice");
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain(token);
    expect(text).toContain(await hashToken(token));
    expect(JSON.parse(text)).toEqual({ version: 1, members: [{ name: "alice", tokenSha256: await hashToken(token), createdAt: expect.any(String) }] });
    expect(text).toMatch(/^\{\n {2}"version": 1,\n/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["members.json"]);
    expect(await members.verify(token)).toBe("alice");
    expect(await members.list()).toEqual([{ name: "alice", createdAt: expect.any(String) }]);
  });

  it("reads a members file written by an earlier version as it is", async () => {
    const { store: members, path } = store();
    const token = generateToken();
    writeFileSync(path, JSON.stringify({ version: 1, members: [{ name: "carol", tokenSha256: await hashToken(token), createdAt: "2026-01-01T00:00:00.000Z" }] }, null, 2));
    expect(await members.load()).toBe(1);
    expect(await members.verify(token)).toBe("carol");
  });

  it("refuses a second member of the same name and names that are not names", async () => {
    const { store: members } = store();
    await members.add("alice");
    await expect(members.add("alice")).rejects.toThrow(MembersFileError);
    await expect(members.add("../etc")).rejects.toThrow(/member name/);
    expect(memberNameProblem("alice.smith@example.com")).toBeUndefined();
    expect(memberNameProblem("")).toBeDefined();
    expect(memberNameProblem("a b")).toBeDefined();
  });

  it("revokes at once: a running store notices another process removing a member", async () => {
    const { store: running, another } = store();
    const cli = another();
    const { token: alice } = await cli.add("alice");
    const { token: bob } = await cli.add("bob");
    expect(await running.verify(alice)).toBe("alice");
    expect(await cli.remove("alice")).toBe(true);
    expect(await running.verify(alice)).toBeUndefined();
    expect(await running.verify(bob)).toBe("bob");
    expect(await cli.remove("alice")).toBe(false);
  });

  it("accepts every valid token of many arriving at once right after start, none checked against a list still being read", async () => {
    const { another } = store();
    const cli = another();
    const tokens: string[] = [];
    for (let i = 0; i < 20; i++) tokens.push((await cli.add(`member-${i}`)).token);
    const fresh = another();
    expect(await Promise.all(tokens.map((token) => fresh.verify(token)))).toEqual(tokens.map((_, i) => `member-${i}`));
  });

  it("refuses to load a damaged file, naming the file and what is wrong", async () => {
    const { store: members, path } = store();
    writeFileSync(path, '{\n  "version": 1,\n  "members": [ oops ]\n}');
    await expect(members.load()).rejects.toThrow(StoreFormatError);
    await expect(members.load()).rejects.toThrow(`The members file ${path} is not valid JSON (line 3, column 16).`);
    writeFileSync(path, JSON.stringify({ version: 1, members: [{ name: "a", tokenSha256: "short", createdAt: "" }] }));
    await expect(members.load()).rejects.toThrow(`The members file ${path} cannot be read: members[0].tokenSha256 is not a SHA-256 in hexadecimal`);
    writeFileSync(path, JSON.stringify({ version: 2, members: [] }));
    await expect(members.load()).rejects.toThrow(/version should be 1/);
    writeFileSync(path, JSON.stringify({ version: 1, members: {} }));
    await expect(members.load()).rejects.toThrow(/members should be a list/);
    writeFileSync(path, "");
    await expect(members.load()).rejects.toThrow(/not valid JSON \(it is empty\)/);
  });

  it("admits nobody when the file is damaged while running, says so once, and will not overwrite it", async () => {
    const problems: string[] = [];
    const { store: members, path, another } = store((problem) => problems.push(problem));
    const { token } = await another().add("alice");
    expect(await members.verify(token)).toBe("alice");
    writeFileSync(path, "{ not json");
    expect(await members.verify(token)).toBeUndefined();
    expect(await members.verify(token)).toBeUndefined();
    expect(problems).toEqual([`The members file ${path} is not valid JSON (line 1, column 3).`]);
    await expect(members.add("bob")).rejects.toThrow(/not valid JSON/);
    expect(readFileSync(path, "utf8")).toBe("{ not json");
  });

  it("keeps every member when several commands add and remove at the same moment", async () => {
    const { dir, another } = store();
    const names = ["alice", "bob", "carol", "dave", "erin"];
    const tokens = await Promise.all(names.map(async (name) => (await another().add(name)).token));
    const running = another();
    expect((await running.list()).map((member) => member.name).sort()).toEqual(names);
    for (const [index, token] of tokens.entries()) expect(await running.verify(token)).toBe(names[index]);
    await Promise.all([another().remove("alice"), another().add("frank"), another().remove("bob")]);
    expect((await running.list()).map((member) => member.name).sort()).toEqual(["carol", "dave", "erin", "frank"]);
    expect(readdirSync(dir)).toEqual(["members.json"]);
  });

  it("breaks a lock left behind by a command that died holding it", async () => {
    const { store: members, path } = store();
    writeFileSync(`${path}.lock`, "");
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    await members.add("alice");
    await members.add("bob");
    expect((await members.list()).map((member) => member.name)).toEqual(["alice", "bob"]);
  });

  it("without a file has no members", async () => {
    const { store: members } = store();
    expect(await members.load()).toBe(0);
    expect(await members.list()).toEqual([]);
    expect(await members.verify(generateToken())).toBeUndefined();
  });
});
