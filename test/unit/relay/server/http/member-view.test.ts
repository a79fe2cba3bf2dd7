import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, crc32Combine, MemberBodies } from "../../../../../src/relay/server/http/member-view.ts";

/*
 * A member's status: the shared body with the member named at its start, with its own tag and a
 * gzip put together from the shared body's deflate stream (never compressed again per member),
 * which zlib must read back as exactly that body.
 */

const PREFIX = '{"protocol":1,';
const shared = (accounts: number) => ({
  body: `${PREFIX}"sources":[${Array.from({ length: accounts }, (_, i) => JSON.stringify({ id: `acct-${i}`, name: `Kunde ${i % 13} ü 🙂` })).join(",")}]}`,
  etag: '"c2hhcmVk"',
});

describe("a member's status", () => {
  it("names the member at the start of the shared body, with a tag of its own", () => {
    const bodies = new MemberBodies(PREFIX);
    const body = shared(3);
    const alice = bodies.for(body, "alice");
    const bob = bodies.for(body, 'bob "the" builder');
    expect(JSON.parse(alice.body)).toEqual({ ...JSON.parse(body.body), member: "alice" });
    expect(JSON.parse(bob.body).member).toBe('bob "the" builder');
    expect(alice.etag).toMatch(/^"c2hhcmVk\.[0-9a-f]{8}"$/);
    expect(alice.etag).not.toBe(bob.etag);
    expect(bodies.for(body, "alice")).toBe(alice);
  });

  it("gzips to exactly each member's body, small or large, with the shared deflate made once", async () => {
    for (const accounts of [0, 1, 5_000]) {
      const bodies = new MemberBodies(PREFIX);
      const body = shared(accounts);
      for (const member of ["alice", "ümlaut-ß"]) {
        const rendered = bodies.for(body, member);
        const gzipped = await rendered.gzipped();
        expect(gunzipSync(gzipped).toString("utf8")).toBe(rendered.body);
        if (accounts === 5_000) expect(gzipped.length).toBeLessThan(rendered.body.length / 4);
      }
    }
  });

  it("starts again when the shared body changes", () => {
    const bodies = new MemberBodies(PREFIX);
    const first = bodies.for(shared(1), "alice");
    const second = bodies.for({ ...shared(2), etag: '"b3RoZXI"' }, "alice");
    expect(second.body).not.toBe(first.body);
    expect(second.etag.startsWith('"b3RoZXI.')).toBe(true);
    expect(() => bodies.for({ body: '{"sources":[]}', etag: '"x"' }, "alice")).toThrow(/prefix/);
  });

  it("combines CRC-32s as zlib does", () => {
    const text = new TextEncoder().encode("The quick brown fox jumps over the lazy dog, again and again and again.");
    for (const cut of [0, 1, 10, text.length - 1, text.length]) {
      expect(crc32Combine(crc32(text.slice(0, cut)), crc32(text.slice(cut)), text.length - cut)).toBe(crc32(text));
    }
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});
