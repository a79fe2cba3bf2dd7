/**
 * A small HTTP proxy on 127.0.0.1 that the harness puts in front of the browser under test, so
 * every HTTP request the browser makes is recorded with its URL and request headers — from pages,
 * from tabs the extension opened, from the Chromium service worker and from the Firefox background
 * page alike (the drivers' own network events miss some of these: Playwright reports nothing for
 * tabs opened with chrome.tabs.create, and Firefox's WebDriver BiDi reports nothing for the
 * extension's background page).
 *
 * Requests to loopback hosts (127.0.0.0/8, localhost, [::1]) are forwarded unchanged (the proxy
 * drops only the hop-by-hop `proxy-*` headers), each on a fresh connection. Failures keep their
 * meaning: a refused or reset upstream connection resets the browser's connection (a network
 * error in the page, not an HTTP 502), and a server that never answers keeps the browser waiting.
 * Requests to any other host are recorded and their connection is reset without any outgoing
 * connection (a network error, as on this machine without the proxy), so a test run never sends
 * traffic off the machine. HTTPS and WebSocket tunnels (CONNECT) are recorded as
 * `https://host:port/` with the CONNECT headers only (the proxy cannot see inside TLS), tunnelled
 * only to loopback, and refused with 502 otherwise.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  /** Absolute URL, e.g. "http://127.0.0.1:4321/api/v1/things?x=1"; "https://host:443/" for a CONNECT tunnel. */
  url: string;
  method: string;
  /** Request headers as the browser sent them, names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Date.now() when the proxy received the request. */
  at: number;
  /** False when the proxy refused to forward it (a non-loopback host). */
  forwarded: boolean;
}

export interface RequestLogProxy {
  readonly port: number;
  requests(): RecordedRequest[];
  clear(): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(["proxy-connection", "proxy-authorization", "proxy-authenticate"]);

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost") || h === "::1") return true;
  return net.isIPv4(h) && h.startsWith("127.");
}

function flatHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

export async function startRequestLogProxy(): Promise<RequestLogProxy> {
  let log: RecordedRequest[] = [];
  const sockets = new Set<net.Socket>();

  const server = http.createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      res.writeHead(400).end("e2e request-log proxy: expected an absolute URL");
      return;
    }
    const headers = flatHeaders(req.headers);
    const forwarded = target.protocol === "http:" && isLoopbackHost(target.hostname);
    log.push({ url: target.href, method: req.method ?? "GET", headers, at: Date.now(), forwarded });
    if (!forwarded) {
      // As if the host could not be reached: what the browser would see here without the proxy.
      res.socket?.resetAndDestroy();
      return;
    }
    const outHeaders: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && value !== undefined) outHeaders[name] = value;
    }
    const upstream = http.request(
      {
        host: target.hostname.replace(/^\[|\]$/g, ""),
        port: target.port || 80,
        method: req.method,
        path: target.pathname + target.search,
        headers: outHeaders,
        // A fresh connection per request: a stale pooled one could fail where the browser,
        // talking to the server itself, would have retried.
        agent: false,
      },
      (upRes) => {
        upRes.on("error", () => res.destroy());
        res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, upRes.rawHeaders);
        upRes.pipe(res);
      },
    );
    // A failed upstream connection (refused, reset) is passed on as a reset, not turned into an
    // answer: the browser must see the same network failure it would see without the proxy.
    upstream.on("error", () => {
      res.socket?.resetAndDestroy();
    });
    res.on("close", () => upstream.destroy());
    req.on("error", () => upstream.destroy());
    req.pipe(upstream);
  });

  // CONNECT: HTTPS or WebSocket tunnels. Only the host is visible.
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    // After "connect"/"upgrade" the socket is ours, with no error listener: a browser resetting
    // the connection must not become an uncaught ECONNRESET.
    client.on("error", () => client.destroy());
    const [host = "", port = "443"] = (req.url ?? "").split(/:(?=\d+$)/);
    const forwarded = isLoopbackHost(host);
    log.push({ url: `https://${host}:${port}/`, method: "CONNECT", headers: flatHeaders(req.headers), at: Date.now(), forwarded });
    if (!forwarded) {
      client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      return;
    }
    const upstream = net.connect(Number(port), host.replace(/^\[|\]$/g, ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });

  // Plain-http WebSocket upgrades through the proxy.
  server.on("upgrade", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.on("error", () => client.destroy());
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      client.destroy();
      return;
    }
    const forwarded = isLoopbackHost(target.hostname);
    log.push({ url: target.href, method: req.method ?? "GET", headers: flatHeaders(req.headers), at: Date.now(), forwarded });
    if (!forwarded) {
      client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      return;
    }
    const upstream = net.connect(Number(target.port || 80), target.hostname.replace(/^\[|\]$/g, ""), () => {
      const lines = [`${req.method} ${target.pathname}${target.search} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (!HOP_BY_HOP.has(req.rawHeaders[i]!.toLowerCase())) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      upstream.write(lines.join("\r\n") + "\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });

  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    requests: () => log.map((r) => ({ ...r, headers: { ...r.headers } })),
    clear: () => {
      log = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
