import { afterEach, describe, expect, it } from "vitest";
import { RelayStatusSchema } from "../../../../../src/relay/protocol/v1.ts";
import { fullCheckDueIn } from "../../../../../src/relay/server/check/schedule.ts";
import { seedDemoOrg, startFakeCobalt, type FakeCobalt } from "../../../../fake-cobalt/server.ts";
import { RUNTIMES, startStack, type Runtime, type Stack } from "../support.ts";

/*
 * The relay asks Cobalt with the core's client, so it believes a Retry-After for an hour at most,
 * as the extension does: a proxy's `Retry-After: 31536000` stopped its checks for a year.
 */

const HOUR = 3_600_000;
let stack: Stack | undefined;
let fake: FakeCobalt | undefined;
afterEach(async () => {
  await stack?.close();
  await fake?.close();
  stack = undefined;
  fake = undefined;
});

describe.each(RUNTIMES)("a Retry-After of a year from Cobalt or a proxy, on %s", { timeout: 30_000 }, (runtime: Runtime) => {
  it("holds the relay's checks back for an hour, and says so to members", async () => {
    fake = await startFakeCobalt();
    seedDemoOrg(fake);
    fake.fault({ path: /^\/api\// }, { kind: "status", status: 429, headers: { "retry-after": "31536000" } });
    stack = await startStack({ runtime, fake });
    const token = await stack.addMember("alice");
    await stack.checked();
    const response = await stack.call("/v1/status", { token });
    const body = RelayStatusSchema.parse(JSON.parse(response.body));
    expect(body.sources[0]!.error).toMatchObject({ kind: "rate-limited", retryAfterMs: HOUR });

    const runner = stack.node?.runners[0];
    if (runner) {
      const { status } = runner.state;
      const answeredAt = status.backoff!.throttledAt!;
      expect(status.backoff).toMatchObject({ notBefore: answeredAt + HOUR, retryAfterUntil: answeredAt + HOUR });
      expect(fullCheckDueIn(runner.settings, status, answeredAt, answeredAt)).toBe(HOUR);
    }
  });
});
