import type { AccountStatus } from "../../../core/status/model.ts";
import { own } from "../../../core/kit/dict.ts";
import type { DeskMuteLength, DeskRequest } from "../../protocol/desk.ts";
import type { SourceState } from "../check/runner.ts";

/*
 * The desk's rules, as pure functions over what it holds (a DeskFile) and a source's state: who
 * may claim, release, take over, mute, unmute and write a note, within which limits, and when each
 * of them ends. desk.ts keeps the file and writes it; these decide.
 *
 * Every entry names its break: a source, a linked account and (for an app) its slug, with the
 * time the relay first saw that app broken (`broke`, its since). An entry ends when its break
 * ends: the app is no longer listed as needing re-authentication, or it broke again since (another
 * since); a whole account's entry when the account has no app to fix. A timed mute also ends at
 * its time. A claim ended by a fix is kept as `fixed` for FIXED_KEPT_MS, so the row can say who
 * was on it.
 */

export const FIXED_KEPT_MS = 60 * 60_000;
/** Claims, mutes and notes one member may have at once. */
export const DESK_MAX_PER_MEMBER = 200;

const MUTE_MS: Record<Exclude<DeskMuteLength, "fixed">, number> = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

export interface DeskScope {
  source: string;
  account: string;
  /** Absent: the whole linked account. */
  app?: string;
}

/** Names kept with a claim, for the row that says it was fixed once it has left the status. */
export interface DeskNames {
  account?: string;
  app?: string;
}

interface Entry extends DeskScope {
  member: string;
  /** When it was made (a claim: since when its member is on it). */
  at: number;
  /** For an app: the since of the break it was made for. */
  broke?: number;
}

export interface DeskClaim extends Entry {
  /** Whom it was taken over from. */
  from?: string;
  names: DeskNames;
}

export interface DeskMute extends Entry {
  until?: number;
  /** Until fixed: the breaks it covers, as core/alerts/mutes.ts keeps them. */
  breaks?: { slug: string; since?: number }[];
}

export interface DeskNote extends Entry {
  text: string;
}

export interface DeskFixed extends DeskScope {
  member: string;
  /** Since when they were on it. */
  since: number;
  /** When the fix was seen. */
  at: number;
  names: DeskNames;
}

export interface DeskFile {
  claims: DeskClaim[];
  mutes: DeskMute[];
  notes: DeskNote[];
  fixed: DeskFixed[];
}

export const EMPTY_DESK: DeskFile = { claims: [], mutes: [], notes: [], fixed: [] };

export type DeskKind = "claim" | "mute" | "note";
export type EndReason = "fixed" | "expired" | "source-gone";

/** Something that ended by itself, for the audit log. */
export interface Ended {
  kind: DeskKind;
  entry: DeskScope & { member: string };
  reason: EndReason;
}

export type DeskRefusal = "unknown-account" | "app-not-reauth" | "claimed" | "not-yours" | "desk-full" | "note-too-long";

export type ActOutcome =
  | { ok: true; changed: false }
  | { ok: true; changed: true; file: DeskFile; previous?: string }
  | { ok: false; refused: DeskRefusal };

/** The break as it is now, if it still is one. */
interface BreakNow {
  account: AccountStatus;
  /** For an app: since when the relay has seen it broken. */
  since?: number;
}

export const sameScope = (a: DeskScope, b: DeskScope) => a.source === b.source && a.account === b.account && a.app === b.app;

/** The claim on exactly this break, if any: what a notice of a fix (who was on it) asks. */
export function claimOn(file: DeskFile, scope: DeskScope): DeskClaim | undefined {
  return file.claims.find((claim) => sameScope(claim, scope));
}

/** Who was on this break: its claim, or the one a fix ended within FIXED_KEPT_MS. */
export function whoWasOn(file: DeskFile, scope: DeskScope): { member: string; since: number } | undefined {
  const claim = claimOn(file, scope);
  if (claim) return { member: claim.member, since: claim.at };
  const fixed = file.fixed.find((entry) => sameScope(entry, scope));
  return fixed && { member: fixed.member, since: fixed.since };
}

