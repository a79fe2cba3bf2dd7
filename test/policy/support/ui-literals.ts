import { parseSync } from "vite";

/*
 * Finds words written into the pages' source instead of taken from the catalogs. TypeScript 7's
 * compiler has no JavaScript API, so the source is parsed with the parser the build already uses
 * (oxc, through vite): an ESTree with JSX and TypeScript nodes, offsets in UTF-16 units.
 *
 * Two kinds of finding:
 * - where text reaches the user: JSX text, a user-visible attribute or prop (aria-label, title,
 *   placeholder, alt, label, hint…), a JSX child expression, and what a function returns; there,
 *   any string with a letter in it is a finding (a string of punctuation, like "…", is not);
 * - anywhere else (a table of words, an argument, a state object): a string that reads as
 *   prose, with a capitalised word ("Refresh"), a letter outside ASCII ("Schlüssel") or words
 *   ending a sentence ("not saved."), or, in a template, a word beside a space (`${n} of ${m}`).
 * Never findings: module names, types, object keys, the attributes that are never shown (class,
 * id, for, data-*…), the operands of a comparison and the cases of a switch (codes, not words),
 * and the names of catalog messages ("rowReconnect") where they are passed, not shown.
 *
 * Outside the pages' components (the background, the adapters, the core), a function's result is
 * as often a code ("stored", "skipped") as words: there, with `returnsAreShown: false`, what a
 * function returns is judged by the prose rule like any other string.
 */

export interface Finding {
  file: string;
  line: number;
  text: string;
  where: string;
}

/** Attributes and props whose value is read or heard by the user. */
const VISIBLE_ATTRIBUTES = new Set([
  "aria-label",
  "aria-description",
  "aria-placeholder",
  "aria-roledescription",
  "aria-valuetext",
  "title",
  "placeholder",
  "alt",
  "label",
  "hint",
  "text",
  "message",
]);

const LETTER = /\p{L}/u;
/** A capitalised word standing alone ("Refresh", "New source"), not the hump of a camelCase name. */
const CAPITALISED_WORD = /(?:^|[^\p{L}\p{N}_$-])\p{Lu}\p{Ll}+(?![\p{L}\p{N}_])/u;
const NON_ASCII_LETTER = /[^\x00-\x7f]/u;
/** Two words and a sentence's end: "was not saved." */
const SENTENCE = /\p{L}+\s+\p{L}+.*[.:!?…]$/su;
/** A word beside a space in a template: text put together around values (`${done} of ${total}`). */
const SPACED_WORD = /\p{L}\s|\s\p{L}/u;

type Node = { type: string; start: number; end: number; [key: string]: unknown };

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && typeof (value as Node).type === "string";
}

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "type" || key === "start" || key === "end" || key === "range") continue;
    if (Array.isArray(value)) for (const item of value) isNode(item) && out.push(item);
    else if (isNode(value)) out.push(value);
  }
  return out;
}

function attributeName(node: Node): string {
  const name = node.name as Node;
  return name.type === "JSXNamespacedName" ? `${(name.namespace as Node).name}:${(name.name as Node).name}` : String(name.name);
}

const COMPARISONS = new Set(["===", "!==", "==", "!="]);

