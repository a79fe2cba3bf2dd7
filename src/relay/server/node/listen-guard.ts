import { isIP } from "node:net";

/** Addresses only this machine can reach. Anything else (0.0.0.0, ::, a LAN address) is not. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost") return true;
  if (bare === "::1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice(7) : bare;
  return isIP(v4) === 4 && v4.split(".")[0] === "127";
}

/**
 * The relay speaks plain HTTP. Member tokens and reconnect links must not cross a network in the
 * clear, so it listens beyond this machine only when told that a TLS-terminating proxy is in
 * front of it. Returns the message to stop with, or undefined.
 */
export function listenProblem(host: string, behindTlsProxy: boolean): string | undefined {
  if (isLoopback(host) || behindTlsProxy) return undefined;
  return [
    `Refusing to serve plain HTTP on ${host}: member tokens and reconnect links would cross the network unencrypted.`,
    "Either listen on 127.0.0.1 (the default) and reach the relay from this machine only,",
    "or put it behind a reverse proxy that terminates HTTPS (README: Team mode) and start it with",
    "--behind-tls-proxy (or RELAY_BEHIND_TLS_PROXY=1).",
  ].join("\n");
}