/** A lookup of the source's accounts by id, of those `wanted` only (a large org has many). */
export function accountsById(state: SourceState, wanted: ReadonlySet<string>): Map<string, AccountStatus> {
  const found = new Map<string, AccountStatus>();
  if (wanted.size === 0) return found;
  for (const account of state.status.accounts) if (wanted.has(account.id)) found.set(account.id, account);
  return found;
}

function breakNow(state: SourceState, accounts: ReadonlyMap<string, AccountStatus>, account: string, app: string | undefined): BreakNow | undefined {
  const found = accounts.get(account);
  if (!found || found.reauth.length === 0) return undefined;
  if (app === undefined) return { account: found };
  if (!found.reauth.some((each) => each.slug === app)) return undefined;
  // Read by own property: an account or app may be called "constructor" or "__proto__".
  const apps = own(state.since, account);
  const since = apps === undefined ? undefined : own(apps, app);
  return since === undefined ? { account: found } : { account: found, since };
}

/** Whether an entry's break is still broken (the same break: an app broken again since is another). */
function stillBroken(entry: Entry, state: SourceState, accounts: ReadonlyMap<string, AccountStatus>): boolean {
  const found = breakNow(state, accounts, entry.account, entry.app);
  if (!found) return false;
  return entry.broke === undefined || found.since === undefined || found.since === entry.broke;
}

function muteEnd(mute: DeskMute, state: SourceState, accounts: ReadonlyMap<string, AccountStatus>, now: number): EndReason | undefined {
  if (mute.until !== undefined && now >= mute.until) return "expired";
  if (mute.breaks) {
    const account = accounts.get(mute.account);
    const broken = mute.breaks.some((each) => account?.reauth.some((app) => app.slug === each.slug && (each.since === undefined || state.since[mute.account]?.[app.slug] === each.since)));
    return broken ? undefined : "fixed";
  }
  return stillBroken(mute, state, accounts) ? undefined : "fixed";
}

/** What of a source's desk is live now: shown to members as it is, whatever has been written yet. */
export function liveDesk(file: DeskFile, sourceId: string, state: SourceState, now: number): DeskFile {
  const own = <T extends DeskScope>(list: readonly T[]) => list.filter((entry) => entry.source === sourceId);
  const claims = own(file.claims);
  const mutes = own(file.mutes);
  const notes = own(file.notes);
  const accounts = accountsById(state, new Set([...claims, ...mutes, ...notes].map((entry) => entry.account)));
  return {
    claims: claims.filter((claim) => stillBroken(claim, state, accounts)),
    mutes: mutes.filter((mute) => muteEnd(mute, state, accounts, now) === undefined),
    notes: notes.filter((note) => stillBroken(note, state, accounts)),
    fixed: own(file.fixed).filter((entry) => now < entry.at + FIXED_KEPT_MS),
  };
}

/**
 * After a check of a source: its entries whose break ended go, and each claim a fix ended is kept
 * as fixed (who, since when, seen fixed now). Undefined when nothing ended.
 */
export function settle(file: DeskFile, sourceId: string, state: SourceState, now: number): { file: DeskFile; ended: Ended[] } | undefined {
  const live = liveDesk(file, sourceId, state, now);
  const ended: Ended[] = [];
  const gone = <T extends Entry>(kind: DeskKind, list: readonly T[], kept: readonly T[], reason: (entry: T) => EndReason) =>
    list.filter((entry) => entry.source === sourceId && !kept.includes(entry)).map((entry) => (ended.push({ kind, entry: scopeOf(entry), reason: reason(entry) }), entry));
  const claimsGone = gone("claim", file.claims, live.claims, () => "fixed");
  gone("mute", file.mutes, live.mutes, (mute) => (mute.until !== undefined && now >= mute.until ? "expired" : "fixed"));
  gone("note", file.notes, live.notes, () => "fixed");
  const fixedGone = file.fixed.filter((entry) => entry.source === sourceId && !live.fixed.includes(entry));
  if (ended.length === 0 && fixedGone.length === 0) return undefined;
  const others = <T extends DeskScope>(list: readonly T[]) => list.filter((entry) => entry.source !== sourceId);
  const newlyFixed = claimsGone.map((claim): DeskFixed => ({ ...scopeOf(claim), member: claim.member, since: claim.at, at: now, names: claim.names }));
  const fixed = [...others(file.fixed), ...live.fixed.filter((entry) => !newlyFixed.some((added) => sameScope(added, entry))), ...newlyFixed];
  return { file: { claims: [...others(file.claims), ...live.claims], mutes: [...others(file.mutes), ...live.mutes], notes: [...others(file.notes), ...live.notes], fixed }, ended };
}

