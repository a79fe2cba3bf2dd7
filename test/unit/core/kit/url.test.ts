import { describe, expect, it } from "vitest";
import { problemText } from "../../../../src/core/words/problems.ts";
import { isHttpUrl, isIconUrl, normalizeBaseUrl, originOf, originPattern } from "../../../../src/core/kit/url.ts";
import { de, en } from "../../support/i18n.ts";

/** Why a base URL is refused, as the options page says it in English. */
function refusal(input: string): string | undefined {
  const result = normalizeBaseUrl(input);
  return result.ok ? undefined : problemText(en, result.problem);
}

describe("isHttpUrl", () => {
  it.each(["https://app.refold.ai", "http://localhost:8787/x.png", "HTTPS://LOGOS.TEST/A.PNG", "https://cobalt-app-logos.s3.ap-south-1.amazonaws.com/slack/logo.png"])(
    "accepts %s",
    (url) => {
      expect(isHttpUrl(url)).toBe(true);
    },
  );

  it.each<unknown>([
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,iVBORw0KGgo=",
    "ftp://files.example.com/logo.png",
    "file:///etc/passwd",
    "chrome-extension://abc/popup.html",
    "/relative/logo.png",
    "logo.png",
    "//cdn.example.com/logo.png",
    "not a url",
    "",
    undefined,
    null,
    42,
    {},
  ])("refuses %j", (value) => {
    expect(isHttpUrl(value)).toBe(false);
  });
});

