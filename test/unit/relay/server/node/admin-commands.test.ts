import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AdminCommandError, runMemberCommand, type MemberCommand } from "../../../../../src/relay/server/node/admin-commands.ts";
import { ADMIN_TOKEN, startStack, tempDir, type Stack } from "../support.ts";

/* The member commands on this computer's data folder and, with --relay, through a running relay's admin API. */

const dirs: { remove(): void }[] = [];
let stack: Stack | undefined;
afterEach(async () => {
  for (const dir of dirs.splice(0)) dir.remove();
  await stack?.close();
  stack = undefined;
});

function printer() {
  const said: string[] = [];
  const complained: string[] = [];
  return { said, complained, out: { say: (text: string) => void said.push(text), complain: (text: string) => void complained.push(text) } };
}

async function run(command: MemberCommand, name: string | undefined, target: Parameters<typeof runMemberCommand>[2]) {
  const p = printer();
  const code = await runMemberCommand(command, name, target, p.out);
  return { code, said: p.said.join("\n"), complained: p.complained.join("\n") };
}

describe("on the data folder", () => {
  it("adds, lists, removes and prints the audit log one JSON object a line, auditing each change", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const target = { dataDir: dir.path };
    const added = await run("add-member", "alice", target);
    expect(added.code).toBe(0);
    expect(added.said).toMatch(/^Added "alice"\. Their token \(shown only now; the relay keeps only its hash\):\n\n {2}cirelay_[A-Za-z0-9_-]{43}\n/);
    expect(readFileSync(join(dir.path, "members.json"), "utf8")).not.toContain(/cirelay_\S+/.exec(added.said)![0]);
    expect((await run("list-members", undefined, target)).said).toMatch(/^alice\tadded \d{4}-/);
    expect(await run("remove-member", "bob", target)).toMatchObject({ code: 1, complained: `There is no member named "bob" (${join(dir.path, "members.json")}).` });
    expect((await run("remove-member", "alice", target)).code).toBe(0);
    const audit = (await run("audit", undefined, target)).said.split("\n").map((line) => JSON.parse(line) as Record<string, string>);
    expect(audit.map(({ action, subject, outcome, by }) => [action, subject, outcome, by])).toEqual([
      ["add-member", "alice", "done", "command-line"],
      ["remove-member", "bob", "refused", "command-line"],
      ["remove-member", "alice", "done", "command-line"],
    ]);
    expect(await run("add-member", "a b", target)).toMatchObject({ code: 2, complained: expect.stringMatching(/member name is 1 to 64/) });
    expect(await run("add-member", undefined, target)).toMatchObject({ code: 2, complained: "Give the member's name: npm run relay -- add-member <name>" });
    await expect(run("check", undefined, target)).rejects.toThrow(/--relay/);
  });
});

describe("with --relay", () => {
  it("refuses to send the admin token in the clear beyond this computer, or without one", async () => {
    await expect(run("list-members", undefined, { relay: "http://relay.example.com", adminToken: ADMIN_TOKEN })).rejects.toThrow(/must be an https:\/\/ address/);
    await expect(run("list-members", undefined, { relay: "not a url", adminToken: ADMIN_TOKEN })).rejects.toThrow(AdminCommandError);
    await expect(run("list-members", undefined, { relay: "https://user:pw@relay.example.com", adminToken: ADMIN_TOKEN })).rejects.toThrow(/without credentials/);
    await expect(run("list-members", undefined, { relay: "https://relay.example.com", adminToken: undefined })).rejects.toThrow(/Set RELAY_ADMIN_TOKEN/);
  });

  it("manages a running relay's members and reads its audit log, and says why when the token is wrong", async () => {
    stack = await startStack();
    const target = { relay: stack.url, adminToken: ADMIN_TOKEN };
    const added = await run("add-member", "carol", target);
    const token = /cirelay_\S+/.exec(added.said)![0];
    expect((await stack.call("/v1/status", { token })).status).toBe(200);
    expect((await run("list-members", undefined, target)).said).toMatch(/^carol\tadded /);
    await expect(run("add-member", "carol", target)).rejects.toThrow("There is already a member of that name. Remove it first to issue a new token.");
    expect((await run("remove-member", "carol", target)).code).toBe(0);
    expect((await run("remove-member", "carol", target)).code).toBe(1);
    expect((await stack.call("/v1/status", { token })).status).toBe(401);
    expect((await run("audit", undefined, target)).said.split("\n").map((line) => (JSON.parse(line) as { action: string }).action)).toEqual(["add-member", "add-member", "remove-member", "remove-member"]);
    expect((await run("check", undefined, target)).said).toBe("Checking team now.");
    await expect(run("list-members", undefined, { ...target, adminToken: `${ADMIN_TOKEN}x` })).rejects.toThrow(`The relay at ${stack.url} rejected the admin token: check RELAY_ADMIN_TOKEN.`);
  });
});
