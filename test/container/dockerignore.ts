import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";

/*
 * The build context Docker sends, as `.dockerignore` leaves it: the same reading of the file
 * (moby/patternmatcher's ignorefile.ReadAll), the same pattern language (its compile: `*`, `?`,
 * `[…]`, `**`, `\` escapes, exact, prefix and suffix shortcuts), the same rule that the last
 * matching pattern wins and that a pattern matching a parent folder matches everything under it
 * (MatchesUsingParentResults), and the same walk (the docker CLI's archive: an excluded folder
 * is skipped unless an exception pattern starts with its path, and is then walked into without
 * being sent itself). Symbolic links are listed as links, never followed.
 *
 * Where Docker's two builders differ (BuildKit also walks into an excluded folder for an
 * exception with a wildcard that could match below it), this follows the classic builder's
 * rule, which is the stricter: a context it computes is never larger than BuildKit's.
 */

export interface IgnorePattern {
  /** As cleaned by ReadAll and New: no leading `/`, no `!`. */
  text: string;
  exception: boolean;
  matches(path: string): boolean;
}

/** Go's filepath.Clean on a slash path: one slash between names, no `.`, `..` resolved where it can be, no trailing slash. */
export function goClean(path: string): string {
  if (path === "") return ".";
  const cleaned = posix.normalize(path);
  return cleaned.length > 1 && cleaned.endsWith("/") ? cleaned.slice(0, -1) : cleaned;
}

