import { describe, expect, it } from "vitest";
import { ApiError, type ErrorKind } from "../../../../src/core/api/errors.ts";
import { reconnectLink } from "../../../../src/core/api/reconnect.ts";

type Answer = string | ApiError;

function fakeClient(oauth: Answer, token: Answer = "session-token", portal: Answer = "https://connect.example.test/portal/abc") {
  const calls: string[] = [];
  const settle = (answer: Answer) => (answer instanceof ApiError ? Promise.reject(answer) : Promise.resolve(answer));
  return {
    calls,
    client: {
      getOAuthUrl: (slug: string, id: string) => {
        calls.push(`oauth:${slug}:${id}`);
        return settle(oauth);
      },
      createSessionToken: (id: string) => {
        calls.push(`token:${id}`);
        return settle(token);
      },
      createConnectUrl: (sessionToken: string) => {
        calls.push(`portal:${sessionToken}`);
        return settle(portal);
      },
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("reconnectLink", () => {
  it("gives an OAuth app its provider's consent page", async () => {
    const { client, calls } = fakeClient("https://app.hubspot.com/oauth/authorize?state=x");
    expect(await reconnectLink(client, { slug: "hubspot", authType: "oauth2" }, "acct-1")).toEqual({
      url: "https://app.hubspot.com/oauth/authorize?state=x",
      via: "oauth",
    });
    expect(calls).toEqual(["oauth:hubspot:acct-1"]);
  });

  it.each([undefined, "keybased"])("sends an app with auth type %j to the hosted portal", async (authType) => {
    const { client, calls } = fakeClient("https://unused.test");
    const app = authType === undefined ? { slug: "netsuite" } : { slug: "netsuite", authType };
    expect(await reconnectLink(client, app, "acct-1")).toEqual({ url: "https://connect.example.test/portal/abc", via: "portal" });
    expect(calls).toEqual(["token:acct-1", "portal:session-token"]);
  });

  it("falls back to the portal when the OAuth link is not a web address", async () => {
    const { client, calls } = fakeClient("javascript:alert(1)");
    expect(await reconnectLink(client, { slug: "hubspot", authType: "oauth2" }, "acct-1")).toEqual({
      url: "https://connect.example.test/portal/abc",
      via: "portal",
    });
    expect(calls).toEqual(["oauth:hubspot:acct-1", "token:acct-1", "portal:session-token"]);
  });

  it.each<ErrorKind>(["not-found", "bad-request", "server", "bad-response", "forbidden", "timeout"])(
    "falls back to the portal when the OAuth link fails with %s",
    async (kind) => {
      const { client } = fakeClient(new ApiError(kind));
      expect((await reconnectLink(client, { slug: "hubspot", authType: "oauth2" }, "acct-1")).via).toBe("portal");
    },
  );

  it.each<ErrorKind>(["unauthorized", "network", "permission"])("says %s once instead of trying the portal", async (kind) => {
    const failure = new ApiError(kind, { status: 401 });
    const { client, calls } = fakeClient(failure);
    const error = await rejection(reconnectLink(client, { slug: "hubspot", authType: "oauth2" }, "acct-1"));
    expect(error).toBe(failure);
    expect(calls).toEqual(["oauth:hubspot:acct-1"]);
  });

  it("refuses a portal link that is not a web address", async () => {
    const { client } = fakeClient("https://unused.test", "t", "data:text/html,<script>alert(1)</script>");
    const error = await rejection(reconnectLink(client, { slug: "netsuite", authType: "keybased" }, "acct-1"));
    expect(error.kind).toBe("bad-response");
    expect(error.params).toEqual({ cause: "not-web-link" });
  });

  it("passes a session token failure on", async () => {
    const { client, calls } = fakeClient("https://unused.test", new ApiError("not-found"));
    const error = await rejection(reconnectLink(client, { slug: "netsuite" }, "acct-9"));
    expect(error.kind).toBe("not-found");
    expect(calls).toEqual(["token:acct-9"]);
  });
});
