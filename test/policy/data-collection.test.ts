import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// Firefox shows this declaration at install, and AMO requires it to be accurate. The API key
// leaves the browser for the configured Cobalt API: authentication information, required.
// store/privacy-disclosures.md says why, and why nothing else is declared.

const manifest = JSON.parse(readFileSync("manifest.json", "utf8")) as Record<string, unknown>;
const gecko = (manifest["{{firefox}}.browser_specific_settings"] as { gecko: { data_collection_permissions: unknown } }).gecko;

describe("Firefox data collection declaration", () => {
  it("declares the API key as required authentication information, and nothing else", () => {
    expect(gecko.data_collection_permissions).toEqual({ required: ["authenticationInfo"] });
  });

  it("is explained where reviewers and users can read it", () => {
    const disclosures = readFileSync("store/privacy-disclosures.md", "utf8");
    expect(disclosures).toContain('"data_collection_permissions": { "required": ["authenticationInfo"] }');
    expect(readFileSync("SECURITY.md", "utf8")).toContain("authenticationInfo");
  });
});
