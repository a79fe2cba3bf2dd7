import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { circles, listFiles, parseText, readSource, walk, type Node, type SourceFile } from "./support/sources.ts";

/*
 * The map of src, as rules (docs/architecture.md draws it). The core is pure and layered by
 * domain: a folder may import only from itself and the folders below it, so any part of it can be
 * read, tested and reused (the relay server runs it on Node) without what sits above. The relay's
 * code sits under src/relay: the wire protocol, the extension's client, and the server. No file
 * or folder anywhere imports one that imports it back, even for types.
 */

/** src/core's folders, lowest first. */
const CORE_LAYERS = ["kit", "i18n", "api", "settings", "status", "store", "alerts", "check", "words", "badge", "preview"];
/** src/relay/server's parts, lowest first. node/ and workers/ are the two runtimes, side by side (tested below). */
const SERVER_PARTS = ["base", "check", "store", "http", "node", "workers"];

type Area = "core" | "relay/protocol" | "relay/client" | "relay/server" | "adapters" | "background" | "ui";

/** Which areas each area may import from (besides itself). */
const ALLOWED: Record<Area, readonly Area[]> = {
  core: [],
  "relay/protocol": ["core"],
  "relay/client": ["core", "relay/protocol"],
  "relay/server": ["core", "relay/protocol"],
  adapters: ["core", "relay/protocol", "relay/client"],
  background: ["adapters", "core", "relay/protocol", "relay/client"],
  ui: ["adapters", "core", "relay/protocol", "relay/client"],
};

/** Packages each area may use; the core and the code the browser loads never touch Node. */
const PACKAGES: Record<Area, (name: string) => boolean> = {
  core: (name) => name === "zod",
  "relay/protocol": (name) => name === "zod",
  "relay/client": (name) => name === "zod",
  "relay/server": () => true,
  adapters: (name) => !name.startsWith("node:"),
  background: (name) => !name.startsWith("node:"),
  ui: (name) => !name.startsWith("node:"),
};

/** The server's parts that make up its web-standards handler, and the Workers runtime: free of Node. */
const PORTABLE_SERVER_PARTS = ["check", "http", "workers"];
const isNodeOnly = (name: string) => name.startsWith("node:") || name === "@hono/node-server";

/** Globals of a browser or of Node that the core must be given instead of reaching for. */
const HOST_GLOBALS = new Set(["browser", "chrome", "process", "Buffer", "require", "__dirname", "__filename", "document", "window", "navigator", "localStorage", "sessionStorage", "indexedDB", "XMLHttpRequest"]);

interface Place {
  area: Area;
  /** The core's layer or the server's part. */
  part?: string;
}

function placeOf(path: string): Place | undefined {
  const parts = path.split("/");
  if (parts[0] !== "src") return undefined;
  if (parts[1] === "core") return parts.length > 3 ? { area: "core", part: parts[2]! } : undefined;
  if (parts[1] === "relay") {
    if (parts[2] === "server") return parts.length > 4 ? { area: "relay/server", part: parts[3]! } : undefined;
    if ((parts[2] === "protocol" || parts[2] === "client") && parts.length > 3) return { area: `relay/${parts[2]}` };
    return undefined;
  }
  if (parts[1] === "adapters" || parts[1] === "background" || parts[1] === "ui") return { area: parts[1] };
  return undefined;
}

const files: SourceFile[] = listFiles("src").map(readSource);
const edges = (file: SourceFile) => file.imports.filter((i) => i.local && i.target.startsWith("src/"));
const where = (file: SourceFile, line: number) => `${file.path}:${line}`;

/** The one file outside src that code may import: the English catalog, as data. */
const isCatalog = (target: string) => /^public\/_locales\/[a-z]{2}(_[A-Z]{2})?\/messages\.json$/.test(target);

