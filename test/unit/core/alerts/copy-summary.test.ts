import { describe, expect, it } from "vitest";
import { buildSummary, renderSummary } from "../../../../src/core/alerts/copy-summary.ts";
import { mute } from "../../../../src/core/alerts/mutes.ts";
import type { AppRecord } from "../../../../src/core/api/records.ts";
import { makeSettings, makeStatus, account } from "../../support/fixtures.ts";
import { englishSummary } from "../../support/english-summary.ts";

// "Copy summary": a plain-text list of what needs re-authentication, grouped by linked
// account (and by source when there are several), ready to paste into a ticket.

const T0 = Date.UTC(2025, 5, 16, 14, 2);
const HOUR = 3_600_000;
const test = makeSettings({ linkedAccountIds: ["acct-1", "acct-2", "acct-3"] });
const production = makeSettings({ apiKey: "pk_0123456789abcdef", linkedAccountIds: ["acme"] });
const app = (slug: string, since?: number): AppRecord => ({ slug, name: slug.charAt(0).toUpperCase() + slug.slice(1), ...(since !== undefined && { since }) });

const TEST_STATUS = makeStatus(test, {
  checkedAt: T0,
  accounts: [
    account("acct-1", { name: "Acme", reauth: [app("slack", T0 - HOUR), app("hubspot", T0 - 3 * HOUR)] }),
    account("acct-2", { reauth: [] }),
    account("acct-3", { name: "Globex", reauth: [app("gmail"), app("zoom", T0)] }),
  ],
});
const PROD_STATUS = makeStatus(production, { checkedAt: T0, accounts: [account("acme", { name: "Acme Corp", reauth: [app("salesforce", T0 - 24 * HOUR)] })] });

