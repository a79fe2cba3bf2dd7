import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * The JavaScript a page loads: its module scripts and modulepreloads, then every static import of
 * those, transitively. Dynamic imports are followed too but reported apart (they load on use).
 */
export function pageScripts(distDir: string, htmlPath: string): { initial: string[]; lazy: string[] } {
  const html = readFileSync(join(distDir, htmlPath), "utf8");
  const htmlDir = dirname(join(distDir, htmlPath));
  const entries = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+)"/g)].map((m) => resolveFrom(distDir, htmlDir, m[1]!));
  const initial = new Set<string>();
  const lazy = new Set<string>();
  const visit = (file: string, isLazy: boolean) => {
    const target = isLazy ? lazy : initial;
    if (initial.has(file) || target.has(file)) return;
    target.add(file);
    const code = readFileSync(file, "utf8");
    for (const m of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+\.js)["']/g)) visit(resolveFrom(distDir, dirname(file), m[1]!), isLazy);
    for (const m of code.matchAll(/import\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g)) visit(resolveFrom(distDir, dirname(file), m[1]!), true);
  };
  for (const entry of entries) visit(entry, false);
  for (const file of initial) lazy.delete(file);
  return { initial: [...initial].map((f) => relative(distDir, f)), lazy: [...lazy].map((f) => relative(distDir, f)) };
}

function resolveFrom(distDir: string, fromDir: string, ref: string): string {
  return ref.startsWith("/") ? join(distDir, ref) : join(fromDir, ref);
}

export function gzipBytes(distDir: string, files: string[]): number {
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(join(distDir, file)), { level: 9 }).length, 0);
}
