import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildContext, compilePatterns, matchPath, readIgnoreFile } from "./dockerignore.ts";

// Cases from moby/patternmatcher's own tests and from Docker's documentation of .dockerignore.

/** Whether Docker leaves `path` out, judged alone (MatchesUsingParentResults with no parent results). */
const excluded = (patterns: string[], path: string) => matchPath(compilePatterns(patterns), path, undefined).excluded;

describe(".dockerignore patterns, as Docker matches them", () => {
  it.each([
    ["**", "file"],
    ["**", "dir/file"],
    ["**/", "dir/file"],
    ["**/**", "dir/file"],
    ["dir/**", "dir/file"],
    ["dir/**", "dir/dir2/file"],
    ["**/dir", "dir"],
    ["**/dir", "dir/file"],
    ["**/dir2/*", "dir/dir2/file"],
    ["**/dir2/**", "dir/dir2/dir3/file"],
    ["**file", "dir/dir/file"],
    ["**/file*.txt", "dir/dir/file.txt"],
    ["**/*.txt", "file.txt"],
    ["a**/*.txt", "a/dir/dir/file.txt"],
    ["a/*.txt", "a/file.txt"],
    ["a[b-d]e", "ace"],
    ["a[^b-d]e", "aze"],
    [".*", ".foo"],
    ["abc.def", "abc.def"],
    ["abc?def", "abcZdef"],
    ["**/foo/bar", "dir/dir2/foo/bar"],
    ["abc/**", "abc/def/ghi"],
    ["a(b)c/def", "a(b)c/def"],
    ["a.|)$(}+{bc", "a.|)$(}+{bc"],
    ["dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"],
    ["a\\*b", "a*b"],
    ["*", "fileutils.go"],
    ["docs", "docs/README.md"],
    ["/docs/", "docs/README.md"],
  ])("%s matches %s", (pattern, path) => {
    expect(excluded(readIgnoreFile(pattern), path)).toBe(true);
  });

  it.each([
    ["**/**/*.txt2", "dir/dir/file.txt"],
    ["a/*.txt", "a/dir/file.txt"],
    ["a[b-d]e", "ae"],
    [".*", "foo"],
    ["abc.def", "abcZdef"],
    ["abc?def", "abcdef"],
    ["abc/**", "abc"],
    ["**/.foo", "bar.foo"],
    ["a*b", "a/b"],
    ["a?b", "a/b"],
    ["temp?", "somedir/tempa"],
  ])("%s does not match %s", (pattern, path) => {
    expect(excluded(readIgnoreFile(pattern), path)).toBe(false);
  });

  it("lets the last matching pattern win, exceptions included", () => {
    expect(excluded(["*.go", "!fileutils.go"], "fileutils.go")).toBe(false);
    expect(excluded(["!fileutils.go", "*.go"], "fileutils.go")).toBe(true);
    expect(excluded(["docs", "!docs/README.md"], "docs/README.md")).toBe(false);
    expect(excluded(["docs/*", "!docs/README.md"], "docs/README.md")).toBe(false);
    expect(excluded(["**", "!util/docker/web"], "util/docker/web/foo")).toBe(false);
    expect(excluded(["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo")).toBe(true);
    // Docker's documented example: README files in, the secret README out, other Markdown out.
    const readme = ["*.md", "!README*.md", "README-secret.md"];
    expect([excluded(readme, "README.md"), excluded(readme, "README-secret.md"), excluded(readme, "notes.md")]).toEqual([false, true, true]);
    expect(excluded(["*.md", "README-secret.md", "!README*.md"], "README-secret.md")).toBe(false);
  });

  it("reads the file as Docker does: # comments at the start of a line only, spaces trimmed, a leading / dropped, paths cleaned", () => {
    expect(readIgnoreFile("\uFEFF# comment\n  node_modules  \n\n/dist/\n ! public/x/../y.json\n ./a//b/\n #not a comment")).toEqual(["node_modules", "dist", "!public/y.json", "a/b", "#not a comment"]);
  });

  it.each([["!"], ["["], ["a["], ["[^bc"], ["[]a]"], ["[-]"], ["[x-]"], ["[a-b-c]"], ["\\"]])("refuses the malformed pattern %s, as Docker does", (pattern) => {
    expect(() => compilePatterns([pattern])).toThrow(/\.dockerignore/);
  });

  it.each([["[\\]a]"], ["[\\-x]"], ["ab[^e-g]"]])("accepts the class %s", (pattern) => {
    expect(() => compilePatterns([pattern])).not.toThrow();
  });
});

describe("the build context", () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function tree(files: string[], ignore: string): string {
    root = mkdtempSync(join(tmpdir(), "dockerignore-"));
    for (const file of files) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), file);
    }
    writeFileSync(join(root, ".dockerignore"), ignore);
    return root;
  }

  const files = (dir: string) => buildContext(dir).filter((entry) => entry.kind !== "dir").map((entry) => entry.path);

  it("follows Docker's documented example: */temp*, */*/temp*, temp?", () => {
    const dir = tree(["somedir/temporary.txt", "somedir/temp/x", "somedir/subdir/temporary.txt", "tempa", "tempzz", "keep.txt", "a/b/c/temp.txt"], "# comment\n*/temp*\n*/*/temp*\ntemp?\n");
    expect(files(dir)).toEqual([".dockerignore", "a/b/c/temp.txt", "keep.txt", "tempzz"]);
  });

  it("walks into a left-out folder for an exception below it, sending the exception alone", () => {
    const dir = tree(["public/_locales/en/messages.json", "public/_locales/de/messages.json", "public/icons/a.png", "src/a.ts"], "public\n!public/_locales/en/messages.json\n");
    expect(files(dir)).toEqual([".dockerignore", "public/_locales/en/messages.json", "src/a.ts"]);
    // The folders on the way are not sent themselves (the classic builder's walk).
    expect(buildContext(dir).filter((entry) => entry.kind === "dir").map((entry) => entry.path)).toEqual(["src"]);
  });

  it("never follows a symbolic link, and leaves a left-out one out", () => {
    const dir = tree(["src/a.ts"], "node_modules\n");
    symlinkSync(join(dir, "src"), join(dir, "node_modules"));
    symlinkSync("a.ts", join(dir, "src", "link.ts"));
    expect(buildContext(dir).map((entry) => `${entry.kind} ${entry.path}`)).toEqual(["file .dockerignore", "dir src", "file src/a.ts", "symlink src/link.ts"]);
  });
});
