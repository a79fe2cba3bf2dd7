import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

/*
 * The relay is a server: nothing the extension bundles may import it, and the protocol module the
 * extension will import must stay free of Node (as all of src/core is free of browser APIs).
 */

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const importsOf = (path: string) => [...readFileSync(path, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]!);

it("keeps relay code out of everything the extension builds", () => {
  const extension = ["src/core", "src/background", "src/ui", "src/adapters"].flatMap(files);
  expect(extension.length).toBeGreaterThan(30);
  expect(extension.filter((path) => importsOf(path).some((spec) => /(^|\/)relay\//.test(spec)))).toEqual([]);
});

it("keeps Node and server libraries out of the shared protocol", () => {
  const imports = importsOf("src/core/relay-protocol.ts");
  expect(imports.length).toBeGreaterThan(0);
  expect(imports.filter((spec) => spec.startsWith("node:") || spec.startsWith("hono") || spec.startsWith("@hono"))).toEqual([]);
});

it("keeps the relay's web-standards handler free of Node, so it can run on other runtimes", () => {
  const portable = ["src/relay/app.ts", "src/relay/view.ts", "src/relay/webhook.ts", "src/relay/runner.ts", "src/relay/merge.ts", "src/relay/rate-limit.ts", "src/relay/request-window.ts", "src/relay/cobalt.ts", "src/relay/schedule.ts"];
  expect(portable.filter((path) => importsOf(path).some((spec) => spec.startsWith("node:") || spec.startsWith("@hono/node-server")))).toEqual([]);
});