describe("normalizeBaseUrl", () => {
  it.each<[string, string]>([
    ["https://api.gocobalt.io", "https://api.gocobalt.io"],
    ["api.gocobalt.io", "https://api.gocobalt.io"],
    ["  app.refold.ai  ", "https://app.refold.ai"],
    ["https://app.refold.ai/", "https://app.refold.ai"],
    ["https://app.refold.ai///", "https://app.refold.ai"],
    ["HTTPS://APP.REFOLD.AI/", "https://app.refold.ai"],
    ["https://app.refold.ai/api/v2/public/application", "https://app.refold.ai"],
    ["https://app.refold.ai/api/v2/public/", "https://app.refold.ai"],
    ["https://app.refold.ai/api/v2/public", "https://app.refold.ai"],
    ["app.refold.ai/api/v2/public/linked-account?", "https://app.refold.ai"],
    ["https://cobalt.example.com/proxy/api/v2/public/application", "https://cobalt.example.com/proxy"],
    ["https://cobalt.example.com/proxy/", "https://cobalt.example.com/proxy"],
    ["http://localhost:8787", "http://localhost:8787"],
    ["http://127.0.0.1:8787/", "http://127.0.0.1:8787"],
    ["https://app.refold.ai:443", "https://app.refold.ai"],
  ])("%j → %j", (input, value) => {
    expect(normalizeBaseUrl(input)).toEqual({ ok: true, value });
  });

  it("gives https:// to a bare host with a port", () => {
    expect(normalizeBaseUrl("cobalt.example.com:8443")).toEqual({ ok: true, value: "https://cobalt.example.com:8443" });
    expect(normalizeBaseUrl("localhost:8787")).toEqual({ ok: true, value: "https://localhost:8787" });
  });

  it("says why as data, and the page words it in the user's language", () => {
    expect(normalizeBaseUrl("http://cobalt.example.com")).toEqual({ ok: false, problem: { code: "url-http-remote", host: "cobalt.example.com" } });
    expect(normalizeBaseUrl("app refold ai")).toEqual({ ok: false, problem: { code: "url-not-url", input: "app refold ai" } });
    const result = normalizeBaseUrl("https://app.refold.ai?env=test");
    expect(result.ok ? undefined : problemText(de, result.problem)).toBe("Entfernen Sie den Teil mit ? oder # aus der API-Basis-URL.");
  });

  it("asks for a URL when empty", () => {
    expect(refusal("")).toBe("Enter the API base URL, for example https://api.gocobalt.io.");
    expect(refusal("   ")).toBe("Enter the API base URL, for example https://api.gocobalt.io.");
  });

  it.each(["https://", "http://", "app refold ai"])("refuses %j as not a URL", (input) => {
    expect(refusal(input)).toBe(`"${input}" is not a URL. Use a form like https://api.gocobalt.io.`);
  });

  it.each<[string, string]>([
    ["ftp://files.example.com", "ftp:"],
    ["javascript:alert(1)", "javascript:"],
    ["file:///etc/hosts", "file:"],
  ])("refuses the %j scheme", (input, scheme) => {
    expect(refusal(input)).toBe(`The API base URL must start with https:// (or http:// for a local server), not ${scheme}//.`);
  });

  it.each(["https://user:secret@app.refold.ai", "https://user@app.refold.ai", "https://:secret@app.refold.ai"])("refuses credentials in %j", (input) => {
    expect(refusal(input)).toBe("Remove the user name and password from the API base URL; the API key is sent separately.");
  });

  it.each(["https://app.refold.ai?env=test", "https://app.refold.ai/#top", "https://app.refold.ai/api/v2/public/application?linked_account_id=a"])(
    "refuses a query or fragment in %j",
    (input) => {
      expect(refusal(input)).toBe("Remove the ? or # part from the API base URL.");
    },
  );

  it.each<[string, string]>([
    ["http://localhost:8787", "http://localhost:8787"],
    ["http://LOCALHOST:8787/", "http://localhost:8787"],
    ["http://localhost", "http://localhost"],
    ["http://127.0.0.1", "http://127.0.0.1"],
    ["http://127.0.0.1:8787/proxy/api/v2/public/", "http://127.0.0.1:8787/proxy"],
    ["http://127.1:8787", "http://127.0.0.1:8787"],
    ["http://[::1]:8787", "http://[::1]:8787"],
    ["http://[0:0:0:0:0:0:0:1]:8787", "http://[::1]:8787"],
  ])("allows plain http:// for a server on this computer: %j → %j", (input, value) => {
    expect(normalizeBaseUrl(input)).toEqual({ ok: true, value });
  });

  it.each<[string, string]>([
    ["http://api.gocobalt.io", "api.gocobalt.io"],
    ["http://cobalt.example.com:8080/proxy", "cobalt.example.com:8080"],
    ["HTTP://COBALT.EXAMPLE.COM", "cobalt.example.com"],
    ["http://10.0.0.5:8787", "10.0.0.5:8787"],
    ["http://192.168.1.20", "192.168.1.20"],
    ["http://0.0.0.0:8787", "0.0.0.0:8787"],
    ["http://[::2]:8787", "[::2]:8787"],
    ["http://[::ffff:127.0.0.1]", "[::ffff:7f00:1]"],
    ["http://localhost.example.com", "localhost.example.com"],
    ["http://127.0.0.1.nip.io", "127.0.0.1.nip.io"],
    // Loopback, but no manifest pattern can grant it: refused rather than asked for in vain.
    ["http://127.12.34.56:9000", "127.12.34.56:9000"],
    ["http://app.localhost:8787", "app.localhost:8787"],
    ["http://user:secret@cobalt.example.com", "cobalt.example.com"],
  ])("refuses plain http:// to %j: the key would cross the network in cleartext", (input, host) => {
    expect(refusal(input)).toBe(`The API base URL must start with https:// for ${host}: http:// would send the API key unencrypted, so it is only for a local server (localhost, 127.0.0.1 or [::1]).`);
  });

  it("gives a base that joins cleanly with an API path", () => {
    for (const input of ["app.refold.ai/", "https://cobalt.example.com/proxy/api/v2/public/"]) {
      const result = normalizeBaseUrl(input);
      if (!result.ok) throw new Error(result.problem.code);
      expect(`${result.value}/api/v2/public/application`).not.toContain("//api");
      expect(result.value.endsWith("/")).toBe(false);
    }
  });
});

describe("originPattern", () => {
  it.each<[string, string]>([
    ["https://app.refold.ai", "https://app.refold.ai/*"],
    ["https://api.gocobalt.io", "https://api.gocobalt.io/*"],
    ["http://localhost:8787", "http://localhost/*"],
    ["https://cobalt.example.com:8443/proxy", "https://cobalt.example.com/*"],
  ])("%s → %s", (base, pattern) => {
    expect(originPattern(base)).toBe(pattern);
  });
});

describe("originOf", () => {
  it("keeps the port", () => {
    expect(originOf("http://localhost:8787/proxy/x")).toBe("http://localhost:8787");
    expect(originOf("https://app.refold.ai/a")).toBe("https://app.refold.ai");
  });
});

describe("isIconUrl", () => {
  it.each(["https://cobalt-app-logos.s3.ap-south-1.amazonaws.com/slack/logo.png", "http://localhost:8787/logos/a.png", "http://127.0.0.1/x.png", "http://[::1]:9/x.png"])(
    "loads %s",
    (url) => expect(isIconUrl(url)).toBe(true),
  );
  it.each(["http://logos.example.com/a.png", "http://127.0.0.2/x.png", "http://app.localhost/x.png", "javascript:alert(1)", "data:image/png;base64,AA", "not a url", 42, undefined])(
    "refuses %s",
    (url) => expect(isIconUrl(url)).toBe(false),
  );
});
