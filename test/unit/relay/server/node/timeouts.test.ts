import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../support.ts";

/*
 * Slow clients against the real relay's socket: a client that trickles its headers or its body,
 * or keeps a connection open doing nothing, is cut off. The relay runs with short deadlines here;
 * each client trickles for far longer than they allow, and the test asserts the relay closed the
 * connection while the client was still sending (an order of events, not a duration).
 */

const TIMEOUTS = { headersMs: 400, requestMs: 800, keepAliveMs: 300, idleMs: 5_000 };
/** Far past every deadline above: a relay that never cuts the client lets it finish. */
const TRICKLE_STEPS = 60;
const TRICKLE_EVERY_MS = 100;

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

interface Outcome {
  /** The relay closed the connection before the client had sent everything. */
  cutWhileSending: boolean;
  answer: string;
}

/** Opens a connection, sends `start`, then one `step` per tick; ends with `finish` if the relay has not cut it off by then. */
function trickle(url: string, start: string, step: string, finish: string): Promise<Outcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let finished = false;
    let answer = "";
    const socket: Socket = connect(Number(port), hostname, () => {
      socket.write(start);
      const tick = setInterval(() => {
        if (socket.destroyed) return clearInterval(tick);
        if (sent++ < TRICKLE_STEPS) return void socket.write(step);
        clearInterval(tick);
        finished = true;
        socket.end(finish);
      }, TRICKLE_EVERY_MS);
    });
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? undefined : reject(error)));
    socket.on("close", () => resolve({ cutWhileSending: !finished, answer }));
  });
}

// A bound on a hang: a relay that never cuts a client lets each trickle run its full six seconds.
describe("slow clients", { timeout: 20_000 }, () => {
  it("are cut off when their headers trickle in", async () => {
    stack = await startStack({ start: { timeouts: TIMEOUTS } });
    const outcome = await trickle(stack.url, "GET /v1/health HTTP/1.1\r\nHost: relay\r\n", "X-Slow: a\r\n", "\r\n");
    expect(outcome.cutWhileSending).toBe(true);
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("are cut off when their body trickles in, and that is not logged as a crash", async () => {
    stack = await startStack({ start: { timeouts: TIMEOUTS } });
    await stack.checked();
    const headers = "POST /v1/cobalt/webhook HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n";
    const sized = await trickle(stack.url, `${headers}Content-Length: 1000\r\n\r\n{`, " ", "}");
    expect(sized.cutWhileSending).toBe(true);
    expect(sized.answer).toMatch(/^HTTP\/1\.1 408 /);
    const chunked = await trickle(stack.url, `${headers}Transfer-Encoding: chunked\r\n\r\n1\r\n{\r\n`, "1\r\n \r\n", "1\r\n}\r\n0\r\n\r\n");
    expect(chunked.cutWhileSending).toBe(true);
    expect(stack.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
    expect(stack.logs.some((line) => line.includes('"event":"request-cut"'))).toBe(true);
  });

  it("lose a kept-alive connection they leave idle, after their answer", async () => {
    stack = await startStack({ start: { timeouts: TIMEOUTS } });
    const outcome = await trickle(stack.url, "GET /v1/health HTTP/1.1\r\nHost: relay\r\nConnection: keep-alive\r\n\r\n", "", "");
    expect(outcome.cutWhileSending).toBe(true);
    expect(outcome.answer).toMatch(/^HTTP\/1\.1 (200|503) /);
  });
});
