import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { englishManifestTexts, listingProblems, type Listing } from "../../../scripts/lib/listing.ts";

const manifest = englishManifestTexts(".");
const committed: Listing = {
  name: manifest.name,
  manifestDescription: manifest.description,
  shortDescription: readFileSync("store/description-short.txt", "utf8").replace(/\n$/, ""),
  longDescription: readFileSync("store/description-long.txt", "utf8"),
};

describe("store listing", () => {
  it("the committed listing meets the stores' rules", () => {
    expect(listingProblems(committed)).toEqual([]);
  });

  it("refuses a short description over 132 characters, or one the manifest does not repeat", () => {
    const long = "x".repeat(133);
    expect(listingProblems({ ...committed, shortDescription: long, manifestDescription: long })).toEqual([
      "The short description must be 1 to 132 characters (it is 133).",
    ]);
    expect(listingProblems({ ...committed, manifestDescription: "Something else." })[0]).toMatch(/must be the short description/);
  });

  it('refuses "Chrome" in the name or descriptions, since the same listing goes to Edge', () => {
    expect(listingProblems({ ...committed, name: "Cobalt Status for Chrome" })).toEqual([
      'The name must not say "Chrome": the same listing goes to Edge Add-ons.',
    ]);
    expect(listingProblems({ ...committed, longDescription: `${committed.longDescription} Works in Google Chrome.` })).toHaveLength(1);
  });
});
