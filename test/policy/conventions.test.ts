import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { execSync } from "node:child_process";
import { missingPaths } from "./support/comment-paths.ts";
import { listFiles, parseText, readSource, walk, type Node, type SourceFile } from "./support/sources.ts";

/*
 * Conventions a reviewer would otherwise have to remember: a function fits a screen, each folder
 * of the core and of the relay says what it holds and what it may use, and a comment names only
 * files that exist.
 */

/** Past this a function no longer fits a screen; docs/architecture.md says how to split one. */
const MAX_FUNCTION_LINES = 80;

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/** The name a reader would look for: the declared one, or the variable, property or method it is assigned to. */
function nameOf(node: Node, parents: ReadonlyMap<Node, Node>): string {
  const id = node.id as Node | null | undefined;
  if (id && typeof id.name === "string") return id.name;
  const parent = parents.get(node);
  const key = (parent?.id ?? parent?.key) as Node | undefined;
  if (key && typeof key.name === "string") return key.name;
  return "(anonymous)";
}

export function longFunctions(file: SourceFile, max = MAX_FUNCTION_LINES): string[] {
  const parents = new Map<Node, Node>();
  for (const node of walk(file.program)) {
    for (const value of Object.values(node)) {
      for (const child of Array.isArray(value) ? value : [value]) {
        if (typeof child === "object" && child !== null && typeof (child as Node).type === "string") parents.set(child as Node, node);
      }
    }
  }
  const found: string[] = [];
  for (const node of walk(file.program)) {
    if (!FUNCTIONS.has(node.type)) continue;
    const lines = file.line(node.end) - file.line(node.start) + 1;
    if (lines > max) found.push(`${file.path}:${file.line(node.start)} ${nameOf(node, parents)} has ${lines} lines`);
  }
  return found;
}

const CODE = ["src", "scripts"].flatMap((dir) => listFiles(dir)).map(readSource);

describe("functions fit a screen", () => {
  it(`has no function over ${MAX_FUNCTION_LINES} lines in src or scripts`, () => {
    expect(CODE.length).toBeGreaterThan(100);
    expect(CODE.flatMap((file) => longFunctions(file))).toEqual([]);
  });

  it("measures declarations, arrow functions and methods by their own lines", () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  x += ${i};`).join("\n");
    const file = parseText("src/core/kit/snippet.tsx", `function short() {\n${body(3)}\n}\nexport const Long = () => {\n${body(80)}\n};\nclass A {\n  method() {\n${body(79)}\n  }\n}`);
    expect(longFunctions(file)).toEqual(["src/core/kit/snippet.tsx:6 Long has 82 lines", "src/core/kit/snippet.tsx:89 method has 81 lines"]);
  });
});

function folders(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory())
    .flatMap((path) => [path, ...folders(path)]);
}

describe("each folder says what it holds", () => {
  const described = [...folders("src/core"), ...folders("src/relay")];

  it.each(described)("%s opens with a README.md saying what it holds and what it may use", (dir) => {
    const readme = join(dir, "README.md");
    expect(existsSync(readme), readme).toBe(true);
    const text = readFileSync(readme, "utf8");
    expect(text.split("\n").length, readme).toBeLessThanOrEqual(30);
    expect(text, readme).toMatch(/^May use:/m);
  });
});

describe("comments name files that exist", () => {
  it("in src, test and scripts", () => {
    const repository = execSync("git ls-files --cached --others --exclude-standard", { encoding: "utf8" }).split("\n").filter(Boolean);
    const code = ["src", "test", "scripts"].flatMap((dir) => listFiles(dir));
    expect(code.length).toBeGreaterThan(200);
    const missing = code.flatMap((path) => {
      const file = readSource(path);
      return missingPaths(file, file.comments, repository);
    });
    expect(missing).toEqual([]);
  });
});

describe("the pages' styles follow the language's direction", () => {
  // A catalog may be right-to-left (catalogDirection): the pages set dir from it, and only
  // logical properties (margin-inline-end, not margin-right) mirror with it.
  const PHYSICAL = /(?:^|[;{])\s*((?:margin|padding|border)-(?:left|right)(?:-[a-z]+)?|left|right)\s*:|((?:float|clear|text-align)\s*:\s*(?:left|right))\b/gm;
  const styles = listFiles("src/ui", /\.css$/);

  it("use no left or right, only start and end", () => {
    expect(styles.length).toBeGreaterThan(1);
    const found = styles.flatMap((path) => [...readFileSync(path, "utf8").matchAll(PHYSICAL)].map((match) => `${path}: ${match[1] ?? match[2]}`));
    expect(found).toEqual([]);
  });

  it("the rule finds what it must", () => {
    const sample = ".a { margin-right: 4px; } .b{padding-left:0} .c { right: 0 } .d { text-align: left; } .e { float: right } .right { margin-inline-end: 4px; inset: 0; background-position: left top; }";
    expect([...sample.matchAll(PHYSICAL)].map((match) => (match[1] ?? match[2])!.replace(/\s/g, ""))).toEqual(["margin-right", "padding-left", "right", "text-align:left", "float:right"]);
  });
});
