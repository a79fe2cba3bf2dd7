import { defineConfig } from "vitest/config";

// Kept apart from vite.config.ts so the extension build plugin never runs under vitest.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          include: ["test/unit/**/*.test.ts", "test/fake-cobalt/**/*.test.ts", "test/container/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "policy",
          environment: "node",
          include: ["test/policy/**/*.test.ts"],
          // These parse every source file; on a loaded machine that takes seconds, not milliseconds.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          // The relay's container image, built and run without Docker (test/container/image.ts).
          name: "container",
          environment: "node",
          include: ["test/container/**/*.container.ts"],
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: "e2e-chromium",
          environment: "node",
          include: ["test/e2e/**/*.e2e.ts"],
          env: { E2E_BROWSER: "chromium" },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e-firefox",
          environment: "node",
          include: ["test/e2e/**/*.e2e.ts"],
          // Runs Chromium and Firefox side by side on its own (two members of one relay): once is enough.
          exclude: ["test/e2e/desk.e2e.ts"],
          env: { E2E_BROWSER: "firefox" },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