/** Timed mutes whose time is up, and fixed rows kept long enough: what ends by the clock alone. */
export function expire(file: DeskFile, now: number): { file: DeskFile; ended: Ended[] } | undefined {
  const expired = file.mutes.filter((mute) => mute.until !== undefined && now >= mute.until);
  const stale = file.fixed.filter((entry) => now >= entry.at + FIXED_KEPT_MS);
  if (expired.length === 0 && stale.length === 0) return undefined;
  return {
    file: { ...file, mutes: file.mutes.filter((mute) => !expired.includes(mute)), fixed: file.fixed.filter((entry) => !stale.includes(entry)) },
    ended: expired.map((mute) => ({ kind: "mute", entry: scopeOf(mute), reason: "expired" })),
  };
}

/** When the clock next ends something (a timed mute, a fixed row); undefined: nothing will. */
export function nextEnd(file: DeskFile): number | undefined {
  const ends = [...file.mutes.flatMap((mute) => (mute.until === undefined ? [] : [mute.until])), ...file.fixed.map((entry) => entry.at + FIXED_KEPT_MS)];
  return ends.length === 0 ? undefined : Math.min(...ends);
}

/** The entries of sources the relay no longer serves: they go at start, audited. */
export function withoutSources(file: DeskFile, served: ReadonlySet<string>): { file: DeskFile; ended: Ended[] } | undefined {
  const keep = <T extends DeskScope>(list: readonly T[]) => list.filter((entry) => served.has(entry.source));
  const ended: Ended[] = [];
  for (const [kind, list] of [["claim", file.claims], ["mute", file.mutes], ["note", file.notes]] as const) {
    for (const entry of list) if (!served.has(entry.source)) ended.push({ kind, entry: scopeOf(entry), reason: "source-gone" });
  }
  const kept = { claims: keep(file.claims), mutes: keep(file.mutes), notes: keep(file.notes), fixed: keep(file.fixed) };
  return ended.length === 0 && kept.fixed.length === file.fixed.length ? undefined : { file: kept, ended };
}

function scopeOf(entry: DeskScope & { member?: string }): DeskScope & { member: string } {
  const scope: DeskScope & { member: string } = { source: entry.source, account: entry.account, member: entry.member ?? "" };
  if (entry.app !== undefined) scope.app = entry.app;
  return scope;
}

/** What a request is about, and the break as it is now; a refusal when there is no such break. */
function target(request: DeskRequest, state: SourceState): { scope: DeskScope; found: BreakNow; names: DeskNames } | { refused: "unknown-account" | "app-not-reauth" } {
  const account = state.status.accounts.find((each) => each.id === request.linkedAccountId);
  if (!account) return { refused: "unknown-account" };
  const scope: DeskScope = { source: "", account: account.id };
  const names: DeskNames = account.name === undefined ? {} : { account: account.name };
  if (request.slug !== undefined) {
    const app = account.reauth.find((each) => each.slug === request.slug);
    if (!app) return { refused: "app-not-reauth" };
    scope.app = app.slug;
    names.app = app.name;
  } else if (account.reauth.length === 0) return { refused: "app-not-reauth" };
  const found = breakNow(state, new Map([[account.id, account]]), account.id, scope.app);
  return found ? { scope, found, names } : { refused: "app-not-reauth" };
}

/** How many claims, mutes and notes a member has. */
function held(file: DeskFile, member: string): number {
  const mine = (list: readonly { member: string }[]) => list.filter((entry) => entry.member === member).length;
  return mine(file.claims) + mine(file.mutes) + mine(file.notes);
}

