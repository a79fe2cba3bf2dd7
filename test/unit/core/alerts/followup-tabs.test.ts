import { describe, expect, it } from "vitest";
import { followUpOfTab, parseFollowUps, startFollowUp, tabClosed } from "../../../../src/core/alerts/followups.ts";

// The background opens the reconnect tab and keeps its id with the follow-up, so that the tab's
// closing (an event that may wake a stopped background) finds the follow-up in storage.

const T0 = 1_750_000_000_000;
const APP = { sourceId: "main", accountId: "acme", slug: "hubspot", name: "HubSpot" };

describe("the reconnect tab of a follow-up", () => {
  it("is kept with the follow-up and read back from storage", () => {
    const list = startFollowUp([], APP, "reconnect", T0, 42);
    expect(list[0]!.tabId).toBe(42);
    expect(parseFollowUps(JSON.parse(JSON.stringify(list)))).toEqual(list);
    expect(parseFollowUps([{ ...list[0], tabId: "42" }])).toEqual([]);
  });

  it("finds the follow-up when its tab closes, which then re-checks at once", () => {
    const list = startFollowUp(startFollowUp([], { ...APP, slug: "slack" }, "copy", T0), APP, "reconnect", T0, 7);
    const found = followUpOfTab(list, 7);
    expect(found?.slug).toBe("hubspot");
    expect(followUpOfTab(list, 8)).toBeUndefined();
    expect(tabClosed(list, found!, T0 + 5000).find((f) => f.slug === "hubspot")!.due[0]).toBe(T0 + 5000);
  });

  it("a copied link has no tab", () => {
    expect(startFollowUp([], APP, "copy", T0)[0]).not.toHaveProperty("tabId");
  });
});
