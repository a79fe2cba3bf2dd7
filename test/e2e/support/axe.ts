import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ExtPage } from "./browsers.ts";

/*
 * Runs axe-core in an extension page. Extension pages forbid inline and remote scripts
 * (script-src 'self'), so axe cannot be added with a <script> tag; both drivers' evaluate runs
 * outside the page's CSP, so axe's source is sent as the body of the function evaluated. It
 * defines `window.axe` for the life of the document.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

/** Every violation axe finds in the page as it is now, of any impact (all rules but experimental ones). */
export async function axeViolations(page: ExtPage): Promise<AxeViolation[]> {
  const loaded = await page.evaluate<boolean>(`() => {
    if (!window.axe) {
${AXE_SOURCE}
    }
    return typeof window.axe.run === "function";
  }`);
  if (!loaded) throw new Error("axe-core did not load in the page");
  return page.evaluate<AxeViolation[]>(`async () => {
    const results = await window.axe.run(document, { resultTypes: ["violations"] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary ?? "" })),
    }));
  }`);
}

/** One line per violation and node, readable in a failed assertion. */
export function describeViolations(violations: AxeViolation[]): string[] {
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target}: ${n.summary.replace(/\s+/g, " ")}`));
}
