import { defineConfig } from "vite";

// `npm run relay:build`: the relay (src/relay/server/node/main.ts) and everything it imports (hono, zod, the
// core) as one ES module for Node 20, so the container runs `node relay.mjs` with no node_modules
// and no TypeScript loader. Kept apart from vite.config.ts, which builds the extension.
export default defineConfig({
  publicDir: false,
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