/** One member's action on a break of the source `sourceId` whose state is `state`. */
export function act(file: DeskFile, member: string, request: DeskRequest, sourceId: string, state: SourceState, now: number, text?: string): ActOutcome {
  const aimed = target(request, state);
  // Releasing or unmuting asks nothing of the break: a member may let go of what has just been fixed.
  if ("refused" in aimed && request.action !== "release" && request.action !== "unmute") return { ok: false, refused: aimed.refused };
  const scope: DeskScope = "refused" in aimed ? { source: sourceId, account: request.linkedAccountId, ...(request.slug === undefined ? {} : { app: request.slug }) } : { ...aimed.scope, source: sourceId };
  const base = { ...scope, member, at: now, ...("refused" in aimed || aimed.found.since === undefined ? {} : { broke: aimed.found.since }) };
  const full = held(file, member) >= DESK_MAX_PER_MEMBER;
  switch (request.action) {
    case "claim":
    case "take-over":
      return claim(file, base, "refused" in aimed ? {} : aimed.names, request.action === "take-over", full);
    case "release":
      return release(file, scope, member);
    case "mute":
      if ("refused" in aimed) return { ok: false, refused: aimed.refused };
      return muteBreak(file, { ...base }, request.length, aimed.found, state, full);
    case "unmute": {
      const kept = file.mutes.filter((mute) => !sameScope(mute, scope));
      return kept.length === file.mutes.length ? { ok: true, changed: false } : { ok: true, changed: true, file: { ...file, mutes: kept } };
    }
    case "note":
      return note(file, base, text ?? "", full);
  }
}

function claim(file: DeskFile, base: Entry, names: DeskNames, takeOver: boolean, full: boolean): ActOutcome {
  const current = claimOn(file, base);
  if (current?.member === base.member) return { ok: true, changed: false };
  if (current && !takeOver) return { ok: false, refused: "claimed" };
  if (full) return { ok: false, refused: "desk-full" };
  const next: DeskClaim = { ...base, names, ...(current ? { from: current.member } : {}) };
  const claims = [...file.claims.filter((each) => each !== current), next];
  return current ? { ok: true, changed: true, file: { ...file, claims }, previous: current.member } : { ok: true, changed: true, file: { ...file, claims } };
}

function release(file: DeskFile, scope: DeskScope, member: string): ActOutcome {
  const current = claimOn(file, scope);
  if (!current) return { ok: true, changed: false };
  if (current.member !== member) return { ok: false, refused: "not-yours" };
  return { ok: true, changed: true, file: { ...file, claims: file.claims.filter((each) => each !== current) } };
}

/** A team mute replaces the break's mute, whoever set it; until fixed, it covers the breaks there are now. */
function muteBreak(file: DeskFile, base: Entry, length: DeskMuteLength, found: BreakNow, state: SourceState, full: boolean): ActOutcome {
  const current = file.mutes.find((mute) => sameScope(mute, base));
  if (full && current?.member !== base.member) return { ok: false, refused: "desk-full" };
  const next: DeskMute = { ...base };
  if (length === "fixed") {
    const apps = found.account.reauth.filter((app) => base.app === undefined || app.slug === base.app);
    next.breaks = apps.map((app) => {
      const since = state.since[base.account]?.[app.slug];
      return since === undefined ? { slug: app.slug } : { slug: app.slug, since };
    });
  } else next.until = base.at + MUTE_MS[length];
  return { ok: true, changed: true, file: { ...file, mutes: [...file.mutes.filter((each) => each !== current), next] } };
}

/** A note replaces the break's note, whoever wrote it; an empty one removes it. */
function note(file: DeskFile, base: Entry, text: string, full: boolean): ActOutcome {
  const current = file.notes.find((each) => sameScope(each, base));
  if (text === "") return current ? { ok: true, changed: true, file: { ...file, notes: file.notes.filter((each) => each !== current) } } : { ok: true, changed: false };
  if (current?.text === text && current.member === base.member) return { ok: true, changed: false };
  if (full && current?.member !== base.member) return { ok: false, refused: "desk-full" };
  return { ok: true, changed: true, file: { ...file, notes: [...file.notes.filter((each) => each !== current), { ...base, text }] } };
}
