import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { parseSync } from "vite";

/*
 * The source tree as a real parser sees it (oxc, through vite, which the build already depends
 * on): each file's imports, type-only and dynamic ones included, resolved to the files they name.
 * Shared by the architecture and convention tests.
 */

export interface Import {
  /** As written in the file. */
  specifier: string;
  /** A file of the repository (posix path from its root), or the package's name. */
  target: string;
  /** Whether target is a file of the repository. */
  local: boolean;
  line: number;
}

export interface SourceFile {
  path: string;
  text: string;
  program: Program;
  imports: Import[];
  /** Every comment, as the parser found it (value without its delimiters). */
  comments: { value: string; start: number }[];
  line(offset: number): number;
}

/** The parts of oxc's ESTree that the tests walk. */
export interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}
type Program = Node & { body: Node[] };

const posix = (path: string) => path.split(sep).join("/");

export function listFiles(dir: string, pattern = /\.(ts|tsx)$/): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path, pattern) : pattern.test(name) ? [posix(path)] : [];
    })
    .sort();
}

function resolveLocal(from: string, specifier: string): string {
  const base = normalize(join(dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return posix(relative(".", candidate));
  }
  return posix(base);
}

/** Every node of the tree, depth first. */
export function* walk(node: unknown): Generator<Node> {
  if (Array.isArray(node)) {
    for (const item of node) yield* walk(item);
    return;
  }
  if (typeof node !== "object" || node === null || typeof (node as Node).type !== "string") return;
  yield node as Node;
  for (const [key, value] of Object.entries(node)) if (key !== "parent" && typeof value === "object") yield* walk(value);
}

function sourceOf(node: Node): string | undefined {
  const source = node.source as Node | null | undefined;
  return source && typeof source.value === "string" ? source.value : undefined;
}

const IMPORTING = new Set(["ImportDeclaration", "ExportNamedDeclaration", "ExportAllDeclaration", "ImportExpression", "TSImportType"]);

export function readSource(path: string): SourceFile {
  return parseText(path, readFileSync(path, "utf8"));
}

/** A file's text as the parser sees it; `path` decides the language (ts or tsx) and resolves imports. */
export function parseText(path: string, text: string): SourceFile {
  const parsed = parseSync(path, text);
  if (parsed.errors.length > 0) throw new Error(`${path} does not parse: ${parsed.errors.map((e: { message: string }) => e.message).join("; ")}`);
  const program = parsed.program as unknown as Program;
  const comments = (parsed as unknown as { comments: { value: string; start: number }[] }).comments;
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  const line = (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const imports: Import[] = [];
  for (const node of walk(program)) {
    if (!IMPORTING.has(node.type)) continue;
    const specifier = node.type === "TSImportType" ? literalOf(node.argument) : sourceOf(node);
    if (specifier === undefined) continue;
    const local = specifier.startsWith(".");
    imports.push({ specifier, local, target: local ? resolveLocal(path, specifier) : packageName(specifier), line: line(node.start) });
  }
  return { path, text, program, imports, comments, line };
}

function literalOf(node: unknown): string | undefined {
  for (const inner of walk(node)) if (inner.type === "Literal" && typeof inner.value === "string") return inner.value;
  return undefined;
}

function packageName(specifier: string): string {
  if (specifier.startsWith("node:")) return specifier;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Strongly connected groups of more than one node (or a node that reaches itself): the circles. */
export function circles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    order.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, order.get(next)!));
    }
    if (low.get(node) !== order.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || edges.get(node)?.has(node)) found.push(group.sort());
  };
  for (const node of [...edges.keys()].sort()) if (!order.has(node)) visit(node);
  return found;
}
