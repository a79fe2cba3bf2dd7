import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STATUS_VERSION, type AccountStatus } from "../../../../../src/core/status/model.ts";
import type { DeskRequest } from "../../../../../src/relay/protocol/desk.ts";
import { createLogger } from "../../../../../src/relay/server/base/log.ts";
import type { SourceState } from "../../../../../src/relay/server/check/runner.ts";
import { Audit, type AuditLine } from "../../../../../src/relay/server/store/audit.ts";
import { DESK, DESK_SET_ASIDE, Desk } from "../../../../../src/relay/server/store/desk.ts";
import { act, DESK_MAX_PER_MEMBER, EMPTY_DESK, expire, FIXED_KEPT_MS, liveDesk, settle, type DeskFile } from "../../../../../src/relay/server/store/desk-rules.ts";
import { FileBackend } from "../../../../../src/relay/server/store/file-backend.ts";
import { Records } from "../../../../../src/relay/server/store/records.ts";
import { tempDir } from "../support.ts";

/*
 * The desk's rules on their own (claim, take over, release, mutes, notes, what ends them, limits)
 * and the desk as the relay keeps it (written before it is served, audited, read back, damaged
 * records set aside). The HTTP API over both backends is test/unit/relay/server/http/desk.test.ts.
 */

const T = 1_790_000_000_000;

function account(id: string, slugs: string[], name?: string): AccountStatus {
  return { id, ...(name === undefined ? {} : { name }), checkedAt: T, reauth: slugs.map((slug) => ({ slug, name: slug.toUpperCase() })), healthyCount: 0 };
}

function state(accounts: AccountStatus[], since: Record<string, Record<string, number>> = {}, extra: Partial<SourceState["status"]> = {}): SourceState {
  const times: Record<string, Record<string, number>> = {};
  for (const each of accounts) times[each.id] = Object.fromEntries(each.reauth.map((app) => [app.slug, since[each.id]?.[app.slug] ?? T - 1000]));
  return { status: { schemaVersion: STATUS_VERSION, source: "s", checkedAt: T, accounts, ...extra }, healthy: {}, since: times };
}

const broken = state([account("acme", ["hubspot", "copper"], "Acme"), account("globex", ["salesforce"])]);
const on = (action: DeskRequest["action"], linkedAccountId: string, slug?: string, more: object = {}) =>
  ({ action, sourceId: "prod", linkedAccountId, ...(slug === undefined ? {} : { slug }), ...more }) as DeskRequest;

function apply(file: DeskFile, member: string, request: DeskRequest, at = T, text?: string, current = broken): DeskFile {
  const outcome = act(file, member, request, "prod", current, at, text);
  if (!outcome.ok) throw new Error(`refused: ${outcome.refused}`);
  return outcome.changed ? outcome.file : file;
}