describe("the map of src", () => {
  it("reads the whole tree", () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it("has every file in a known place: a layer of src/core, a part of src/relay, adapters, background or ui", () => {
    expect(files.filter((file) => placeOf(file.path) === undefined).map((file) => file.path)).toEqual([]);
  });

  it("has only known layers in src/core and known parts in src/relay/server", () => {
    const unknown = files.flatMap((file) => {
      const place = placeOf(file.path);
      if (place?.area === "core" && !CORE_LAYERS.includes(place.part!)) return [file.path];
      if (place?.area === "relay/server" && !SERVER_PARTS.includes(place.part!)) return [file.path];
      return [];
    });
    expect(unknown).toEqual([]);
  });
});

describe("imports follow the layers", () => {
  it("each area imports only the areas below it", () => {
    const wrong = files.flatMap((file) => {
      const from = placeOf(file.path);
      return edges(file).flatMap((i) => {
        const to = placeOf(i.target);
        if (!from || !to || to.area === from.area || ALLOWED[from.area].includes(to.area)) return [];
        return [`${where(file, i.line)} (${from.area}) imports ${i.target} (${to.area})`];
      });
    });
    expect(wrong).toEqual([]);
  });

  it.each([
    ["src/core", "core", CORE_LAYERS],
    ["src/relay/server", "relay/server", SERVER_PARTS],
  ] as const)("each folder of %s imports only itself and the folders below it", (_dir, area, order) => {
    const wrong = files.flatMap((file) => {
      const from = placeOf(file.path);
      if (from?.area !== area) return [];
      return edges(file).flatMap((i) => {
        const to = placeOf(i.target);
        if (to?.area !== area || order.indexOf(to.part!) <= order.indexOf(from.part!)) return [];
        return [`${where(file, i.line)} (${from.part}) imports ${i.target} (${to.part}, above it)`];
      });
    });
    expect(wrong).toEqual([]);
  });

  it("keeps the two runtimes apart: node/ and workers/ never import each other", () => {
    const wrong = files.flatMap((file) => {
      const from = placeOf(file.path);
      if (from?.area !== "relay/server" || (from.part !== "node" && from.part !== "workers")) return [];
      const other = from.part === "node" ? "workers" : "node";
      return edges(file).filter((i) => placeOf(i.target)?.part === other && placeOf(i.target)?.area === "relay/server").map((i) => `${where(file, i.line)} imports ${i.target}`);
    });
    expect(wrong).toEqual([]);
  });

  it("reaches outside src only for the message catalog", () => {
    const wrong = files.flatMap((file) => file.imports.filter((i) => i.local && !i.target.startsWith("src/") && !isCatalog(i.target)).map((i) => `${where(file, i.line)} imports ${i.target}`));
    expect(wrong).toEqual([]);
  });

  it("uses only the packages its area may use (no Node in the core, in what the browser loads, or in the relay's web handler)", () => {
    const wrong = files.flatMap((file) => {
      const place = placeOf(file.path);
      if (!place) return [];
      const portable = place.area === "relay/server" && PORTABLE_SERVER_PARTS.includes(place.part!);
      const allowed = (name: string) => PACKAGES[place.area](name) && !(portable && isNodeOnly(name));
      return file.imports.filter((i) => !i.local && !allowed(i.target)).map((i) => `${where(file, i.line)} (${place.area}${portable ? `/${place.part}` : ""}) imports ${i.specifier}`);
    });
    expect(wrong).toEqual([]);
  });
});

/** Identifiers used as values or objects, not as property names or keys. */
function* references(program: Node): Generator<Node> {
  const skip = new Set<unknown>();
  for (const node of walk(program)) {
    if (node.type === "MemberExpression" && !node.computed) skip.add(node.property);
    if ((node.type === "Property" || node.type === "MethodDefinition" || node.type === "PropertyDefinition" || node.type === "TSPropertySignature") && !node.computed) skip.add(node.key);
    if (node.type === "Identifier" && !skip.has(node)) yield node;
  }
}

describe("the core is pure", () => {
  it("uses no browser or Node global: what it needs is given to it", () => {
    const wrong = files.flatMap((file) => {
      if (placeOf(file.path)?.area !== "core") return [];
      return [...references(file.program)].filter((node) => HOST_GLOBALS.has(node.name as string)).map((node) => `${where(file, file.line(node.start))} uses ${node.name as string}`);
    });
    expect(wrong).toEqual([]);
  });
});

describe("no circles", () => {
  it("between files, type imports included", () => {
    const graph = new Map(files.map((file) => [file.path, new Set(edges(file).map((i) => i.target))]));
    expect(circles(graph).map((group) => group.join(" ↔ "))).toEqual([]);
  });

  it("between folders", () => {
    const graph = new Map<string, Set<string>>();
    for (const file of files) {
      const from = dirname(file.path);
      const targets = graph.get(from) ?? new Set<string>();
      for (const i of edges(file)) if (dirname(i.target) !== from) targets.add(dirname(i.target));
      graph.set(from, targets);
    }
    expect(circles(graph).map((group) => group.join(" ↔ "))).toEqual([]);
  });
});

describe("the rules themselves", () => {
  it("find a circle", () => {
    expect(circles(new Map([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a"])], ["d", new Set(["a"])]]))).toEqual([["a", "b", "c"]]);
    expect(circles(new Map([["a", new Set(["b"])], ["b", new Set<string>()]]))).toEqual([]);
  });

  it("find a browser or Node global, and not a property or key of the same name", () => {
    const file = parseText("src/core/kit/snippet.ts", "const a = browser.storage.local;\nconst b = { window: 1, chrome: 2 };\nb.navigator;\nprocess.env.X;");
    expect([...references(file.program)].filter((node) => HOST_GLOBALS.has(node.name as string)).map((node) => `${file.line(node.start)}:${node.name as string}`)).toEqual(["1:browser", "4:process"]);
  });

  it("place files", () => {
    expect(placeOf("src/core/check/run.ts")).toEqual({ area: "core", part: "check" });
    expect(placeOf("src/core/loose.ts")).toBeUndefined();
    expect(placeOf("src/relay/server/http/app.ts")).toEqual({ area: "relay/server", part: "http" });
    expect(placeOf("src/relay/app.ts")).toBeUndefined();
  });
});
