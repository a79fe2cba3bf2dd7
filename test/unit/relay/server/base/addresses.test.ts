import { describe, expect, it } from "vitest";
import { clientOf, formatIp, inRange, limitKey, parseIp, parseRange, TrustedProxies } from "../../../../../src/relay/server/base/addresses.ts";

const spelled = (text: string) => {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : undefined;
};

describe("addresses", () => {
  it("reads IPv4 and IPv6 in every spelling, and an IPv4-mapped IPv6 address as the IPv4 one", () => {
    expect(spelled("192.0.2.1")).toBe("192.0.2.1");
    expect(spelled("2001:DB8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
    expect(spelled("::1")).toBe("::1");
    expect(spelled("::")).toBe("::");
    expect(spelled("fe80::1%eth0")).toBe("fe80::1");
    expect(spelled("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(spelled("::FFFF:7f00:1")).toBe("127.0.0.1");
    for (const bad of ["", "unknown", "256.0.0.1", "01.2.3.4", "1.2.3", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "g::1", "proxy.local"]) expect(spelled(bad), bad).toBeUndefined();
  });

  it("matches CIDR ranges of both families, and single addresses", () => {
    const match = (address: string, range: string) => inRange(parseIp(address)!, parseRange(range)!);
    expect(match("10.255.0.1", "10.0.0.0/8")).toBe(true);
    expect(match("11.0.0.1", "10.0.0.0/8")).toBe(false);
    expect(match("172.31.255.255", "172.16.0.0/12")).toBe(true);
    expect(match("172.32.0.0", "172.16.0.0/12")).toBe(false);
    expect(match("fd12:3456::1", "fd00::/8")).toBe(true);
    expect(match("fe80::1", "fd00::/8")).toBe(false);
    expect(match("10.0.0.1", "fd00::/8")).toBe(false);
    expect(match("::ffff:10.0.0.1", "10.0.0.0/8")).toBe(true);
    expect(match("10.0.0.1", "::ffff:10.0.0.0/104")).toBe(true);
    expect(match("203.0.113.9", "0.0.0.0/0")).toBe(true);
    expect(match("127.0.0.1", "127.0.0.1")).toBe(true);
    expect(match("127.0.0.2", "127.0.0.1")).toBe(false);
    for (const bad of ["10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "x/8"]) expect(parseRange(bad), bad).toBeUndefined();
  });

  it("keeps limits per IPv4 address and per IPv6 /64", () => {
    expect(limitKey("192.0.2.1")).toBe("192.0.2.1");
    expect(limitKey("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(limitKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(limitKey("2001:db8::1")).toBe("2001:db8::/64");
    expect(limitKey("unknown")).toBe("unknown");
  });
});

describe("the client behind trusted proxies", () => {
  const trusted = TrustedProxies.from(["127.0.0.1", "10.0.0.0/8", "fd00::/8"]);

  it("is the peer itself unless the peer is a trusted proxy", () => {
    expect(clientOf("198.51.100.1", "192.0.2.1", trusted)).toBe("198.51.100.1");
    expect(clientOf("127.0.0.1", undefined, trusted)).toBe("127.0.0.1");
  });

  it("is found by reading X-Forwarded-For from the right, past every trusted proxy", () => {
    expect(clientOf("127.0.0.1", "192.0.2.1", trusted)).toBe("192.0.2.1");
    expect(clientOf("127.0.0.1", "203.0.113.9, 192.0.2.1, 10.1.2.3", trusted)).toBe("192.0.2.1");
    expect(clientOf("127.0.0.1", "192.0.2.1,10.1.2.3 , fd00::7", trusted)).toBe("192.0.2.1");
    expect(clientOf("127.0.0.1", "2001:db8::5, 10.1.2.3", trusted)).toBe("2001:db8::5");
    expect(clientOf("127.0.0.1", "[2001:db8::5]:4711, 192.0.2.1:80", trusted)).toBe("192.0.2.1");
    // Every hop a trusted proxy: the leftmost is as far as anyone vouches.
    expect(clientOf("127.0.0.1", "10.0.0.9, 10.1.2.3", trusted)).toBe("10.0.0.9");
  });

  it("stops at the last address a trusted proxy vouched for when an entry is not an address", () => {
    expect(clientOf("127.0.0.1", "192.0.2.1, nonsense", trusted)).toBe("127.0.0.1");
    expect(clientOf("127.0.0.1", "nonsense, 10.1.2.3", trusted)).toBe("10.1.2.3");
    expect(clientOf("127.0.0.1", "", trusted)).toBe("127.0.0.1");
  });
});
