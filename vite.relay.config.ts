import { readFileSync } from "node:fs";
import { defineConfig } from "vite";

const { version } = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8")) as { version: string };

// `npm run relay:build`: the relay (src/relay/server/node/main.ts) and everything it imports (hono, zod, the
// core) as one ES module for Node 20, so the container runs `node relay.mjs` with no node_modules
// and no TypeScript loader. Kept apart from vite.config.ts, which builds the extension.
export default defineConfig({
  publicDir: false,
  // What main.ts says of itself in the bundle: how it is run (no npm script there) and its version.
  define: { __RELAY_BUNDLE__: JSON.stringify({ version, command: "node relay.mjs" }) },
  build: {
    ssr: "src/relay/server/node/main.ts",
    outDir: "dist/relay",
    emptyOutDir: true,
    target: "node20",
    minify: false,
    sourcemap: false,
    rollupOptions: { output: { entryFileNames: "relay.mjs", inlineDynamicImports: true } },
  },
  ssr: { noExternal: true, target: "node" },
});
