import { MEMBER_TOKEN_PREFIX } from "../../protocol/v1.ts";
import { z } from "../../../core/kit/zod.ts";
import { StoreFormatError, type DocumentKind, type Records } from "./records.ts";

/*
 * Team members and their tokens. A token is 32 random bytes, shown once when the member is added;
 * the relay keeps only its SHA-256. A slow password hash (bcrypt, scrypt) exists to make guessing
 * a *low-entropy* secret from its hash expensive; a 256-bit random token cannot be guessed from
 * its SHA-256 at any speed, so the fast hash costs nothing in safety and keeps every request cheap.
 * Web Crypto only, so the same code runs on Node and on Workers.
 */

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = new RegExp(`^${MEMBER_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;
const HASH_PATTERN = /^[0-9a-f]{64}$/;

const MembersFileSchema = z.object({
  version: z.literal(1),
  members: z.array(
    z.object({
      name: z.string(),
      tokenSha256: z.string().check(z.regex(HASH_PATTERN)),
      createdAt: z.string(),
    }),
  ),
});
type MembersFile = z.infer<typeof MembersFileSchema>;
export type Member = MembersFile["members"][number];

/** A member change that cannot be made: the name is taken or is not a name. Said as is to whoever asked. */
export class MembersFileError extends Error {
  override readonly name = "MembersFileError";
}

/** The members record, `{ version: 1, members: [{ name, tokenSha256, createdAt }] }`, indented (as the file on Node always was). */
export const MEMBERS: DocumentKind<MembersFile> = {
  name: "members",
  label: "the members file",
  empty: () => ({ version: 1, members: [] }),
  parse(raw) {
    const parsed = MembersFileSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, problem: `${describeIssue(parsed.error.issues[0])}; fix or remove it (removing it revokes every member)` };
    const names = new Set<string>();
    for (const [index, member] of parsed.data.members.entries()) {
      if (names.has(member.name)) return { ok: false, problem: `members[${index}] repeats the name of an earlier member; fix or remove it` };
      names.add(member.name);
    }
    return { ok: true, value: parsed.data };
  },
  encode: (file) => `${JSON.stringify(file, null, 2)}\n`,
};

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return "it does not have the expected shape";
  const path = issue.path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("").replace(/^\./, "") || "the top level";
  if (issue.code === "invalid_format") return `${path} is not a SHA-256 in hexadecimal (64 characters 0-9 a-f)`;
  if (issue.code === "invalid_type") return `${path} should be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}`;
  if (issue.code === "invalid_value") return `${path} should be ${issue.values.map((value) => JSON.stringify(value)).join(" or ")}`;
  return `${path} is not valid`;
}

export function generateToken(): string {
  return MEMBER_TOKEN_PREFIX + base64url(crypto.getRandomValues(new Uint8Array(TOKEN_BYTES)));
}

export async function hashToken(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function memberNameProblem(name: string): string | undefined {
  if (NAME_PATTERN.test(name)) return undefined;
  return "A member name is 1 to 64 letters, digits or . _ @ + - characters, starting with a letter or digit.";
}

/**
 * Whether `token` is one of `members`' tokens, and whose. Every stored hash is compared, each in
 * constant time, so neither the answer's timing nor how far a comparison got says anything.
 */
export async function findMember(members: readonly Member[], token: string): Promise<string | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const presented = await hashToken(token);
  let found: string | undefined;
  for (const member of members) if (sameText(presented, member.tokenSha256)) found ??= member.name;
  return found;
}

/** Equal strings of equal length, compared in time that depends on their length only. */
export function sameText(a: string, b: string): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ (i < b.length ? b.charCodeAt(i) : 0);
  return difference === 0;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * The members, read again whenever the record changes (its version is checked on every request:
 * for the file, a `stat` that costs microseconds), so `remove-member` revokes a token at once in
 * the running relay. Requests that arrive together while a change is read all wait for that
 * read: none is checked against a list that is not loaded yet. A record that turns unreadable
 * while the relay runs admits nobody (and says so); at start, the relay refuses to run (load).
 */
export class Members {
  #loaded: { version: string; members: Promise<Member[]> } | undefined;

  constructor(
    private readonly records: Records,
    private readonly onProblem: (problem: string) => void = () => {},
  ) {}

  get where(): string {
    return this.records.backend.where(MEMBERS.name);
  }

  /** Reads the members now; throws StoreFormatError (naming the record and what is wrong) when damaged. */
  async load(): Promise<number> {
    const { value, version } = await this.records.read(MEMBERS);
    this.#loaded = { version, members: Promise.resolve(value.members) };
    return value.members.length;
  }

  async verify(token: string): Promise<string | undefined> {
    return findMember(await this.#current(), token);
  }

  async list(): Promise<{ name: string; createdAt: string }[]> {
    const { value } = await this.records.read(MEMBERS);
    return value.members.map(({ name, createdAt }) => ({ name, createdAt }));
  }

  /** Adds a member and returns the token, which is stored nowhere: show it once. */
  async add(name: string, now = new Date()): Promise<{ token: string; createdAt: string }> {
    const problem = memberNameProblem(name);
    if (problem) throw new MembersFileError(problem);
    const token = generateToken();
    const member: Member = { name, tokenSha256: await hashToken(token), createdAt: now.toISOString() };
    return this.records.change(MEMBERS, (file) => {
      if (file.members.some((each) => each.name === name)) {
        throw new MembersFileError(`There is already a member named "${name}". Remove it first to issue a new token.`);
      }
      return { value: { ...file, members: [...file.members, member] }, result: { token, createdAt: member.createdAt } };
    });
  }

  /** Returns false when there was no such member. */
  remove(name: string): Promise<boolean> {
    return this.records.change(MEMBERS, (file) => {
      const kept = file.members.filter((member) => member.name !== name);
      if (kept.length === file.members.length) return { result: false };
      return { value: { ...file, members: kept }, result: true };
    });
  }

  /** The members as of now: one read per version of the record, shared by everyone who asks meanwhile. */
  async #current(): Promise<Member[]> {
    const version = await this.records.version(MEMBERS);
    if (this.#loaded?.version !== version) this.#loaded = { version, members: this.#read() };
    return this.#loaded.members;
  }

  async #read(): Promise<Member[]> {
    try {
      return (await this.records.read(MEMBERS)).value.members;
    } catch (error) {
      this.onProblem(error instanceof StoreFormatError ? error.message : `${this.where} could not be read.`);
      return [];
    }
  }
}
