import { readFileSync } from "node:fs";
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";
import webExtension from "vite-plugin-web-extension";

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
