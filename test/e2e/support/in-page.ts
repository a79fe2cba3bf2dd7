/**
 * Code that runs inside the page under test, kept as plain JavaScript source text (not as TS
 * functions): the test transform may add helpers such as `__name` to compiled functions, which do
 * not exist in the page. Both drivers evaluate these strings the same way, so element lookup has
 * the same meaning in Chromium and Firefox.
 *
 * PICK_SOURCE is a function expression `(arg) => Element | { error: string }` where arg is:
 *   { op: "css", selector }                        first visible element matching the selector
 *   { op: "role", role, name: NameMatcher }        the one visible element with that role and accessible name
 *   { op: "label", label }                         the control of the one <label> whose text is `label`
 * NameMatcher is { text } (exact after collapsing whitespace) or { regex, flags }.
 * With `within`, the search is only inside the one region (section, fieldset, role region or
 * group) with that accessible name (aria-labelledby, aria-label, or a fieldset's legend): how a
 * test tells apart the same fields of two sources.
 */
export type NameMatcher = { text: string } | { regex: string; flags: string };

export type PickArg = (
  | { op: "css"; selector: string }
  | { op: "role"; role: string; name: NameMatcher }
  | { op: "label"; label: string }
) & { within?: string };

export function nameMatcher(name: string | RegExp): NameMatcher {
  return typeof name === "string" ? { text: name } : { regex: name.source, flags: name.flags };
}

export function describeName(name: string | RegExp): string {
  return typeof name === "string" ? JSON.stringify(name) : String(name);
}

// No "${" anywhere in this text: it is a template literal.
export const PICK_SOURCE = String.raw`(arg) => {
  const norm = (s) => String(s == null ? "" : s).replace(/\s+/g, " ").trim();
  const matchName = (text, m) => ("regex" in m ? new RegExp(m.regex, m.flags).test(text) : text === norm(m.text));
  const visible = (el) => {
    if (typeof el.checkVisibility === "function") return el.checkVisibility({ visibilityProperty: true });
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  };
  const ariaHidden = (el) => !!el.closest('[aria-hidden="true"]');
  const labelText = (label) => {
    const copy = label.cloneNode(true);
    copy.querySelectorAll("input, textarea, select, button").forEach((c) => c.remove());
    return norm(copy.textContent);
  };
  const contentText = (node) => {
    let out = "";
    for (const child of node.childNodes) {
      if (child.nodeType === 3) out += child.textContent;
      else if (child.nodeType === 1) {
        if (child.getAttribute("aria-hidden") === "true") continue;
        const tag = child.tagName.toLowerCase();
        if (tag === "script" || tag === "style" || tag === "template") continue;
        if (child.hasAttribute("aria-label")) out += " " + child.getAttribute("aria-label") + " ";
        else if (tag === "img") out += " " + (child.getAttribute("alt") || "") + " ";
        else out += " " + contentText(child) + " ";
      }
    }
    return out;
  };
  const refsText = (el, attr) =>
    norm((el.getAttribute(attr) || "").split(/\s+/).filter(Boolean)
      .map((id) => { const t = document.getElementById(id); return t ? contentText(t) : ""; }).join(" "));
  const accName = (el, role) => {
    if (el.hasAttribute("aria-labelledby")) { const t = refsText(el, "aria-labelledby"); if (t) return t; }
    const aria = norm(el.getAttribute("aria-label"));
    if (aria) return aria;
    if (el.labels && el.labels.length) {
      const t = norm(Array.from(el.labels).map(labelText).join(" "));
      if (t) return t;
    }
    if (el instanceof HTMLInputElement) {
      if (["button", "submit", "reset"].includes(el.type)) {
        return norm(el.value || (el.type === "submit" ? "Submit" : el.type === "reset" ? "Reset" : ""));
      }
      if (el.type === "image") return norm(el.alt || "Submit");
    }
    if (role === "button" || role === "link" || role === "checkbox") {
      const t = norm(contentText(el));
      if (t) return t;
    }
    return norm(el.getAttribute("title") || el.getAttribute("placeholder") || "");
  };
  const ROLE_SELECTORS = {
    button: 'button, input[type="button"], input[type="submit"], input[type="reset"], input[type="image"], [role="button"]',
    link: 'a[href], area[href], [role="link"]',
    checkbox: 'input[type="checkbox"], [role="checkbox"]',
    textbox: 'input:not([type]), input[type="text"], input[type="email"], input[type="tel"], input[type="url"], textarea, [role="textbox"]',
  };
  const describe = (el) => {
    const tag = el.tagName.toLowerCase();
    const id = el.id ? "#" + el.id : "";
    return "<" + tag + id + ">";
  };
  const regionName = (el) => {
    if (el.hasAttribute("aria-labelledby")) { const t = refsText(el, "aria-labelledby"); if (t) return t; }
    const aria = norm(el.getAttribute("aria-label"));
    if (aria) return aria;
    const legend = el.tagName === "FIELDSET" ? el.querySelector(":scope > legend") : null;
    return legend ? norm(contentText(legend)) : "";
  };
  let root = document;
  if (arg.within != null) {
    const want = norm(arg.within);
    const named = Array.from(document.querySelectorAll('section, fieldset, [role="region"], [role="group"]')).map((el) => ({ el, name: regionName(el) }));
    const regions = named.filter((r) => r.name === want);
    if (regions.length !== 1) {
      return { error: regions.length + " regions are named " + JSON.stringify(want) + "; named regions: " + named.filter((r) => r.name).map((r) => JSON.stringify(r.name)).join(", ") };
    }
    root = regions[0].el;
  }

  if (arg.op === "css") {
    let all;
    try { all = Array.from(root.querySelectorAll(arg.selector)); }
    catch (e) { return { error: "invalid CSS selector " + JSON.stringify(arg.selector) + ": " + e.message, fatal: true }; }
    const shown = all.filter(visible);
    if (shown.length) return shown[0];
    return { error: all.length ? all.length + " element(s) match " + JSON.stringify(arg.selector) + " but none is visible" : "no element matches " + JSON.stringify(arg.selector) };
  }

  if (arg.op === "role") {
    const sel = ROLE_SELECTORS[arg.role];
    if (!sel) return { error: "unsupported role " + arg.role, fatal: true };
    const candidates = Array.from(root.querySelectorAll(sel)).filter((el) => {
      const explicit = (el.getAttribute("role") || "").trim().split(/\s+/)[0];
      if (explicit && explicit !== arg.role) return false;
      return visible(el) && !ariaHidden(el);
    });
    const named = candidates.map((el) => ({ el, name: accName(el, arg.role) }));
    const hits = named.filter((c) => matchName(c.name, arg.name));
    if (hits.length === 1) return hits[0].el;
    if (hits.length > 1) {
      return { error: hits.length + " visible " + arg.role + "s match: " + hits.map((h) => describe(h.el) + " " + JSON.stringify(h.name)).join(", ") + " (use a more specific name, or click(selector))" };
    }
    return { error: "no visible " + arg.role + " has that name; visible " + arg.role + "s: " + (named.length ? named.map((c) => JSON.stringify(c.name)).join(", ") : "none") };
  }

  if (arg.op === "label") {
    const want = norm(arg.label);
    const labels = Array.from(root.querySelectorAll("label"));
    const hits = labels.filter((l) => labelText(l) === want);
    if (hits.length > 1) return { error: hits.length + " <label>s have the text " + JSON.stringify(want) };
    if (hits.length === 0) {
      return { error: "no <label> has the text " + JSON.stringify(want) + "; labels on the page: " + (labels.length ? labels.map((l) => JSON.stringify(labelText(l))).join(", ") : "none") };
    }
    const control = hits[0].control;
    if (!control) return { error: "the <label> " + JSON.stringify(want) + " is not associated with any control (no for= and no nested input)" };
    if (!("value" in control)) return { error: "the control labelled " + JSON.stringify(want) + " has no value: " + describe(control), fatal: true };
    return control;
  }
  return { error: "unknown op " + arg.op, fatal: true };
}`;

