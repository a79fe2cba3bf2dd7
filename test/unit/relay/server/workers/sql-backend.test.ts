import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBackends, type Backends } from "../backends.ts";

/*
 * What only the Durable Object's storage does (the rest is shared with files: store/records.test.ts):
 * a large document written in steps that let requests in, read meanwhile as the old text or the
 * new, never half; what an unfinished write left removed by the next; a layout from before moved.
 */

let backends: Backends;
beforeAll(async () => {
  backends = await openBackends();
}, 120_000);
afterAll(() => backends.close());

// Some 6 MB, in pieces as the state is written: more than one step of parts.
const large = (fill: string) => Array.from({ length: 24 }, (_, i) => `${i}:${fill.repeat(256 * 1024 - 8)};`);

describe("the Durable Object's documents", { timeout: 60_000 }, () => {
  it("a large write lets reads in between its steps, and each read is the old text or the new, whole", async () => {
    const probe = await backends.sqlProbe();
    await probe.write("state", "the old text");
    const seen = await probe.readsDuringWrite("state", large("x"));
    expect(seen).not.toContain("torn");
    expect(seen.filter((read) => read === "old").length).toBeGreaterThan(2);
  });

  it("what a write left unfinished is removed by the next, which is read", async () => {
    const probe = await backends.sqlProbe();
    const left = await probe.unfinishedThenSmall("state", large("y"), "{}");
    expect(left.staged).toBeGreaterThan(0);
    expect(left).toEqual({ staged: left.staged, left: 1, text: "{}" });
  });

  it("a document kept by a relay from before is read, at its version, and the old table goes", async () => {
    const probe = await backends.sqlProbe();
    expect(await probe.oldLayout("members", '{"version":1,"members":[]}')).toEqual({ text: '{"version":1,"members":[]}', version: "v7", oldTable: 0 });
  });
});
