import { describe, expect, it } from "vitest";
import { PAGE_CHUNKS } from "../../vite.config.ts";

// The build prints nothing to ignore: a warning on every run hides the one that matters.
describe("the build's configuration", () => {
  it("names each code-splitting group that a function names for the bundler's report (debugName)", () => {
    expect(PAGE_CHUNKS.groups.length).toBeGreaterThan(0);
    for (const group of PAGE_CHUNKS.groups) {
      if (typeof group.name === "function") expect(group).toMatchObject({ debugName: expect.stringMatching(/\S/) });
    }
  });
});
