import { fnv1a } from "../../../core/kit/hash.ts";
import type { Rendered } from "./view.ts";

/*
 * The status as one member is served it: the body every member shares, with the member's own name
 * put in at its start (`"member": …`, so a popup can say "You"), its own tag, and its own gzip.
 *
 * The shared body is the cost of a change (hundreds of kilobytes at 100,000 accounts), so it is
 * serialised, hashed and compressed once per change, whoever asks. A member's gzip is then put
 * together without compressing the body again: a gzip member is a deflate stream, and a deflate
 * stream may begin with a stored (uncompressed) block, so the member's few bytes go first as one,
 * followed by the shared body's deflate stream as it is (its back-references stay within itself).
 * The checksum of the whole is the two parts' checksums combined (zlib's crc32_combine).
 */

export interface SharedBody {
  body: string;
  etag: string;
}

/** What every member's gzip reuses: the shared remainder, deflated once, with its CRC-32 and length. */
interface Deflated {
  deflated: Uint8Array;
  crc: number;
  length: number;
}

/** Per member, the shared status with the member marked. Rebuilt when the shared body changes. */
export class MemberBodies {
  #shared: SharedBody | undefined;
  #deflated: Promise<Deflated> | undefined;
  readonly #members = new Map<string, Rendered>();

  constructor(private readonly prefix: string) {}

  /** `shared` must start with the prefix given (`{"protocol":1,`). */
  for(shared: SharedBody, member: string): Rendered {
    if (this.#shared !== shared) {
      if (!shared.body.startsWith(this.prefix)) throw new Error("the shared body does not start with the expected prefix");
      this.#shared = shared;
      this.#deflated = undefined;
      this.#members.clear();
    }
    let rendered = this.#members.get(member);
    if (!rendered) {
      const head = `${this.prefix}"member":${JSON.stringify(member)},`;
      const body = head + shared.body.slice(this.prefix.length);
      const etag = `"${shared.etag.slice(1, -1)}.${fnv1a(member)}"`;
      let gzipped: Promise<Uint8Array<ArrayBuffer>> | undefined;
      const rest = () => (this.#deflated ??= deflate(new TextEncoder().encode(shared.body.slice(this.prefix.length))));
      rendered = { body, etag, gzipped: () => (gzipped ??= rest().then((deflated) => gzipWithHead(new TextEncoder().encode(head), deflated))) };
      this.#members.set(member, rendered);
    }
    return rendered;
  }
}

async function deflate(bytes: Uint8Array<ArrayBuffer>): Promise<Deflated> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return { deflated: new Uint8Array(await new Response(stream).arrayBuffer()), crc: crc32(bytes), length: bytes.length };
}

const GZIP_HEADER = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
/** A stored block holds at most this many bytes; a member's name is far shorter. */
const STORED_MAX = 0xffff;

/** A gzip member of `head` followed by the text `rest` was deflated from. */
export function gzipWithHead(head: Uint8Array, rest: Deflated): Uint8Array<ArrayBuffer> {
  if (head.length > STORED_MAX) throw new Error("the head is too long for a stored block");
  const out = new Uint8Array(GZIP_HEADER.length + 5 + head.length + rest.deflated.length + 8);
  const view = new DataView(out.buffer);
  out.set(GZIP_HEADER, 0);
  let at = GZIP_HEADER.length;
  // BFINAL 0, BTYPE 00 (stored), then LEN and its complement, little-endian, and the bytes.
  out[at++] = 0;
  view.setUint16(at, head.length, true);
  view.setUint16(at + 2, ~head.length & 0xffff, true);
  at += 4;
  out.set(head, at);
  at += head.length;
  out.set(rest.deflated, at);
  at += rest.deflated.length;
  view.setUint32(at, crc32Combine(crc32(head), rest.crc, rest.length), true);
  view.setUint32(at + 4, (head.length + rest.length) >>> 0, true);
  return out;
}

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function gf2Times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0; vector !== 0; i++, vector >>>= 1) if (vector & 1) sum ^= matrix[i]!;
  return sum >>> 0;
}

function gf2Square(square: Uint32Array, matrix: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(matrix, matrix[n]!);
}

/** The CRC-32 of A followed by B, from A's, B's and B's length (zlib's crc32_combine). */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  // The operator for one zero bit, then two and four.
  odd[0] = 0xedb88320;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row >>> 0;
  gf2Square(even, odd);
  gf2Square(odd, even);
  let crc = crcA >>> 0;
  let length = lengthB;
  // Apply length zero bytes to A's CRC, squaring the operator for each bit of the length.
  while (length > 0) {
    gf2Square(even, odd);
    if (length & 1) crc = gf2Times(even, crc);
    length = Math.floor(length / 2);
    if (length === 0) break;
    gf2Square(odd, even);
    if (length & 1) crc = gf2Times(odd, crc);
    length = Math.floor(length / 2);
  }
  return (crc ^ crcB) >>> 0;
}
