import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SourceFile } from "./sources.ts";

/*
 * File names that comments mention: a comment that sends the reader to a file that no longer
 * exists (after a move or a rename) misleads more than no comment at all.
 */

const PATH = /(?<![\w./@-])((?:[\w.-]+\/)*[\w-]+\.(?:tsx?|json|md|css|html))\b/g;

/** Every file of the repository, by its path from the root, to match a comment's partial path against. */
export function missingPaths(file: SourceFile, comments: readonly { value: string; start: number }[], repository: readonly string[]): string[] {
  const found: string[] = [];
  for (const comment of comments) {
    for (const match of comment.value.matchAll(PATH)) {
      const mentioned = match[1]!;
      if (/^(e\.g|i\.e)\./.test(mentioned) || mentioned.includes("*")) continue;
      const near = join(dirname(file.path), mentioned);
      const known = existsSync(near) || existsSync(mentioned) || repository.some((path) => path === mentioned || path.endsWith(`/${mentioned}`));
      if (!known) found.push(`${file.path}:${file.line(comment.start)} names ${mentioned}`);
    }
  }
  return found;
}
