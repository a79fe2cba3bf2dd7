import { describe, expect, it } from "vitest";
import { PIECE_CHARS, slicedJson } from "../../../../../src/relay/server/store/sliced-json.ts";
import { scrubValue } from "../../../../../src/relay/server/store/records.ts";

const KEY = "sk_live_secret_key";
const plain = { scrub: (value: unknown) => value, scrubText: (text: string) => text };
const joined = async (pieces: Promise<string[]>) => (await pieces).join("");

function account(n: number) {
  return { id: `acc-${n}`, name: n % 7 === 0 ? undefined : `Customer "${n}"\n`, reauth: [{ slug: "slack", since: n }], error: n % 11 === 0 ? `echo ${KEY}` : null, at: new Date(0) };
}

function large() {
  const healthy: Record<string, unknown> = Object.create(null);
  for (let n = 0; n < 300; n++) healthy[n === 5 ? "__proto__" : `acc-${n}`] = [{ slug: `app-${n}`, icon: undefined, f: () => 1 }];
  healthy[KEY] = ["keyed by the key"];
  return { version: 1, sources: { main: { status: { accounts: Array.from({ length: 500 }, (_, n) => account(n)), sparse: [undefined, () => 1, Symbol("s"), 1] }, healthy, since: {} } } };
}

describe("slicedJson", () => {
  it("writes what JSON.stringify writes, large containers included (undefined, functions, dates, __proto__ keys)", async () => {
    const value = large();
    expect(await joined(slicedJson(value, plain))).toBe(JSON.stringify(value));
    for (const small of [1, "x", null, [], {}, [undefined], { a: undefined }, new Date(5), Array.from({ length: 100 }, () => undefined)]) {
      expect(await joined(slicedJson(small, plain))).toBe(JSON.stringify(small));
    }
  });

  it("scrubs the secrets from every string and key as scrubValue does", async () => {
    const value = large();
    const secrets = [KEY];
    const text = await joined(slicedJson(value, { scrub: (item) => scrubValue(item, secrets), scrubText: (item) => scrubValue(item, secrets) }));
    expect(text).toBe(JSON.stringify(scrubValue(value, secrets)));
    expect(text).not.toContain(KEY);
    expect(JSON.parse(text).sources.main.healthy).toHaveProperty("__proto__");
  });

  it("gives a large text back in pieces, never as one string of it all", async () => {
    const value = { accounts: Array.from({ length: 20_000 }, (_, n) => account(n)) };
    const pieces = await slicedJson(value, plain);
    expect(pieces.join("")).toBe(JSON.stringify(value));
    expect(pieces.length).toBeGreaterThan(2);
    // A piece ends once its parts reach PIECE_CHARS: it exceeds that by one account's text at most.
    for (const piece of pieces) expect(piece.length).toBeLessThan(PIECE_CHARS + 1_000);
  });

  it("gives way to other work while it writes a large value", async () => {
    let ranMeanwhile = false;
    let done = false;
    setTimeout(() => {
      ranMeanwhile = !done;
    }, 0);
    // A clock that moves a millisecond per reading: the work gives way every few entries.
    let clock = 0;
    await slicedJson(large(), { ...plain, now: () => clock++ });
    done = true;
    expect(ranMeanwhile).toBe(true);
  });
});
