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

/** Icons load only over https: a plain-http image would tell anyone on the network what is open. */
export function isHttpsUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

export type BaseUrlResult = { ok: true; value: string } | { ok: false; message: string };

/**
 * Accepts what people paste: a bare host gets https:// (as Cobalt's SDK does), a trailing slash
 * or a pasted API path is tolerated. The result has no trailing slash, so `${base}/api/...` is
 * always well formed.
 */
export function normalizeBaseUrl(input: string): BaseUrlResult {
  const trimmed = input.trim();
  if (trimmed === "") return { ok: false, message: "Enter the API base URL, for example https://api.gocobalt.io." };
  // "host:8443" is a host with a port, not a scheme.
  const withScheme = /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, message: `"${trimmed}" is not a URL. Use a form like https://api.gocobalt.io.` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, message: `The API base URL must start with https:// (or http:// for a local server), not ${url.protocol}//.` };
  }
  if (url.username || url.password) {
    return { ok: false, message: "Remove the user name and password from the API base URL; the API key is sent separately." };
  }
  if (url.search || url.hash) {
    return { ok: false, message: "Remove the ? or # part from the API base URL." };
  }
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
