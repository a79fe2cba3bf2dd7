import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, it } from "vitest";

// What the popup loads when it opens is its entry and everything that imports statically, and it
// must stay small (`npm run bench` prints the size). Dynamic imports load on use.

/**
 * The modules a source file loads with it: every `import … from` and `export … from` but
 * `import type`/`export type` (with verbatimModuleSyntax an import of types only still loads the
 * module, so `import { type A }` counts). Relative paths are resolved; packages are kept by name.
 */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s*)?["']([^"']+)["']/gm)) {
    const spec = m[1]!;
    found.push(spec.startsWith(".") ? normalize(join(dirname(file), spec)) : spec);
  }
  return found;
}

function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (file.startsWith("src/") || file.startsWith("test/")) for (const next of staticImports(file)) visit(next);
  };
  visit(entry);
  return seen;
}

describe("the popup's first load", () => {
  const graph = staticGraph("src/ui/popup/main.tsx");

  it("is found", () => {
    expect(graph.has("src/ui/popup/Popup.tsx")).toBe(true);
    expect(graph.has("src/adapters/storage.ts")).toBe(true);
  });

  it("carries no zod: what it reads from storage is checked by the hand-written guards", () => {
    expect([...graph].filter((module) => module === "src/core/kit/zod.ts" || module.startsWith("zod"))).toEqual([]);
  });

  it("leaves out what it shows only now and then: failures, notices, the sample data, the API client, a relay's team desk", () => {
    const rare = ["src/core/words/error-text.ts", "src/core/words/notices.ts", "src/ui/shared/StatusBanner.tsx", "src/core/preview/sample.ts", "src/core/api/client.ts", "src/ui/popup/desk-row.tsx", "src/ui/popup/desk-actions.ts"];
    expect(rare.filter((module) => graph.has(module))).toEqual([]);
  });
});
