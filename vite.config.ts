import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import webExtension from "vite-plugin-web-extension";

/**
 * Names the chunk of the modules the popup loads as it opens (its entry and everything that
 * imports statically): "popup-core", one file and one gzip stream instead of several shared
 * chunks, fewer files to fetch before its first paint. What it loads on use stays apart.
 */
function popupCore(entry: string) {
  let graph: Set<string> | undefined;
  return (id: string, ctx: { getModuleInfo(id: string): { importedIds: readonly string[] } | null }): string | null => {
    if (!graph) {
      graph = new Set();
      for (const stack = [entry]; stack.length > 0; ) {
        const module = stack.pop()!;
        if (graph.has(module)) continue;
        graph.add(module);
        stack.push(...(ctx.getModuleInfo(module)?.importedIds ?? []));
      }
    }
    // The entry itself stays the popup's own: it mounts the popup, and the options page loads this chunk too.
    return id !== entry && graph.has(id) ? "popup-core" : null;
  };
}

/**
 * How the pages' code is split: the popup's opening modules in one chunk. A group named by a
 * function needs a debugName for the bundler's timing report; without one, every build warns.
 */
export const PAGE_CHUNKS = { groups: [{ name: popupCore(resolve("src/ui/popup/main.tsx")), debugName: "popup-core" }] };

// `vite build --mode chrome|firefox`: the plugin builds for one browser per run.
export default defineConfig(({ mode }) => {
  const target = mode === "firefox" ? "firefox" : "chrome";
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
  return {
    plugins: [
      preact(),
      webExtension({
        browser: target,
        manifest: () => ({ ...JSON.parse(readFileSync("manifest.json", "utf8")), version: pkg.version }),
        // Validation downloads a schema from the internet; web-ext lint checks the Firefox build.
        skipManifestValidation: true,
        disableAutoLaunch: true,
        printSummary: false,
        // The pages only: the background is one IIFE file, which a code-splitting option does not apply to.
        htmlViteConfig: { build: { rolldownOptions: { output: { codeSplitting: PAGE_CHUNKS } } } },
      }),
    ],
    build: {
      outDir: `dist/${target}`,
      emptyOutDir: true,
      // Store reviewers read the code; size is measured by `npm run bench`.
      minify: true,
      sourcemap: false,
      // Extension pages load from the package; no browser here lacks modulepreload.
      modulePreload: { polyfill: false },
    },
  };
});