describe("the desk's rules", () => {
  it("lets one member claim a break, refuses another, and lets them take it over, naming whom from", () => {
    const claimed = apply(EMPTY_DESK, "alice", on("claim", "acme", "hubspot"));
    expect(claimed.claims).toEqual([{ source: "prod", account: "acme", app: "hubspot", member: "alice", at: T, broke: T - 1000, names: { account: "Acme", app: "HUBSPOT" } }]);
    expect(act(claimed, "bob", on("claim", "acme", "hubspot"), "prod", broken, T)).toEqual({ ok: false, refused: "claimed" });
    expect(act(claimed, "alice", on("claim", "acme", "hubspot"), "prod", broken, T)).toEqual({ ok: true, changed: false });
    const taken = act(claimed, "bob", on("take-over", "acme", "hubspot"), "prod", broken, T + 5);
    expect(taken).toMatchObject({ ok: true, changed: true, previous: "alice" });
    expect(taken.ok && taken.changed && taken.file.claims).toEqual([{ source: "prod", account: "acme", app: "hubspot", member: "bob", at: T + 5, broke: T - 1000, names: { account: "Acme", app: "HUBSPOT" }, from: "alice" }]);
    // A take-over of a break nobody is on is a claim.
    expect(act(EMPTY_DESK, "bob", on("take-over", "acme", "copper"), "prod", broken, T)).toMatchObject({ ok: true, changed: true });
  });

  it("lets only the claimer release, and anyone release nothing", () => {
    const claimed = apply(EMPTY_DESK, "alice", on("claim", "acme"));
    expect(act(claimed, "bob", on("release", "acme"), "prod", broken, T)).toEqual({ ok: false, refused: "not-yours" });
    expect(apply(claimed, "alice", on("release", "acme")).claims).toEqual([]);
    expect(act(EMPTY_DESK, "bob", on("release", "acme"), "prod", broken, T)).toEqual({ ok: true, changed: false });
    // Released after the fix, even though the break is gone.
    expect(apply(claimed, "alice", on("release", "acme"), T, undefined, state([])).claims).toEqual([]);
  });

  it("refuses what the relay does not list as broken", () => {
    expect(act(EMPTY_DESK, "alice", on("claim", "nobody"), "prod", broken, T)).toEqual({ ok: false, refused: "unknown-account" });
    expect(act(EMPTY_DESK, "alice", on("note", "acme", "slack"), "prod", broken, T, "x")).toEqual({ ok: false, refused: "app-not-reauth" });
    expect(act(EMPTY_DESK, "alice", on("mute", "healthy", undefined, { length: "hour" }), "prod", state([account("healthy", [])]), T)).toEqual({ ok: false, refused: "app-not-reauth" });
  });

  it("ends an app's claim, mute and note when it is fixed, or broken again since; keeps the claim as fixed for an hour", () => {
    let file = apply(EMPTY_DESK, "alice", on("claim", "acme", "hubspot"));
    file = apply(file, "bob", on("note", "acme", "hubspot", { text: "x" }), T, "on hold");
    file = apply(file, "bob", on("mute", "acme", "hubspot", { length: "week" }));
    const later = T + 60_000;
    // Broken again since: the same app with a new since is another break.
    const again = state([account("acme", ["hubspot", "copper"]), account("globex", ["salesforce"])], { acme: { hubspot: later } });
    expect(liveDesk(file, "prod", again, later)).toEqual({ claims: [], mutes: [], notes: [], fixed: [] });
    const fixed = settle(file, "prod", state([account("acme", ["copper"]), account("globex", ["salesforce"])]), later)!;
    expect(fixed.ended.map(({ kind, reason, entry }) => [kind, reason, entry.member])).toEqual([
      ["claim", "fixed", "alice"],
      ["mute", "fixed", "bob"],
      ["note", "fixed", "bob"],
    ]);
    expect(fixed.file.fixed).toEqual([{ source: "prod", account: "acme", app: "hubspot", member: "alice", since: T, at: later, names: { account: "Acme", app: "HUBSPOT" } }]);
    expect(expire(fixed.file, later + FIXED_KEPT_MS - 1)).toBeUndefined();
    expect(expire(fixed.file, later + FIXED_KEPT_MS)?.file.fixed).toEqual([]);
  });

  it("ends a whole account's claim only when nothing of the account is broken", () => {
    const file = apply(EMPTY_DESK, "alice", on("claim", "acme"));
    expect(settle(file, "prod", state([account("acme", ["copper"])]), T + 1)).toBeUndefined();
    expect(settle(file, "prod", state([account("acme", [])]), T + 1)?.ended).toEqual([{ kind: "claim", entry: { source: "prod", account: "acme", member: "alice" }, reason: "fixed" }]);
  });

  it("reads since-when by the account's and app's own IDs, even when an object inherits that name", () => {
    // No since-when kept for this account (a plain object, as the runner starts with): `constructor.name` is not one.
    const odd: SourceState = { ...broken, status: { ...broken.status, accounts: [account("constructor", ["name"])] }, since: {} };
    const file = apply(EMPTY_DESK, "alice", on("claim", "constructor", "name"), T, undefined, odd);
    expect(file.claims).toEqual([{ source: "prod", account: "constructor", app: "name", member: "alice", at: T, names: { app: "NAME" } }]);
  });

  it("leaves other sources' entries alone", () => {
    const file = apply(EMPTY_DESK, "alice", on("claim", "acme"));
    expect(settle(file, "test", state([]), T + 1)).toBeUndefined();
  });

  it("mutes until fixed the breaks there are, and a timed mute ends at its time", () => {
    const whole = apply(EMPTY_DESK, "alice", on("mute", "acme", undefined, { length: "fixed" }));
    expect(whole.mutes).toEqual([{ source: "prod", account: "acme", member: "alice", at: T, breaks: [{ slug: "hubspot", since: T - 1000 }, { slug: "copper", since: T - 1000 }] }]);
    // Another app breaking later is not covered; the mute lasts while one it covers is broken.
    const others = state([account("acme", ["copper", "zendesk"])]);
    expect(liveDesk(whole, "prod", others, T + 1).mutes).toHaveLength(1);
    expect(liveDesk(whole, "prod", state([account("acme", ["zendesk"])]), T + 1).mutes).toEqual([]);
    const hour = apply(EMPTY_DESK, "alice", on("mute", "acme", "hubspot", { length: "hour" }));
    expect(hour.mutes[0]?.until).toBe(T + 3_600_000);
    expect(liveDesk(hour, "prod", broken, T + 3_600_000).mutes).toEqual([]);
    expect(expire(hour, T + 3_600_000)?.ended).toEqual([{ kind: "mute", entry: { source: "prod", account: "acme", app: "hubspot", member: "alice" }, reason: "expired" }]);
    // Anyone unmutes; a mute by another member is replaced.
    expect(apply(hour, "bob", on("unmute", "acme", "hubspot")).mutes).toEqual([]);
    expect(apply(hour, "bob", on("mute", "acme", "hubspot", { length: "day" })).mutes.map((mute) => [mute.member, mute.until])).toEqual([["bob", T + 86_400_000]]);
  });

  it(`limits each member to ${DESK_MAX_PER_MEMBER} claims, mutes and notes at once, whatever others hold`, () => {
    const many = state(Array.from({ length: DESK_MAX_PER_MEMBER + 2 }, (_, i) => account(`a${i}`, ["x"])));
    let file = EMPTY_DESK;
    for (let i = 0; i < DESK_MAX_PER_MEMBER; i++) file = apply(file, "alice", on(i % 3 === 0 ? "claim" : "note", `a${i}`), T, "n", many);
    expect(act(file, "alice", on("claim", `a${DESK_MAX_PER_MEMBER}`), "prod", many, T)).toEqual({ ok: false, refused: "desk-full" });
    expect(act(file, "alice", on("mute", `a${DESK_MAX_PER_MEMBER}`, undefined, { length: "hour" }), "prod", many, T)).toEqual({ ok: false, refused: "desk-full" });
    // What frees a place, or changes one of hers, still works; another member is not limited by her.
    expect(act(file, "alice", on("note", "a1"), "prod", many, T, "changed")).toMatchObject({ ok: true, changed: true });
    expect(act(file, "bob", on("claim", `a${DESK_MAX_PER_MEMBER}`), "prod", many, T)).toMatchObject({ ok: true, changed: true });
    expect(act(file, "alice", on("release", "a0"), "prod", many, T)).toMatchObject({ ok: true, changed: true });
  });
});

