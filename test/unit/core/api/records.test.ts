import { describe, expect, it } from "vitest";
import type { LinkedAccount } from "../../../../src/core/api/schemas.ts";
import { classifyApplications, integrationsSay } from "../../../../src/core/api/records.ts";
import { isHttpsUrl } from "../../../../src/core/kit/url.ts";

describe("classifyApplications", () => {
  it("drops never-connected apps and splits the rest", () => {
    const result = classifyApplications([
      { slug: "google_drive", name: "Drive", auth_type: "oauth2", reauth_required: false },
      { slug: "docusign", name: "Docusign", auth_type: "oauth2", connected: true, reauth_required: false, icon: "https://logos.test/docusign.png" },
      { slug: "slack", name: "Slack", auth_type: "oauth2", connected: true, reauth_required: true },
      { slug: "copper", name: "Copper", auth_type: "keybased", reauth_required: false },
    ]);
    expect(result.reauth).toEqual([{ slug: "slack", name: "Slack", authType: "oauth2" }]);
    expect(result.healthy).toEqual([{ slug: "docusign", name: "Docusign", authType: "oauth2", icon: "https://logos.test/docusign.png" }]);
  });

  it("uses `type` when `slug` is missing", () => {
    const result = classifyApplications([{ type: "slack", name: "Slack", connected: true, reauth_required: true }]);
    expect(result.reauth).toEqual([{ slug: "slack", name: "Slack" }]);
  });

  it("merges duplicate slugs into one app, and re-auth wins whichever copy comes first", () => {
    const healthyFirst = classifyApplications([
      { slug: "hubspot", name: "HubSpot", connected: true, reauth_required: false },
      { slug: "hubspot", name: "HubSpot (2)", connected: true, reauth_required: true },
    ]);
    expect(healthyFirst).toEqual({ reauth: [{ slug: "hubspot", name: "HubSpot" }], healthy: [] });

    const reauthFirst = classifyApplications([
      { slug: "hubspot", name: "HubSpot", connected: true, reauth_required: true },
      { slug: "hubspot", name: "HubSpot", connected: true, reauth_required: false },
      { type: "hubspot", connected: true },
    ]);
    expect(reauthFirst).toEqual({ reauth: [{ slug: "hubspot", name: "HubSpot" }], healthy: [] });
  });

  it("falls back to the slug when the name is missing or blank, and caps names at 200 characters", () => {
    const long = "x".repeat(250);
    const result = classifyApplications([
      { slug: "a", connected: true },
      { slug: "b", name: "   ", connected: true },
      { slug: "c", name: `  ${long}  `, connected: true },
      { slug: "d", name: "  Padded  ", connected: true },
    ]);
    expect(result.healthy.map((r) => r.name)).toEqual(["a", "b", "x".repeat(200), "Padded"]);
  });

  // An icon is loaded by the popup, from whatever host the API names; over
  // plain http that request can be read and altered on the way. Only this machine is exempt.
  it("keeps only https icon URLs (plain http only from this machine)", () => {
    const result = classifyApplications([
      { slug: "a", connected: true, icon: "javascript:alert(1)" },
      { slug: "b", connected: true, icon: "data:image/png;base64,iVBORw0KGgo=" },
      { slug: "c", connected: true, icon: "http://logos.test/c.png" },
      { slug: "d", connected: true, icon: "https://logos.test/d.png" },
      { slug: "e", connected: true, icon: "/relative/e.png" },
      { slug: "f", connected: true, icon: "JavaScript:alert(1)" },
      { slug: "g", connected: true, icon: "http://localhost:8787/logos/g.png" },
      { slug: "h", connected: true, icon: "http://127.0.0.1:8787/logos/h.png" },
      { slug: "i", connected: true, icon: "http://[::1]:8787/logos/i.png" },
      { slug: "j", connected: true, icon: "http://localhost.evil.test/j.png" },
      { slug: "k", connected: true, icon: "http://127.0.0.1.evil.test/k.png" },
    ]);
    expect(result.healthy.map((r) => [r.slug, r.icon])).toEqual([
      ["a", undefined],
      ["b", undefined],
      ["c", undefined],
      ["d", "https://logos.test/d.png"],
      ["e", undefined],
      ["f", undefined],
      ["g", "http://localhost:8787/logos/g.png"],
      ["h", "http://127.0.0.1:8787/logos/h.png"],
      ["i", "http://[::1]:8787/logos/i.png"],
      ["j", undefined],
      ["k", undefined],
    ]);
    expect(Object.keys(result.healthy[0]!)).not.toContain("icon");
  });

  it("gives empty lists for no apps", () => {
    expect(classifyApplications([])).toEqual({ reauth: [], healthy: [] });
  });
});

describe("isHttpsUrl", () => {
  it.each(["https://logos.test/a.png", "HTTPS://LOGOS.TEST/A.PNG", "https://[2001:db8::1]/a.png"])("accepts %s", (url) => {
    expect(isHttpsUrl(url)).toBe(true);
  });

  it.each<unknown>(["http://logos.test/a.png", "javascript:alert(1)", "data:image/png;base64,AA==", "//logos.test/a.png", "https:/", "", undefined, 42, { href: "https://x.test" }])(
    "refuses %j",
    (value) => {
      expect(isHttpsUrl(value)).toBe(false);
    },
  );
});

describe("integrationsSay", () => {
  const base: LinkedAccount = { account_id: "a1", name: "Acme" };

  it("is undefined when the listing has no integrations field (legacy)", () => {
    expect(integrationsSay(base)).toBeUndefined();
  });

  it("lists healthy integrations as records and reports no re-auth", () => {
    const said = integrationsSay({
      ...base,
      integrations: [
        { type: "hubspot", name: "Hubspot", icon: "https://logos.test/hubspot.png", reauth_required: false },
        { type: "slack", icon: "javascript:alert(1)" },
        { type: "gmail", name: "Gmail", icon: "http://logos.test/gmail.png" },
        { name: "No type" },
      ],
    });
    expect(said).toEqual({
      anyReauth: false,
      healthy: [
        { slug: "hubspot", name: "Hubspot", icon: "https://logos.test/hubspot.png" },
        { slug: "slack", name: "slack" },
        { slug: "gmail", name: "Gmail" },
      ],
    });
  });

  it("flags reauth_required and refresh_token_expired, leaving those out of the healthy list", () => {
    expect(
      integrationsSay({
        ...base,
        integrations: [
          { type: "hubspot", reauth_required: true },
          { type: "slack", name: "Slack" },
        ],
      }),
    ).toEqual({ anyReauth: true, healthy: [{ slug: "slack", name: "Slack" }] });
    expect(integrationsSay({ ...base, integrations: [{ type: "gmail", refresh_token_expired: true }] })).toEqual({ anyReauth: true, healthy: [] });
  });

  it("says 'nothing to fix' for an empty integrations list", () => {
    expect(integrationsSay({ ...base, integrations: [] })).toEqual({ anyReauth: false, healthy: [] });
  });
});