export function findLiterals(file: string, source: string, catalogKeys: ReadonlySet<string>, { returnsAreShown = true }: { returnsAreShown?: boolean } = {}): Finding[] {
  const parsed = parseSync(file, source);
  if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors.map((error) => error.message).join("; ")}`);
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };

  const findings: Finding[] = [];
  /** Strings already judged where text reaches the user, so the prose rule does not report them twice. */
  const judged = new Set<Node>();
  const report = (node: Node, text: string, where: string) => findings.push({ file, line: lineOf(node.start), text, where });
  const isKey = (text: string) => catalogKeys.has(text);

  /** A string that becomes text (and the strings an expression made of strings can become). */
  const shown = (node: Node | null | undefined, where: string): void => {
    if (!node) return;
    switch (node.type) {
      case "Literal":
        if (typeof node.value === "string") {
          judged.add(node);
          // Even a message's name: shown, it would be shown as it is.
          if (LETTER.test(node.value)) report(node, node.value, where);
        }
        return;
      case "TemplateLiteral":
        judged.add(node);
        for (const quasi of node.quasis as Node[]) {
          const text = String((quasi.value as { cooked: string | null }).cooked ?? "");
          if (LETTER.test(text)) report(quasi, text, where);
        }
        return;
      case "ConditionalExpression":
        shown(node.consequent as Node, where);
        shown(node.alternate as Node, where);
        return;
      case "LogicalExpression":
        if (node.operator !== "&&") shown(node.left as Node, where);
        shown(node.right as Node, where);
        return;
      case "BinaryExpression":
        if (node.operator === "+") {
          shown(node.left as Node, where);
          shown(node.right as Node, where);
        }
        return;
      case "ParenthesizedExpression":
      case "TSAsExpression":
      case "TSSatisfiesExpression":
      case "TSNonNullExpression":
        shown(node.expression as Node, where);
        return;
      case "SequenceExpression": {
        const expressions = node.expressions as Node[];
        shown(expressions[expressions.length - 1], where);
        return;
      }
    }
  };

  /** Whether a string anywhere else reads as words for the user. */
  const prose = (text: string) => !isKey(text) && (CAPITALISED_WORD.test(text) || (NON_ASCII_LETTER.test(text) && LETTER.test(text.replace(/[\x00-\x7f]/g, ""))) || SENTENCE.test(text.trim()));

  const visit = (node: Node, parent: Node | undefined): void => {
    switch (node.type) {
      case "ImportDeclaration":
      case "ExportAllDeclaration":
      case "TSTypeAnnotation":
      case "TSTypeAliasDeclaration":
      case "TSInterfaceDeclaration":
      case "TSTypeParameterInstantiation":
      case "TSLiteralType":
        return;
      case "ExportNamedDeclaration":
        if (node.declaration) visit(node.declaration as Node, node);
        return;
      case "JSXText":
        if (LETTER.test(String(node.value))) report(node, String(node.value).trim(), "JSX text");
        return;
      case "JSXAttribute": {
        const name = attributeName(node);
        const value = node.value as Node | null;
        if (!value) return;
        const expression = value.type === "JSXExpressionContainer" ? (value.expression as Node) : value;
        if (VISIBLE_ATTRIBUTES.has(name)) shown(expression, `${name}=`);
        // The value of an attribute never shown (class, id, for…) is a code; code inside it is visited.
        else if (expression.type === "Literal" || expression.type === "TemplateLiteral") return;
        break;
      }
      case "JSXExpressionContainer":
        if (parent && (parent.type === "JSXElement" || parent.type === "JSXFragment")) shown(node.expression as Node, "JSX child");
        break;
      case "ReturnStatement":
        if (returnsAreShown) shown(node.argument as Node | null, "returned");
        break;
      case "ArrowFunctionExpression":
        if (node.expression === true && returnsAreShown) shown(node.body as Node, "returned");
        break;
      case "BinaryExpression":
        if (COMPARISONS.has(String(node.operator))) {
          for (const side of [node.left, node.right] as Node[]) if (side.type !== "Literal") visit(side, node);
          return;
        }
        break;
      case "SwitchCase":
        for (const statement of node.consequent as Node[]) visit(statement, node);
        return;
      case "Property":
        if (node.computed !== true) {
          visit(node.value as Node, node);
          return;
        }
        break;
      case "Literal":
        if (typeof node.value === "string" && !judged.has(node) && prose(node.value)) report(node, node.value, "string");
        return;
      case "TemplateLiteral":
        if (!judged.has(node)) {
          for (const quasi of node.quasis as Node[]) {
            const text = String((quasi.value as { cooked: string | null }).cooked ?? "");
            if (prose(text) || SPACED_WORD.test(text)) report(quasi, text, "string");
          }
        }
        break;
    }
    for (const child of children(node)) visit(child, node);
  };

  visit(parsed.program as unknown as Node, undefined);
  // Nested positions may judge one string twice (a returned conditional inside a JSX child).
  const seen = new Set<string>();
  return findings
    .filter((finding) => {
      const id = `${finding.line}\u0000${finding.text}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((a, b) => a.line - b.line);
}