describe("the desk as the relay keeps it", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  const log = (lines: string[]) => createLogger({ secrets: [], write: (line) => lines.push(line) });
  const source = (current: SourceState) => ({ id: "prod", state: current });

  it("writes each change before it answers, audits it, and reads it back after a restart", async () => {
    const records = new Records(new FileBackend(dir.path));
    const audit = new Audit(records);
    const desk = await Desk.open(records, audit, log([]), ["prod"], T);
    expect(await desk.act("alice", on("claim", "acme", "hubspot"), source(broken), T)).toEqual({ ok: true, changed: true });
    expect(JSON.parse(readFileSync(join(dir.path, "desk.json"), "utf8")).claims).toHaveLength(1);
    const again = await Desk.open(records, audit, log([]), ["prod"], T);
    expect(again.claimOn({ source: "prod", account: "acme", app: "hubspot" })?.member).toBe("alice");
    expect((await audit.read()).map((line: AuditLine) => ("action" in line ? line.action : ""))).toEqual(["claim"]);
  });

  it("answers with a failure and changes nothing when the change cannot be written", async () => {
    const backend = new FileBackend(dir.path);
    const records = new Records(backend);
    const desk = await Desk.open(records, new Audit(records), log([]), ["prod"], T);
    backend.write = () => Promise.reject(new Error("disk full"));
    await expect(desk.act("alice", on("claim", "acme"), source(broken), T)).rejects.toThrow("disk full");
    expect(desk.claimOn({ source: "prod", account: "acme" })).toBeUndefined();
  });

  it("ends nothing on a failed check of the whole source, which says nothing of its breaks", async () => {
    const records = new Records(new FileBackend(dir.path));
    const desk = await Desk.open(records, new Audit(records), log([]), ["prod"], T);
    await desk.act("alice", on("claim", "acme"), source(broken), T);
    await desk.settle(source(state([], {}, { error: { kind: "unauthorized", at: T } })), T + 1);
    await desk.settle(source({ ...state([]), status: { schemaVersion: STATUS_VERSION, source: "", accounts: [] } }), T + 1);
    expect(desk.claimOn({ source: "prod", account: "acme" })?.member).toBe("alice");
    await desk.settle(source(state([account("acme", [])])), T + 2);
    expect(desk.claimOn({ source: "prod", account: "acme" })).toBeUndefined();
    expect(desk.whoWasOn({ source: "prod", account: "acme" })).toEqual({ member: "alice", since: T });
  });

  it("drops, audited, the entries of a source it no longer serves", async () => {
    const records = new Records(new FileBackend(dir.path));
    const audit = new Audit(records);
    const desk = await Desk.open(records, audit, log([]), ["prod"], T);
    await desk.act("alice", on("claim", "acme"), source(broken), T);
    const reopened = await Desk.open(records, audit, log([]), ["test"], T + 1);
    expect(reopened.claimOn({ source: "prod", account: "acme" })).toBeUndefined();
    expect((await audit.read()).at(-1)).toMatchObject({ member: "alice", action: "claim-ended", source: "prod", reason: "source-gone" });
  });

  it("sets a desk it cannot read aside, whole, and starts empty, saying where; a damaged entry costs that entry alone", async () => {
    const records = new Records(new FileBackend(dir.path));
    writeFileSync(join(dir.path, "desk.json"), '{"version":1,"claims":[');
    const lines: string[] = [];
    const desk = await Desk.open(records, new Audit(records), log(lines), ["prod"], T);
    expect(desk.live(source(broken), T)).toEqual(EMPTY_DESK);
    expect(readFileSync(join(dir.path, `${DESK_SET_ASIDE}.json`), "utf8")).toBe('{"version":1,"claims":[');
    expect(lines.join("\n")).toMatch(/"event":"desk-unreadable".*line 1, column \d+\).*desk-unreadable\.json/);
    const good = { source: "prod", account: "acme", member: "alice", at: T, names: {} };
    writeFileSync(join(dir.path, "desk.json"), JSON.stringify({ version: 1, claims: [good, { source: "prod" }], mutes: [], notes: [{ text: 5 }], fixed: [] }));
    const partly = await Desk.open(records, new Audit(records), log(lines), ["prod"], T);
    expect(partly.claimOn({ source: "prod", account: "acme" })).toEqual(good);
    expect(lines.at(-1)).toMatch(/"event":"desk-entries-unreadable".*"entries":2/);
    expect(DESK.parse({ version: 2 })).toEqual({ ok: false, problem: "it does not have the expected shape" });
  });
});
