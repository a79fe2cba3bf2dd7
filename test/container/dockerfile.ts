/*
 * A Dockerfile read the way Docker's parser reads it (parser directives, `#` comments, `\` line
 * continuations, JSON and shell forms, flags), into stages of instructions. Only what the
 * relay's Dockerfile uses is understood; anything else stops with the line and what to do, so a
 * new instruction cannot slip past the image test unmodelled.
 */

export interface Instruction {
  /** 1-based line where the instruction starts. */
  line: number;
  keyword: string;
  /** `--name=value` flags before the arguments. */
  flags: Record<string, string>;
  /** The arguments after the flags, as written (continuations joined). */
  rest: string;
  /** The exec (JSON array) form, when the arguments are one. */
  exec?: string[];
}

export interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

export class DockerfileError extends Error {
  override readonly name = "DockerfileError";
}

/** What the image test models; any other keyword is refused with its line. */
const KNOWN = new Set(["FROM", "WORKDIR", "COPY", "RUN", "ENV", "USER", "VOLUME", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT", "CMD", "LABEL"]);
/** Where Docker expands $VARIABLES in the arguments: the test does not, so it refuses a `$` there. */
const EXPANDED = new Set(["FROM", "WORKDIR", "COPY", "ENV", "USER", "VOLUME", "EXPOSE", "LABEL"]);

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const { line, content } of logicalLines(text)) {
    const match = /^(\S+)\s*([\s\S]*)$/.exec(content)!;
    const keyword = match[1]!.toUpperCase();
    if (!KNOWN.has(keyword)) throw new DockerfileError(`Dockerfile:${line}: the image test does not model ${keyword}; teach test/container/ what Docker does with it`);
    const instruction = parseInstruction(line, keyword, match[2]!);
    if (keyword === "FROM") {
      stages.push(fromStage(instruction));
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new DockerfileError(`Dockerfile:${line}: ${keyword} before any FROM`);
    stage.instructions.push(instruction);
  }
  if (stages.length === 0) throw new DockerfileError("Dockerfile: no FROM");
  return stages;
}

/** Lines as the parser sees them: directives checked, comments and blank lines dropped, continuations joined. */
function logicalLines(text: string): { line: number; content: string }[] {
  const lines = text.split(/\r?\n/);
  let at = 0;
  // Parser directives: `# name=value` lines at the very top.
  for (; at < lines.length; at++) {
    const directive = /^#\s*([A-Za-z]+)\s*=\s*(.*?)\s*$/.exec(lines[at]!);
    if (!directive) break;
    if (directive[1]!.toLowerCase() === "escape" && directive[2] !== "\\") throw new DockerfileError(`Dockerfile:${at + 1}: the image test reads only the default escape character \\`);
  }
  const out: { line: number; content: string }[] = [];
  let current: { line: number; content: string } | undefined;
  for (; at < lines.length; at++) {
    const raw = lines[at]!;
    const trimmed = raw.trim();
    // Comments and blank lines go, inside a continuation too.
    if (trimmed.startsWith("#") || trimmed === "") continue;
    const continues = /\\\s*$/.test(raw);
    const piece = continues ? raw.replace(/\\\s*$/, "") : raw;
    if (current) current.content += piece;
    else current = { line: at + 1, content: piece.trimStart() };
    if (!continues) {
      out.push({ line: current.line, content: current.content.trim() });
      current = undefined;
    }
  }
  if (current) throw new DockerfileError(`Dockerfile:${current.line}: the last instruction ends with a continuation`);
  return out;
}

function parseInstruction(line: number, keyword: string, args: string): Instruction {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); flag; flag = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[flag[1]!] = flag[2] ?? "true";
    rest = rest.slice(flag[0].length);
  }
  if (rest.includes("<<")) throw new DockerfileError(`Dockerfile:${line}: the image test does not model here-documents`);
  if (EXPANDED.has(keyword) && rest.includes("$")) throw new DockerfileError(`Dockerfile:${line}: the image test does not expand variables (${keyword} ${rest})`);
  const instruction: Instruction = { line, keyword, flags, rest };
  const exec = execForm(rest);
  if (exec) instruction.exec = exec;
  return instruction;
}

/** The JSON array form, as Docker takes it: an array of strings, else the argument is shell form. */
function execForm(rest: string): string[] | undefined {
  if (!rest.startsWith("[")) return undefined;
  try {
    const parsed: unknown = JSON.parse(rest);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function fromStage(instruction: Instruction): Stage {
  const unknown = Object.keys(instruction.flags);
  if (unknown.length > 0) throw new DockerfileError(`Dockerfile:${instruction.line}: the image test does not model FROM --${unknown[0]}`);
  const parts = instruction.rest.split(/\s+/);
  if (parts.length === 1) return { base: parts[0]!, instructions: [] };
  if (parts.length === 3 && parts[1]!.toUpperCase() === "AS") return { base: parts[0]!, name: parts[2]!, instructions: [] };
  throw new DockerfileError(`Dockerfile:${instruction.line}: FROM ${instruction.rest} is not "FROM image [AS name]"`);
}

/** ENV's `key=value …` pairs (quotes and backslash escapes as the shell-like lexer reads them), or the legacy `ENV key value`. */
export function parseEnv(instruction: Instruction): Record<string, string> {
  const text = instruction.rest;
  const firstWord = /^\S+/.exec(text)?.[0] ?? "";
  if (!firstWord.includes("=")) {
    const legacy = /^(\S+)\s+([\s\S]*)$/.exec(text);
    if (!legacy) throw new DockerfileError(`Dockerfile:${instruction.line}: ENV needs a value`);
    return { [legacy[1]!]: legacy[2]! };
  }
  const env: Record<string, string> = {};
  for (const word of shellWords(text, instruction.line)) {
    const cut = word.indexOf("=");
    if (cut <= 0) throw new DockerfileError(`Dockerfile:${instruction.line}: ENV ${word} is not name=value`);
    env[word.slice(0, cut)] = word.slice(cut + 1);
  }
  return env;
}

function shellWords(text: string, line: number): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let at = 0; at < text.length; at++) {
    const ch = text[at]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === "\\" && quote === '"' && at + 1 < text.length) word = (word ?? "") + text[++at];
      else word = (word ?? "") + ch;
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= "";
    } else if (ch === "\\" && at + 1 < text.length) {
      word = (word ?? "") + text[++at];
    } else word = (word ?? "") + ch;
  }
  if (quote) throw new DockerfileError(`Dockerfile:${line}: an unclosed ${quote}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** HEALTHCHECK [options] CMD … | NONE: the command in exec form, and the options. */
export function parseHealthcheck(instruction: Instruction): { options: Record<string, string>; command: string[] } | "none" {
  if (/^NONE$/i.test(instruction.rest)) return "none";
  const cmd = /^CMD\s+([\s\S]*)$/i.exec(instruction.rest);
  if (!cmd) throw new DockerfileError(`Dockerfile:${instruction.line}: HEALTHCHECK must be NONE or [options] CMD command`);
  const exec = execForm(cmd[1]!);
  const known = new Set(["interval", "timeout", "start-period", "start-interval", "retries"]);
  for (const flag of Object.keys(instruction.flags)) if (!known.has(flag)) throw new DockerfileError(`Dockerfile:${instruction.line}: HEALTHCHECK --${flag} is not an option Docker knows`);
  // The shell form runs under /bin/sh -c, as Docker runs it.
  return { options: instruction.flags, command: exec ?? ["/bin/sh", "-c", cmd[1]!] };
}
