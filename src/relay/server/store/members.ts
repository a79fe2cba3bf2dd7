import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { MEMBER_TOKEN_PREFIX } from "../../protocol/v1.ts";
import { z } from "../../../core/kit/zod.ts";
import { withFileLock, writeFileAtomic } from "../base/files.ts";

/*
 * Team members and their tokens. A token is 32 random bytes, shown once when the member is added;
 * the relay keeps only its SHA-256. A slow password hash (bcrypt, scrypt) exists to make guessing
 * a *low-entropy* secret from its hash expensive; a 256-bit random token cannot be guessed from
 * its SHA-256 at any speed, so the fast hash costs nothing in safety and keeps every request cheap.
 */

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = new RegExp(`^${MEMBER_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$/;

const MembersFileSchema = z.object({
  version: z.literal(1),
  members: z.array(
    z.object({
      name: z.string(),
      tokenSha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
      createdAt: z.string(),
    }),
  ),
});
type MembersFile = z.infer<typeof MembersFileSchema>;
export type Member = MembersFile["members"][number];

export class MembersFileError extends Error {
  override readonly name = "MembersFileError";
}

export function generateToken(): string {
  return MEMBER_TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function memberNameProblem(name: string): string | undefined {
  if (NAME_PATTERN.test(name)) return undefined;
  return "A member name is 1 to 64 letters, digits or . _ @ + - characters, starting with a letter or digit.";
}

/**
 * Whether `token` is one of `members`' tokens, and whose. Every stored hash is compared, each in
 * constant time, so neither the answer's timing nor how far a comparison got says anything.
 */
export function findMember(members: readonly Member[], token: string): string | undefined {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const presented = Buffer.from(hashToken(token), "hex");
  let found: string | undefined;
  for (const member of members) {
    if (timingSafeEqual(presented, Buffer.from(member.tokenSha256, "hex"))) found ??= member.name;
  }
  return found;
}

/**
 * The members file beside the config, read again whenever it changes on disk (checked on every
 * request by its modification time, size and inode: a `stat` costs microseconds), so
 * `remove-member` revokes a token at once in the running relay. An unreadable file admits nobody.
 */
export class MemberStore {
  readonly #path: string;
  #members: Member[] = [];
  #seen = "";
  #onProblem: (problem: string) => void;

  constructor(path: string, onProblem: (problem: string) => void = () => {}) {
    this.#path = path;
    this.#onProblem = onProblem;
  }

  get path(): string {
    return this.#path;
  }

  async verify(token: string): Promise<string | undefined> {
    await this.#refresh();
    return findMember(this.#members, token);
  }

  async list(): Promise<{ name: string; createdAt: string }[]> {
    const file = await this.#readStrict();
    return file.members.map(({ name, createdAt }) => ({ name, createdAt }));
  }

  /** Adds a member and returns the token, which is stored nowhere: show it once. */
  async add(name: string, now = new Date()): Promise<string> {
    const problem = memberNameProblem(name);
    if (problem) throw new MembersFileError(problem);
    return withFileLock(this.#path, async () => {
      const file = await this.#readStrict();
      if (file.members.some((member) => member.name === name)) {
        throw new MembersFileError(`There is already a member named "${name}". Remove it first to issue a new token.`);
      }
      const token = generateToken();
      file.members.push({ name, tokenSha256: hashToken(token), createdAt: now.toISOString() });
      await this.#write(file);
      return token;
    });
  }

  /** Returns false when there was no such member. */
  async remove(name: string): Promise<boolean> {
    return withFileLock(this.#path, async () => {
      const file = await this.#readStrict();
      const kept = file.members.filter((member) => member.name !== name);
      if (kept.length === file.members.length) return false;
      await this.#write({ ...file, members: kept });
      return true;
    });
  }

  async #refresh(): Promise<void> {
    let signature: string;
    try {
      const info = await stat(this.#path);
      signature = `${info.mtimeMs}:${info.size}:${info.ino}`;
    } catch {
      signature = "missing";
    }
    if (signature === this.#seen) return;
    this.#seen = signature;
    try {
      this.#members = (await this.#readStrict()).members;
    } catch (error) {
      this.#members = [];
      this.#onProblem(error instanceof MembersFileError ? error.message : "The members file could not be read.");
    }
  }

  async #readStrict(): Promise<MembersFile> {
    let text: string;
    try {
      text = await readFile(this.#path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, members: [] };
      throw new MembersFileError(`The members file ${this.#path} could not be read (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new MembersFileError(`The members file ${this.#path} is not valid JSON; fix or remove it (removing it revokes every member).`);
    }
    const parsed = MembersFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new MembersFileError(`The members file ${this.#path} does not have the expected shape; fix or remove it (removing it revokes every member).`);
    }
    return parsed.data;
  }

  async #write(file: MembersFile): Promise<void> {
    await writeFileAtomic(this.#path, `${JSON.stringify(file, null, 2)}\n`);
  }
}