describe("the copy summary", () => {
  it("lists each linked account with its apps, oldest break first, with since-when", () => {
    const summary = buildSummary([{ id: "main", label: "Test", status: TEST_STATUS }], [], T0);
    expect(summary.count).toBe(4);
    expect(summary.accounts).toBe(2);
    expect(summary.lines).toEqual([
      { kind: "account", label: "Acme (acct-1)" },
      { kind: "app", name: "Hubspot", since: T0 - 3 * HOUR, muted: false },
      { kind: "app", name: "Slack", since: T0 - HOUR, muted: false },
      { kind: "account", label: "Globex (acct-3)" },
      { kind: "app", name: "Zoom", since: T0, muted: false },
      // Since unknown (stored before since-when existed): after the dated ones.
      { kind: "app", name: "Gmail", muted: false },
    ]);
    expect(renderSummary(summary, englishSummary)).toBe(
      [
        "4 apps need re-authentication in 2 linked accounts:",
        "",
        "Acme (acct-1)",
        "- Hubspot (since 2025-06-16 11:02 UTC)",
        "- Slack (since 2025-06-16 13:02 UTC)",
        "",
        "Globex (acct-3)",
        "- Zoom (since 2025-06-16 14:02 UTC)",
        "- Gmail",
      ].join("\n"),
    );
  });

  it("groups by source first when there are several", () => {
    const summary = buildSummary(
      [
        { id: "main", label: "Test", status: TEST_STATUS },
        { id: "s0prod000", label: "Production", status: PROD_STATUS },
      ],
      [],
      T0,
    );
    expect(summary.lines.filter((line) => line.kind !== "app")).toEqual([
      { kind: "source", label: "Test" },
      { kind: "account", label: "Acme (acct-1)" },
      { kind: "account", label: "Globex (acct-3)" },
      { kind: "source", label: "Production" },
      { kind: "account", label: "Acme Corp (acme)" },
    ]);
    expect(renderSummary(summary, englishSummary).split("\n").slice(0, 6)).toEqual([
      "5 apps need re-authentication in 3 linked accounts:",
      "",
      "Test:",
      "  Acme (acct-1)",
      "  - Hubspot (since 2025-06-16 11:02 UTC)",
      "  - Slack (since 2025-06-16 13:02 UTC)",
    ]);
  });

  it("leaves out a source with nothing to fix, and says nothing when nothing needs re-authentication", () => {
    const healthy = makeStatus(production, { checkedAt: T0, accounts: [account("acme")] });
    const summary = buildSummary([{ id: "main", label: "Test", status: TEST_STATUS }, { id: "s0prod000", label: "Production", status: healthy }], [], T0);
    expect(summary.lines.filter((line) => line.kind === "source")).toEqual([{ kind: "source", label: "Test" }]);
    const none = buildSummary([{ id: "s0prod000", label: "Production", status: healthy }], [], T0);
    expect(none).toEqual({ count: 0, accounts: 0, muted: 0, lines: [] });
    expect(renderSummary(none, englishSummary)).toBe("");
  });

  it("marks muted apps (they still need re-authentication) and counts them", () => {
    const mutes = mute([], { sourceId: "main", account: TEST_STATUS.accounts[2]! }, "day", T0);
    const summary = buildSummary([{ id: "main", label: "Test", status: TEST_STATUS }], mutes, T0);
    expect(summary.muted).toBe(2);
    expect(summary.lines.slice(-2)).toEqual([
      { kind: "app", name: "Zoom", since: T0, muted: true },
      { kind: "app", name: "Gmail", muted: true },
    ]);
  });

  it("says under a relay source's app (and account) who on the team is on it and the team's note, and marks what the team muted", () => {
    const status = {
      ...TEST_STATUS,
      relay: {
        sources: ["team"],
        member: "bob",
        desk: {
          claims: [
            { accountId: "acct-1", slug: "slack", member: "alice", since: T0 - 60_000 },
            { accountId: "acct-3", member: "bob", since: T0 },
          ],
          mutes: [{ accountId: "acct-1", slug: "hubspot", member: "carol", at: T0 - 1, until: T0 + HOUR }],
          notes: [
            { accountId: "acct-1", slug: "slack", member: "bob", at: T0, text: "customer on holiday until Monday" },
            { accountId: "acct-3", member: "alice", at: T0, text: "whole account moves on Friday" },
          ],
          fixed: [],
        },
      },
    };
    const summary = buildSummary([{ id: "main", label: "Test", status }], [], T0);
    expect(summary.muted).toBe(1);
    expect(renderSummary(summary, englishSummary).split("\n").slice(1)).toEqual([
      "",
      "Acme (acct-1)",
      "- Hubspot (since 2025-06-16 11:02 UTC) [muted]",
      "- Slack (since 2025-06-16 13:02 UTC)",
      "  on it: alice",
      "  note (bob): customer on holiday until Monday",
      "",
      "Globex (acct-3)",
      "  on it: bob",
      "  note (alice): whole account moves on Friday",
      "- Zoom (since 2025-06-16 14:02 UTC)",
      "- Gmail",
    ]);
  });
});

describe("results of settings changed since", () => {
  it("are marked, as the popup marks them, not passed off as current", async () => {
    const { summaryText } = await import("../../../../src/ui/popup/summary-text.ts");
    const { en } = await import("../../support/i18n.ts");
    // The linked accounts changed after the check: the stored results are the previous settings'.
    const changed = { ...test, linkedAccountIds: ["acct-9"] };
    const text = summaryText(en, [changed], { main: TEST_STATUS }, [], T0);
    expect(text.split("\n").slice(0, 3)).toEqual(["4 apps need re-authentication in 2 linked accounts", "", "(From the previous settings: not yet checked with the new ones.)"]);
    // Of two sources, only the one whose settings changed.
    const prod = { ...production, id: "s0prod000" };
    const both = summaryText(en, [changed, prod], { main: TEST_STATUS, [prod.id]: PROD_STATUS }, [], T0);
    expect(both.match(/From the previous settings/g)).toHaveLength(1);
    expect(summaryText(en, [test], { main: TEST_STATUS }, [], T0)).not.toContain("previous settings");
  });
});
