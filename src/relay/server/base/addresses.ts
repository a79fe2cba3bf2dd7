/*
 * Client addresses, for the limits kept per client: IPv4 and IPv6 addresses and CIDR ranges
 * (the trusted proxies), the walk through X-Forwarded-For, and the key a limit is kept under.
 * Pure text and bytes, so every runtime the relay's handler runs on can use it.
 */

/** 4 bytes for IPv4 (an IPv4-mapped IPv6 address included), 16 for IPv6. */
export type Ip = Uint8Array;

export interface AddressRange {
  bytes: Ip;
  /** Leading bits that must match: 32 or 128 for a single address. */
  prefix: number;
}

export function parseIp(text: string): Ip | undefined {
  const bare = text.trim();
  if (bare.includes(":")) {
    const v6 = parseIpv6(bare);
    // ::ffff:a.b.c.d is how a dual-stack socket reports an IPv4 peer: the same client as a.b.c.d.
    if (v6 && v6.subarray(0, 10).every((byte) => byte === 0) && v6[10] === 0xff && v6[11] === 0xff) return v6.slice(12);
    return v6;
  }
  return parseIpv4(bare);
}

function parseIpv4(text: string): Ip | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)) return undefined;
  return Uint8Array.from(parts.map(Number));
}

function parseIpv6(text: string): Ip | undefined {
  // A zone (fe80::1%eth0) names the interface, not another host.
  const halves = text.replace(/%[\w.-]+$/, "").split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] === "" ? [] : halves[0]!.split(":");
  const tail = halves.length === 1 || halves[1] === "" ? [] : halves[1]!.split(":");
  const last = halves.length === 2 ? tail : head;
  if (last.length > 0 && last[last.length - 1]!.includes(".")) {
    const v4 = parseIpv4(last.pop()!);
    if (!v4) return undefined;
    last.push(((v4[0]! << 8) | v4[1]!).toString(16), ((v4[2]! << 8) | v4[3]!).toString(16));
  }
  const count = head.length + tail.length;
  if (halves.length === 1 ? count !== 8 : count > 7) return undefined;
  const groups = [...head, ...Array<string>(8 - count).fill("0"), ...tail];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = Number.parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** An address (`10.0.0.5`, `::1`) or a CIDR range (`10.0.0.0/8`, `fd00::/8`); undefined when it is neither. */
export function parseRange(text: string): AddressRange | undefined {
  const [address = "", prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return undefined;
  const bytes = parseIp(address);
  if (!bytes) return undefined;
  if (prefixText === undefined) return { bytes, prefix: bytes.length * 8 };
  const bits = address.includes(":") ? 128 : 32;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  // An IPv4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range it maps.
  const prefix = Number(prefixText) - (bits === 128 && bytes.length === 4 ? 96 : 0);
  return prefix < 0 ? undefined : { bytes, prefix };
}

export function inRange(ip: Ip, range: AddressRange): boolean {
  if (ip.length !== range.bytes.length) return false;
  const whole = range.prefix >> 3;
  for (let i = 0; i < whole; i++) if (ip[i] !== range.bytes[i]) return false;
  const rest = range.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip[whole]! & mask) === (range.bytes[whole]! & mask);
}

/** The configured proxies, as ranges: whether an address is one of them. */
export class TrustedProxies {
  constructor(private readonly ranges: readonly AddressRange[]) {}

  /** Throws nothing: an entry that is not an address or a range was refused with the configuration. */
  static from(entries: readonly string[]): TrustedProxies {
    return new TrustedProxies(entries.flatMap((entry) => parseRange(entry) ?? []));
  }

  has(address: string): boolean {
    const ip = parseIp(address);
    return ip !== undefined && this.ranges.some((range) => inRange(ip, range));
  }
}

/** An address as one X-Forwarded-For entry may write it: `[::1]:443` and `10.0.0.5:80` carry a port. */
function hopAddress(entry: string): string | undefined {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const text = bracketed ? bracketed[1]! : /^[\d.]+:\d+$/.test(entry) ? entry.slice(0, entry.lastIndexOf(":")) : entry;
  const ip = parseIp(text);
  return ip ? formatIp(ip) : undefined;
}

/**
 * The client a request comes from. The peer, unless the peer is a trusted proxy: then
 * X-Forwarded-For is read from the right, where each proxy appended the address it was reached
 * from, past every trusted proxy; the first address that is not one is the client. Entries left
 * of it were written by the client itself and are never believed. An entry that is not an
 * address ends the walk at the last address a trusted proxy vouched for.
 */
export function clientOf(peer: string, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  let client = peer;
  if (forwardedFor === undefined || !trusted.has(client)) return client;
  const entries = forwardedFor.split(",");
  for (let i = entries.length - 1; i >= 0; i--) {
    const hop = hopAddress(entries[i]!.trim());
    if (hop === undefined) return client;
    client = hop;
    if (!trusted.has(hop)) return client;
  }
  return client;
}

/** Dotted IPv4, or IPv6 as RFC 5952 writes it (lower case, the longest run of zero groups as ::): one spelling per address. */
export function formatIp(ip: Ip): string {
  if (ip.length === 4) return ip.join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip[i]! << 8) | ip[i + 1]!).toString(16));
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === "0") length++;
    if (length > best.length) best = { start, length };
  }
  if (best.start < 0) return groups.join(":");
  return `${groups.slice(0, best.start).join(":")}::${groups.slice(best.start + best.length).join(":")}`;
}

/**
 * The key a per-client limit is kept under: an IPv4 address, or an IPv6 address's /64. One
 * IPv6 subscriber usually has a whole /64 (2^64 addresses), so a limit per address would stop
 * no one. Anything that is not an address is its own key.
 */
export function limitKey(address: string): string {
  const ip = parseIp(address);
  if (!ip) return address;
  if (ip.length === 4) return formatIp(ip);
  return `${formatIp(Uint8Array.from([...ip.subarray(0, 8), ...new Uint8Array(8)]))}/64`;
}
