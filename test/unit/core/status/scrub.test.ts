import { describe, expect, it } from "vitest";
import { scrubStatus, secretsOf } from "../../../../src/core/status/scrub.ts";
import { newRelaySource, newSource } from "../../../../src/core/settings/model.ts";
import { STATUS_VERSION, type Status } from "../../../../src/core/status/model.ts";
import { account } from "../../support/fixtures.ts";

describe("a status's failures, scrubbed of the source's secret", () => {
  const KEY = "tk_0123456789abcdef";
  const TOKEN = "cirelay_0123456789abcdef0123456789";

  it("scrubs the whole check's failure and every account's, and leaves a status without words as it is", () => {
    const status: Status = {
      schemaVersion: STATUS_VERSION,
    source: "s",
      accounts: [account("a", { error: { kind: "not-found", at: 1, status: 404, detail: `no account for ${KEY}` } }), account("b")],
      error: { kind: "unauthorized", at: 2, status: 401, detail: `Invalid API key ${KEY}` },
    };
    const out = scrubStatus(status, secretsOf(newSource("main", { apiKey: KEY })));
    expect(out.error?.detail).toBe("Invalid API key •••");
    expect(out.accounts[0]!.error?.detail).toBe("no account for •••");
    expect(out.accounts[1]).toBe(status.accounts[1]);
    expect(JSON.stringify(out)).not.toContain(KEY);
    const quiet: Status = { schemaVersion: STATUS_VERSION, source: "s", accounts: [account("a")], error: { kind: "network", at: 1 } };
    expect(scrubStatus(quiet, [KEY])).toBe(quiet);
  });

  it("takes a relay source's member token out of a relay's words", () => {
    const source = newRelaySource("s12345678", { relayUrl: "https://relay.example", token: TOKEN });
    const status: Status = { schemaVersion: STATUS_VERSION, source: "s", accounts: [], error: { kind: "relay-bad-response", at: 1, cause: "not-json", detail: `<p>${TOKEN}</p>` } };
    expect(scrubStatus(status, secretsOf(source)).error?.detail).toBe("<p>•••</p>");
  });
});