/** Expression text that calls PICK_SOURCE with `arg`. */
export function pickExpression(arg: PickArg): string {
  return `(${PICK_SOURCE})(${JSON.stringify(arg)})`;
}

/** Expression text: innerText of the first element matching `selector`, or null if there is none. */
export function innerTextExpression(selector: string): string {
  return `(() => { const el = document.querySelector(${JSON.stringify(selector)}); return el ? el.innerText : null; })()`;
}

/**
 * Wraps user code given as a string: an expression; if it evaluates to a function, the function
 * is called with no arguments; a promise is awaited.
 */
export function userCodeExpression(code: string): string {
  return `(async () => { const __e2eValue = (\n${code}\n); return typeof __e2eValue === "function" ? await __e2eValue() : await __e2eValue; })()`;
}

/** Expression text that reads the toolbar badge through the extension API of the current context. */
export const BADGE_EXPRESSION = `(async () => {
  const api = globalThis.browser ?? globalThis.chrome;
  const [text, color, title] = await Promise.all([
    api.action.getBadgeText({}),
    api.action.getBadgeBackgroundColor({}),
    api.action.getTitle({}),
  ]);
  return { text, color: Array.from(color), title };
})()`;

export function storageGetExpression(keys: string | string[] | undefined): string {
  return `(async () => { const api = globalThis.browser ?? globalThis.chrome; return await api.storage.local.get(${keys === undefined ? "null" : JSON.stringify(keys)}); })()`;
}

export function storageSetExpression(items: Record<string, unknown>): string {
  return `(async () => { const api = globalThis.browser ?? globalThis.chrome; await api.storage.local.set(${JSON.stringify(items)}); return true; })()`;
}
