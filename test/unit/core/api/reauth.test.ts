import { describe, expect, it } from "vitest";
import type { Application } from "../../../../src/core/api/schemas.ts";
import { isConnected, needsReauth } from "../../../../src/core/api/reauth.ts";

describe("needsReauth", () => {
  it("counts reauth_required: true even without `connected` (the docs' expired-app example)", () => {
    const slack: Application = {
      name: "Slack",
      auth_type: "oauth2",
      tags: ["Communication"],
      connected: true,
      connected_accounts: [{ identifier: "Cobalt", connectedAt: "2023-05-31T07:45:59.841Z" }],
      slug: "slack",
      reauth_required: true,
    };
    expect(needsReauth(slack)).toBe(true);
    expect(needsReauth({ slug: "slack", reauth_required: true })).toBe(true);
  });

  it("counts an expired connected account even when reauth_required is false", () => {
    const app: Application = {
      slug: "hubspot",
      connected: true,
      reauth_required: false,
      connected_accounts: [
        { identifier: "a", status: "active" },
        { identifier: "b", status: "expired" },
      ],
    };
    expect(needsReauth(app)).toBe(true);
  });

  it.each<[string, Application]>([
    ["reauth_required false", { slug: "a", connected: true, reauth_required: false }],
    ["reauth_required absent", { slug: "a", connected: true }],
    ["active accounts only", { slug: "a", connected: true, connected_accounts: [{ status: "active" }, { identifier: "x" }] }],
    ["odd connected_accounts entries", { slug: "a", connected_accounts: [null, "expired", 3, { status: "EXPIRED" }] }],
    ["never connected", { slug: "a" }],
  ])("is false with %s", (_label, app) => {
    expect(needsReauth(app)).toBe(false);
  });
});

describe("isConnected", () => {
  it.each<[string, Application, boolean]>([
    ["connected: true", { slug: "a", connected: true }, true],
    ["connected_accounts non-empty", { slug: "a", connected_accounts: [{ identifier: "x" }] }, true],
    ["reauth_required only", { slug: "a", reauth_required: true }, true],
    ["nothing", { slug: "a", reauth_required: false }, false],
    ["empty connected_accounts", { slug: "a", connected: false, connected_accounts: [] }, false],
  ])("%s → %s", (_label, app, expected) => {
    expect(isConnected(app)).toBe(expected);
  });
});
