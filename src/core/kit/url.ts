/** Only these schemes are ever opened, loaded or fetched; anything else from the API is refused. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const { protocol } = new URL(value);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

/**
 * Loopback hosts, where plain http never leaves this computer, as the WHATWG `URL.hostname`
 * spells them (already canonical: "127.1" and "[0:0:0:0:0:0:0:1]" arrive as 127.0.0.1 and
 * [::1]). Only the three the manifest's optional permissions name: another 127.x address could
 * never be granted, and Save would ask for it in vain. Names that merely look local
 * (`app.localhost`, `127.0.0.1.nip.io`) do not match.
 */
const LOOPBACK_HOST = /^(localhost|\[::1\]|127\.0\.0\.1)$/;

/** Whether a URL's hostname (as `URL.hostname` spells it) is this computer, where plain http never crosses a network. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOST.test(hostname);
}

/** https only: what the pages load from hosts the API names (icons), so nobody on the way can read or swap it. */
export function isHttpsUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * What the pages may load from hosts the API names (icons): https, so nobody on the way can read
 * or swap it, or plain http from this computer, where it never crosses a network (the same rule
 * as the API base URL).
 */
export function isIconUrl(value: unknown): value is string {
  if (isHttpsUrl(value)) return true;
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return url.protocol === "http:" && LOOPBACK_HOST.test(url.hostname);
  } catch {
    return false;
  }
}

/** Why a base URL cannot be used, as data (worded by problemText in core/words/problems.ts). */
export type BaseUrlProblem =
  | { code: "url-empty" }
  | { code: "url-not-url"; input: string }
  | { code: "url-scheme"; scheme: string }
  | { code: "url-http-remote"; host: string }
  | { code: "url-credentials" }
  | { code: "url-query" };

export type BaseUrlResult = { ok: true; value: string } | { ok: false; problem: BaseUrlProblem };

/**
 * Accepts what people paste: a bare host gets https:// (as Cobalt's SDK does), a trailing slash
 * or a pasted API path is tolerated. The result has no trailing slash, so `${base}/api/...` is
 * always well formed.
 */
export function normalizeBaseUrl(input: string): BaseUrlResult {
  const trimmed = input.trim();
  if (trimmed === "") return { ok: false, problem: { code: "url-empty" } };
  // "host:8443" is a host with a port, not a scheme.
  const withScheme = /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, problem: { code: "url-not-url", input: trimmed } };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, problem: { code: "url-scheme", scheme: url.protocol } };
  // http:// would send the key unencrypted: only to this computer.
  if (url.protocol === "http:" && !LOOPBACK_HOST.test(url.hostname)) return { ok: false, problem: { code: "url-http-remote", host: url.host } };
  // The key is sent in its own header; credentials in the URL are a paste accident.
  if (url.username || url.password) return { ok: false, problem: { code: "url-credentials" } };
  if (url.search || url.hash) return { ok: false, problem: { code: "url-query" } };
  const path = url.pathname.replace(/\/api\/v2\/public\/?.*$/, "").replace(/\/+$/, "");
  return { ok: true, value: `${url.origin}${path}` };
}

/** The match pattern a host permission for this base URL needs (ports are covered by the host). */
export function originPattern(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.hostname}/*`;
}

export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * The team relay's address, by the API base URL's rules (https, or plain http on this computer
 * only: the member token is sent with every request). A pasted API path (`/v1/status`) is cut,
 * so `${relayUrl}/v1/...` is always well formed; any other path stays (a relay behind a proxy's path).
 */
export function normalizeRelayUrl(input: string): BaseUrlResult {
  const base = normalizeBaseUrl(input);
  if (!base.ok) return base;
  return { ok: true, value: base.value.replace(/\/v1(\/.*)?$/, "") };
}
