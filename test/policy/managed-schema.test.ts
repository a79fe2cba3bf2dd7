import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { POLICY_KEYS } from "../../src/core/settings/policy.ts";

/*
 * The schema of the settings IT can push by policy. Chrome and Edge refuse to load an extension
 * whose managed storage schema breaks their rules, and drop a policy value that breaks the
 * schema, so both are held to those rules here: the top level is an object, and every property
 * (and every list's items) has exactly one `type` or a `$ref`. Firefox reads no schema: the key is
 * Chrome's alone (web-ext lint checks the Firefox build).
 */

type Schema = Record<string, unknown>;

const manifest = JSON.parse(readFileSync("manifest.json", "utf8")) as Record<string, unknown>;
const schemaPath = join("public", ((manifest["{{chrome}}.storage"] ?? {}) as { managed_schema?: string }).managed_schema ?? "?");
const schema = (existsSync(schemaPath) ? JSON.parse(readFileSync(schemaPath, "utf8")) : {}) as Schema;

/** The attributes Chrome's policy schemas know. */
const ATTRIBUTES = new Set(["type", "$ref", "id", "title", "description", "properties", "additionalProperties", "patternProperties", "items", "enum", "minimum", "maximum", "pattern", "required", "sensitiveValue"]);
const TYPES = new Set(["boolean", "integer", "number", "string", "array", "object"]);

/** Every way a schema node breaks Chrome's rules, with where. */
function problems(node: unknown, at: string): string[] {
  if (typeof node !== "object" || node === null || Array.isArray(node)) return [`${at}: not an object`];
  const schemaNode = node as Schema;
  const out: string[] = [];
  const typed = ("type" in schemaNode ? 1 : 0) + ("$ref" in schemaNode ? 1 : 0);
  if (typed !== 1) out.push(`${at}: needs exactly one of "type" and "$ref"`);
  if ("type" in schemaNode && !TYPES.has(schemaNode.type as string)) out.push(`${at}: type ${JSON.stringify(schemaNode.type)}`);
  for (const key of Object.keys(schemaNode)) if (!ATTRIBUTES.has(key)) out.push(`${at}: unknown attribute ${key}`);
  if (schemaNode.type === "array") {
    if (!("items" in schemaNode)) out.push(`${at}: a list needs "items"`);
    else out.push(...problems(schemaNode.items, `${at}.items`));
  }
  if ("properties" in schemaNode) {
    if (schemaNode.type !== "object") out.push(`${at}: properties on a ${String(schemaNode.type)}`);
    for (const [name, property] of Object.entries(schemaNode.properties as Schema)) out.push(...problems(property, `${at}.${name}`));
  }
  return out;
}

describe("the managed storage schema", () => {
  it("is Chrome's alone: named by the manifest for Chrome and Edge, and a file of the package", () => {
    expect(manifest["{{chrome}}.storage"]).toEqual({ managed_schema: "schema.json" });
    expect(manifest.storage).toBeUndefined();
    expect(manifest["{{firefox}}.storage"]).toBeUndefined();
    expect(existsSync(schemaPath)).toBe(true);
  });

  it("is an object at the top level", () => {
    expect(schema.type).toBe("object");
  });

  it("gives every property, and every list's items, exactly one type or a $ref, of the types Chrome knows", () => {
    expect(problems(schema, "schema")).toEqual([]);
  });

  it("finds a property that breaks the rules (the check above can fail)", () => {
    expect(problems({ type: "object", properties: { a: { description: "x" }, b: { type: "array" }, c: { type: "string", $ref: "x" }, d: { type: "list", items: {} } } }, "s")).toEqual([
      `s.a: needs exactly one of "type" and "$ref"`,
      `s.b: a list needs "items"`,
      `s.c: needs exactly one of "type" and "$ref"`,
      `s.d: type "list"`,
    ]);
    expect(problems({ type: "object", properties: { e: { type: "array", items: { type: "object", properties: { f: {} } } } } }, "s")).toEqual([`s.e.items.f: needs exactly one of "type" and "$ref"`]);
  });

  it("lists exactly the keys the extension reads from a policy", () => {
    expect(Object.keys(schema.properties as Schema).sort()).toEqual([...POLICY_KEYS].sort());
  });

  it("leaves ranges and URL rules to the extension, so a value Chrome passes is named in Options when it cannot be used", () => {
    expect(JSON.stringify(schema)).not.toMatch(/"(minimum|maximum|pattern|enum|required)"/);
  });

  it("is documented key by key for administrators, with an example for each browser", () => {
    const docs = readFileSync("docs/settings.md", "utf8");
    for (const key of POLICY_KEYS) expect(docs, key).toContain(`\`${key}\``);
    for (const where of ["HKEY_LOCAL_MACHINE\\Software\\Policies\\Google\\Chrome\\3rdparty\\extensions", "HKEY_LOCAL_MACHINE\\Software\\Policies\\Microsoft\\Edge\\3rdparty\\extensions", "/etc/opt/chrome/policies/managed", "/etc/opt/edge/policies/managed", "policies.json"]) {
      expect(docs, where).toContain(where);
    }
  });
});
