import { afterEach, describe, expect, it } from "vitest";
import { RelayStatusSchema } from "../../../../../src/relay/protocol/v1.ts";
import { fullCheckDueIn } from "../../../../../src/relay/server/check/schedule.ts";
import { startStack, type Stack } from "../support.ts";

/*
 * The relay asks Cobalt with the core's client, so it believes a Retry-After for an hour at most,
 * as the extension does: a proxy's `Retry-After: 31536000` stopped its checks for a year.
 */

const HOUR = 3_600_000;
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe("a Retry-After of a year from Cobalt or a proxy", () => {
  it("holds the relay's checks back for an hour, and says so to members", async () => {
    stack = await startStack();
    stack.fake.fault({ path: /^\/api\// }, { kind: "status", status: 429, headers: { "retry-after": "31536000" } });
    const token = await stack.relay.members.add("alice");
    await stack.checked();
    const runner = stack.relay.runners[0]!;
    const { status } = runner.state;
    expect(status.error).toMatchObject({ kind: "rate-limited", retryAfterMs: HOUR });
    const answeredAt = status.backoff!.throttledAt!;
    expect(status.backoff).toMatchObject({ notBefore: answeredAt + HOUR, retryAfterUntil: answeredAt + HOUR });
    expect(fullCheckDueIn(runner.settings, status, answeredAt, answeredAt)).toBe(HOUR);

    const response = await stack.call("/v1/status", { token: await token });
    const body = RelayStatusSchema.parse(JSON.parse(response.body));
    expect(body.sources[0]!.error).toMatchObject({ kind: "rate-limited", retryAfterMs: HOUR });
  });
});
