import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findLiterals, type Finding } from "./support/ui-literals.ts";
import { catalog } from "../unit/support/i18n.ts";

/*
 * Every word the pages, the badge and the notifications show comes from the catalogs
 * (public/_locales), so a German or Japanese browser never meets an English sentence written into
 * a component, or thrown by the background or an adapter and quoted on a page.
 */

const UI = "src/ui";

/** Message names, and the base names of plural messages, as code passes them. */
const KEYS = new Set(Object.keys(catalog("en")).flatMap((key) => [key, key.replace(/_(zero|one|two|few|many|other)$/, "")]));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const scan = (source: string, file = "snippet.tsx", returnsAreShown = true) => findLiterals(file, source, KEYS, { returnsAreShown });
const show = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line}: ${f.where} ${JSON.stringify(f.text)}`);

describe("no user-visible literal in src/ui bypasses the catalog", () => {
  it("every .ts and .tsx file under src/ui", () => {
    const files = sourceFiles(UI);
    expect(files.length).toBeGreaterThan(10);
    const findings = files.flatMap((file) => scan(readFileSync(file, "utf8"), file));
    expect(show(findings)).toEqual([]);
  });
});

/**
 * What else reaches a page, the badge or a notification: the background (its errors reach the
 * popup through messages), the adapters, the core that words and models what is shown, and the
 * relay client. Strings there that are not words, each with the reason.
 */
const BEYOND_UI = ["src/background", "src/adapters", "src/core", "src/relay/client"];
const NOT_WORDS: Record<string, { texts: string[]; why: string }> = {
  "src/core/api/client.ts": { texts: ["Bearer "], why: "an HTTP header's scheme" },
  "src/relay/client/client.ts": { texts: ["Bearer "], why: "an HTTP header's scheme" },
  "src/core/api/errors.ts": { texts: [" (HTTP "], why: "ApiError's message for developers (a stack trace); pages word its kind and parameters" },
  "src/adapters/browser.ts": { texts: ["The browser extension API is not available in this context."], why: "thrown only outside the extension (a unit test without a browser), never on its pages" },
  "src/core/preview/sample.ts": {
    texts: ["Salesforce", "Slack", "QuickBooks Online", "Zendesk", "Jira", "Stripe", "Intercom", "Shopify", "Mailchimp", "Google Drive", "Xero", "Pipedrive", "Northwind Traders", "Contoso Ltd.", "Globex Corporation", "Fabrikam, Inc.", "Tailspin Toys"],
    why: "the sample data's app and customer names: names, the same in every language",
  },
};

describe("no user-visible literal beyond src/ui bypasses the catalog either", () => {
  it("every .ts file of the background, the adapters, the core and the relay client", () => {
    const files = BEYOND_UI.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(80);
    const findings = files.flatMap((file) => scan(readFileSync(file, "utf8"), file, false)).filter((f) => !NOT_WORDS[f.file]?.texts.includes(f.text));
    expect(show(findings)).toEqual([]);
  });

  it("the list of strings that are not words holds no stale entry", () => {
    for (const [file, { texts }] of Object.entries(NOT_WORDS)) {
      const found = scan(readFileSync(file, "utf8"), file, false).map((f) => f.text);
      expect(texts.filter((text) => !found.includes(text)), file).toEqual([]);
    }
  });
});

describe("the scanner", () => {
  it("beyond the pages, judges what functions return as prose: codes pass, sentences do not", () => {
    const findings = scan(`
      function saved() { if (x) return "stored"; return "replaced"; }
      const key = () => "errorRelayCobaltKey";
      async function open() { throw new Error("The reconnect tab could not be opened."); }
      function why() { return "Not a web link."; }`, "background.ts", false);
    expect(findings.map((f) => f.text)).toEqual(["The reconnect tab could not be opened.", "Not a web link."]);
  });

  it("finds JSX text, with its line", () => {
    expect(show(scan(`const a = 1;\nconst p = <p>\n  Hello there\n</p>;`))).toEqual(['snippet.tsx:2: JSX text "Hello there"']);
  });

  it("finds strings in user-visible attributes and props, through conditionals and templates", () => {
    const findings = scan(`
      <div>
        <button aria-label="Close" />
        <input placeholder={busy ? "…" : "Search"} />
        <img alt={\`Icon of \${name}\`} />
        <Field label="API key" hint={hint} />
        <span title={name || "unnamed"} />
      </div>`);
    expect(findings.map((f) => f.text)).toEqual(["Close", "Search", "Icon of ", "API key", "unnamed"]);
  });

  it("finds strings shown as JSX children and strings functions return", () => {
    const findings = scan(`
      const a = <p>{checking ? "checking" : t.msg("popupNotChecked")}</p>;
      function label(n: number) { if (n > 1) return \`\${n} apps\`; return "one app"; }
      const f = () => "none";`);
    expect(findings.map((f) => [f.line, f.text])).toEqual([
      [2, "checking"],
      [3, " apps"],
      [3, "one app"],
      [4, "none"],
    ]);
  });

  it("finds prose anywhere else: a table of words, a state object, a non-English word", () => {
    const findings = scan(`
      const TEXT = { title: "Integration status", add: "add a source." };
      setSave({ state: "failed", why: "Schlüssel" });
      const count = \` (\${done} of \${total})\`;`);
    expect(findings.map((f) => f.text)).toEqual(["Integration status", "add a source.", "Schlüssel", " of "]);
  });

  it("lets codes through: punctuation, classes, ids, keys, comparisons, modules and types", () => {
    const findings = scan(`
      import { x } from "../shared/Thing.tsx";
      type State = "Busy" | "Idle";
      const sep = "•";
      const t1 = t.msg("rowReconnect");
      const t2 = t.plural("countLinkedAccounts", 3);
      const el = <div class="banner warn" id={\`\${prefix}-hint\`} data-kind={kind} role="status" for="Filter">{"…"}{" "}</div>;
      if (kind === "Not-Set-Up") x();
      switch (kind) { case "Busy": break; }
      const label: MessageKey = "actionGrantAccess";
      const el2 = <p>{sep}</p>;
      function f() { return ""; }`);
    expect(show(findings)).toEqual([]);
  });
});