/** ignorefile.ReadAll: the patterns of a .dockerignore, in order. */
export function readIgnoreFile(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (const line of lines) {
    // A comment only when `#` is the line's very first character, as Docker reads it.
    if (line.startsWith("#")) continue;
    let pattern = line.trim();
    if (pattern === "") continue;
    const invert = pattern.startsWith("!");
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = goClean(pattern);
      if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

const REGEX_SPECIAL = new Set([...".+()|{}$"]);

/** patternmatcher's compile: the pattern as a test of a slash path. */
function compile(pattern: string): (path: string) => boolean {
  let regex = "^";
  let kind: "exact" | "prefix" | "suffix" | "regexp" = "exact";
  const chars = [...pattern];
  // `token` counts what Go's loop scans (a `**` or an escape is one turn), as its `i` does.
  for (let at = 0, token = 0; at < chars.length; at++, token++) {
    const ch = chars[at]!;
    if (ch === "*" && chars[at + 1] === "*") {
      at++;
      // `**/` is `**`.
      if (chars[at + 1] === "/") at++;
      if (at + 1 >= chars.length) {
        if (kind === "exact") kind = "prefix";
        else {
          regex += ".*";
          kind = "regexp";
        }
      } else {
        regex += "(.*/)?";
        kind = "regexp";
      }
      if (token === 0) kind = "suffix";
    } else if (ch === "*") {
      regex += "[^/]*";
      kind = "regexp";
    } else if (ch === "?") {
      regex += "[^/]";
      kind = "regexp";
    } else if (REGEX_SPECIAL.has(ch)) {
      regex += `\\${ch}`;
    } else if (ch === "\\") {
      // Never the last character: syntaxProblem refuses a trailing one.
      regex += `\\${chars[++at]}`;
      kind = "regexp";
    } else if (ch === "[" || ch === "]") {
      regex += ch;
      kind = "regexp";
    } else {
      regex += ch;
    }
  }
  return matcher(pattern, kind, regex);
}

function matcher(pattern: string, kind: "exact" | "prefix" | "suffix" | "regexp", regex: string): (path: string) => boolean {
  switch (kind) {
    case "exact":
      return (path) => path === pattern;
    case "prefix":
      return (path) => path.startsWith(pattern.slice(0, -2));
    case "suffix": {
      const suffix = pattern.slice(2);
      return (path) => path.endsWith(suffix) || (suffix.startsWith("/") && path === suffix.slice(1));
    }
    case "regexp": {
      let compiled: RegExp;
      try {
        compiled = new RegExp(`${regex}$`);
      } catch {
        throw new Error(`.dockerignore: bad pattern "${pattern}" (Docker refuses it too)`);
      }
      return (path) => compiled.test(path);
    }
  }
}

/** patternmatcher.New: each pattern cleaned once more and compiled; a lone `!` is an error, as in Docker. */
export function compilePatterns(patterns: readonly string[]): IgnorePattern[] {
  return patterns.flatMap((raw) => {
    let text = raw.trim();
    if (text === "") return [];
    text = goClean(text);
    const exception = text.startsWith("!");
    if (exception) {
      if (text.length === 1) throw new Error('.dockerignore: illegal exclusion pattern: "!"');
      text = text.slice(1);
    }
    const problem = syntaxProblem(text);
    if (problem) throw new Error(`.dockerignore: syntax error in pattern "${text}": ${problem} (Docker refuses the build too)`);
    return [{ text, exception, matches: compile(text) }];
  });
}

/**
 * What Go's filepath.Match refuses (New checks every pattern with it): a trailing `\\`, and a
 * character class that is unclosed, empty, or has a bare `-` or `]` where a character belongs.
 */
export function syntaxProblem(pattern: string): string | undefined {
  const chars = [...pattern];
  for (let at = 0; at < chars.length; at++) {
    if (chars[at] === "\\") {
      if (++at >= chars.length) return "it ends with a lone \\";
    } else if (chars[at] === "[") {
      const end = classEnd(chars, at + 1);
      if (end === undefined) return "a character class is malformed";
      at = end;
    }
  }
  return undefined;
}

/** Where the class opened before `from` ends (its `]`), as Go's matchChunk reads it; undefined when malformed. */
function classEnd(chars: readonly string[], from: number): number | undefined {
  let at = from;
  if (chars[at] === "^") at++;
  for (let ranges = 0; ; ranges++) {
    if (chars[at] === "]" && ranges > 0) return at;
    const lo = escapedChar(chars, at);
    if (lo === undefined) return undefined;
    at = lo;
    if (chars[at] === "-") {
      const hi = escapedChar(chars, at + 1);
      if (hi === undefined) return undefined;
      at = hi;
    }
  }
}

/** Go's getEsc: one class character at `at` (maybe escaped); where the class goes on, or undefined. */
function escapedChar(chars: readonly string[], at: number): number | undefined {
  const ch = chars[at];
  if (ch === undefined || ch === "-" || ch === "]") return undefined;
  const next = ch === "\\" ? at + 2 : at + 1;
  if (ch === "\\" && chars[at + 1] === undefined) return undefined;
  return next < chars.length ? next : undefined;
}

/**
 * MatchesUsingParentResults: whether `path` is left out, given which patterns its parent folder
 * matched (a pattern that matched the parent matches the child). Returns the child's own list.
 */
export function matchPath(patterns: readonly IgnorePattern[], path: string, parentMatched: readonly boolean[] | undefined): { excluded: boolean; matched: boolean[] } {
  let excluded = false;
  const matched = patterns.map(() => false);
  patterns.forEach((pattern, i) => {
    let match = parentMatched?.[i] ?? false;
    if (!match) {
      // An inclusion cannot change a path already left out, nor an exception one not left out.
      if (pattern.exception !== excluded) return;
      match = pattern.matches(path);
      if (!match && parentMatched === undefined) match = parentsOf(path).some((parent) => pattern.matches(parent));
    }
    matched[i] = match;
    if (match) excluded = !pattern.exception;
  });
  return { excluded, matched };
}

function parentsOf(path: string): string[] {
  const parts = path.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

export interface ContextEntry {
  /** Slash path relative to the context. */
  path: string;
  kind: "file" | "dir" | "symlink";
}

/** Every entry Docker puts into the build context of `root`, in walk order (parents first). */
export function buildContext(root: string): ContextEntry[] {
  let ignoreText = "";
  try {
    ignoreText = readFileSync(join(root, ".dockerignore"), "utf8");
  } catch {
    // No .dockerignore: the whole folder is sent.
  }
  const patterns = compilePatterns(readIgnoreFile(ignoreText));
  const entries: ContextEntry[] = [];
  const walk = (dir: string, parentMatched: readonly boolean[] | undefined) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = dir === "" ? name : `${dir}/${name}`;
      const stat = lstatSync(join(root, path));
      const kind = stat.isSymbolicLink() ? "symlink" : stat.isDirectory() ? "dir" : "file";
      const { excluded, matched } = matchPath(patterns, path, parentMatched);
      if (excluded) {
        if (kind === "dir" && exceptionBelow(patterns, path)) walk(path, matched);
        continue;
      }
      entries.push({ path, kind });
      if (kind === "dir") walk(path, matched);
    }
  };
  walk("", undefined);
  return entries;
}

/** The classic builder walks into a left-out folder only for an exception pattern that starts with its path. */
function exceptionBelow(patterns: readonly IgnorePattern[], dir: string): boolean {
  return patterns.some((pattern) => pattern.exception && `${pattern.text}/`.startsWith(`${dir}/`));
}
