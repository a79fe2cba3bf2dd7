import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MEMBER_TOKEN_PREFIX } from "../../../../../src/relay/protocol/v1.ts";
import { MemberStore, MembersFileError, findMember, generateToken, hashToken, memberNameProblem } from "../../../../../src/relay/server/store/members.ts";
import { tempDir } from "../support.ts";

const dirs: { remove(): void }[] = [];
function store(): { store: MemberStore; path: string; dir: string } {
  const dir = tempDir();
  dirs.push(dir);
  const path = join(dir.path, "members.json");
  return { store: new MemberStore(path), path, dir: dir.path };
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

  it("are kept as their SHA-256", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("are matched against every member's hash, and only a whole exact token matches", () => {
    const alice = generateToken();
    const bob = generateToken();
    const members = [
      { name: "alice", tokenSha256: hashToken(alice), createdAt: "" },
      { name: "bob", tokenSha256: hashToken(bob), createdAt: "" },
    ];
    expect(findMember(members, alice)).toBe("alice");
    expect(findMember(members, bob)).toBe("bob");
    const lastChanged = `${alice.slice(0, -1)}${alice.endsWith("A") ? "B" : "A"}`;
    expect(findMember(members, lastChanged)).toBeUndefined();
    expect(findMember(members, alice.slice(0, -1))).toBeUndefined();
    expect(findMember(members, `${alice} `)).toBeUndefined();
    expect(findMember(members, hashToken(alice))).toBeUndefined();
    expect(findMember([], alice)).toBeUndefined();
  });
});

describe("the members file", () => {
  it("keeps only hashes, readable by the owner alone, written without leftovers", async () => {
    const { store: members, path, dir } = store();
    const token = await members.add("alice");
    const text = readFileSync(path, "utf8");
    expect(text).not.toContain(token);
    expect(text).toContain(hashToken(token));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["members.json"]);
    expect(await members.verify(token)).toBe("alice");
    expect(await members.list()).toEqual([{ name: "alice", createdAt: expect.any(String) }]);
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
    const { store: running, path } = store();
    const cli = new MemberStore(path);
    const alice = await cli.add("alice");
    const bob = await cli.add("bob");
    expect(await running.verify(alice)).toBe("alice");
    expect(await cli.remove("alice")).toBe(true);
    expect(await running.verify(alice)).toBeUndefined();
    expect(await running.verify(bob)).toBe("bob");
    expect(await cli.remove("alice")).toBe(false);
  });

  it("admits nobody when the file is damaged, says so, and will not overwrite it", async () => {
    const { path } = store();
    const problems: string[] = [];
    const members = new MemberStore(path, (problem) => problems.push(problem));
    const token = await members.add("alice");
    writeFileSync(path, "{ not json");
    expect(await members.verify(token)).toBeUndefined();
    expect(problems[0]).toMatch(/not valid JSON/);
    await expect(members.add("bob")).rejects.toThrow(/not valid JSON/);
    expect(readFileSync(path, "utf8")).toBe("{ not json");
  });

  it("keeps every member when several commands add and remove at the same moment", async () => {
    const { path, dir } = store();
    const names = ["alice", "bob", "carol", "dave", "erin"];
    const tokens = await Promise.all(names.map((name) => new MemberStore(path).add(name)));
    const running = new MemberStore(path);
    expect((await running.list()).map((member) => member.name).sort()).toEqual(names);
    for (const [index, token] of tokens.entries()) expect(await running.verify(token)).toBe(names[index]);
    await Promise.all([new MemberStore(path).remove("alice"), new MemberStore(path).add("frank"), new MemberStore(path).remove("bob")]);
    expect((await running.list()).map((member) => member.name).sort()).toEqual(["carol", "dave", "erin", "frank"]);
    expect(readdirSync(dir)).toEqual(["members.json"]);
  });

  it("breaks a lock left behind by a command that died holding it", async () => {
    const { store: members, path } = store();
    writeFileSync(`${path}.lock`, "");
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    await members.add("alice");
    expect((await members.list()).map((member) => member.name)).toEqual(["alice"]);
  });

  it("without a file has no members", async () => {
    const { store: members } = store();
    expect(await members.list()).toEqual([]);
    expect(await members.verify(generateToken())).toBeUndefined();
  });
});
