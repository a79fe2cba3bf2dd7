import { describe, expect, it } from "vitest";
import { healthyListFrom, readRelayHealthyList, shownRelayHealthy } from "../../../../src/relay/client/healthy.ts";
import { RelayHealthyCompactSchema } from "../../../../src/relay/protocol/v1.ts";

// A relay source's healthy apps, fetched when the popup opens them: the relay's answer (compact, or
// in full from a relay from before) becomes the list kept in storage.session and shown.

const SLACK = { slug: "slack", name: "Slack", icon: "https://logos.example/slack.png" };
const JIRA = { slug: "jira", name: "  ", icon: "http://evil.example/jira.png", authType: "oauth2" };

describe("the healthy list", () => {
  it("is kept from a compact answer as sent: each app once, accounts named, in the relay's order, by the extension's rules for apps", () => {
    const body = RelayHealthyCompactSchema.parse({ protocol: 1, sources: [{ id: "team", apps: [SLACK, JIRA], accounts: [{ id: "b", name: "Bee", apps: [1, 0] }, { id: "a", apps: [0] }] }] });
    const list = healthyListFrom(body, "fp", '"h1"');
    expect(list).toEqual({
      source: "fp",
      etag: '"h1"',
      // A blank name becomes the slug, and an http icon from elsewhere is dropped, as for any app.
      apps: [{ slug: "jira", name: "jira", authType: "oauth2" }, SLACK],
      accounts: [
        { id: "b", name: "Bee", apps: [0, 1] },
        { id: "a", apps: [1] },
      ],
    });
    expect(readRelayHealthyList(list)).toEqual(list);
  });

  it("is read from a relay from before (a record of full app lists), accounts without healthy apps left out", () => {
    const list = healthyListFrom({ protocol: 1, sources: [{ id: "team", accounts: { a: [SLACK], b: [], c: [SLACK, { slug: "drive", name: "Drive" }] } }] }, "fp");
    expect(list).toEqual({ source: "fp", apps: [SLACK, { slug: "drive", name: "Drive" }], accounts: [{ id: "a", apps: [0] }, { id: "c", apps: [0, 1] }] });
  });

  it("prefixes account ids with the relay's source, as the status does, when the relay serves several", () => {
    const list = healthyListFrom({ protocol: 1, sources: [{ id: "team", apps: [SLACK], accounts: [{ id: "a", apps: [0] }] }, { id: "prod", apps: [SLACK], accounts: [{ id: "a", apps: [0] }] }] }, "fp");
    expect(list.accounts.map((account) => account.id)).toEqual(["team/a", "prod/a"]);
    expect(list.apps).toEqual([SLACK]);
  });

  it("is shown in the relay's order, with the names the status knows first", () => {
    const list = healthyListFrom({ protocol: 1, sources: [{ id: "team", apps: [SLACK], accounts: [{ id: "b", name: "Old name", apps: [0] }, { id: "a", name: "A", apps: [0] }] }] }, "fp");
    const shown = shownRelayHealthy(list, { accounts: [{ id: "b", name: "New name", reauth: [], healthyCount: 1 }] });
    expect(shown.accounts).toEqual([{ id: "b", name: "New name" }, { id: "a", name: "A" }]);
    expect(shown.healthy).toEqual({ b: [SLACK], a: [SLACK] });
  });

  it("refuses, read back, an index that points nowhere", () => {
    expect(readRelayHealthyList({ source: "fp", apps: [SLACK], accounts: [{ id: "a", apps: [1] }] })).toBeUndefined();
    expect(readRelayHealthyList({ source: "fp", apps: [SLACK], accounts: [{ id: "a", apps: [0.5] }] })).toBeUndefined();
  });
});
