import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeCobalt, type FakeCobalt } from "./server.ts";
import { seedShowcaseOrg, SHOWCASE_EXPECTED, SHOWCASE_KEY } from "./showcase-org.ts";

// The org `npm start` and the store screenshots show: what it promises must hold, since nobody
// looks at it until a newcomer or a store reviewer does.

let fake: FakeCobalt;

beforeAll(async () => {
  fake = await startFakeCobalt();
  seedShowcaseOrg(fake);
});

afterAll(async () => {
  await fake.close();
});

interface Integration { type: string; reauth_required: boolean; icon: string }
interface Doc { account_id: string; name: string; integrations: Integration[] }

async function listing(): Promise<Doc[]> {
  const res = await fetch(`${fake.origin}/api/v2/public/linked-account?limit=100`, { headers: { "x-api-key": SHOWCASE_KEY } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { docs: Doc[] }).docs;
}

async function apps(accountId: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${fake.origin}/api/v2/public/application`, { headers: { "x-api-key": SHOWCASE_KEY, linked_account_id: accountId } });
  return (await res.json()) as Record<string, unknown>[];
}

describe("showcase org", () => {
  it("has named customers, and apps needing re-authentication in some of them", async () => {
    const docs = await listing();
    expect(docs).toHaveLength(SHOWCASE_EXPECTED.accounts);
    for (const doc of docs) expect(doc.name).not.toBe(doc.account_id);
    const flagged = docs.flatMap((d) => d.integrations.filter((i) => i.reauth_required).map((i) => `${d.account_id}/${i.type}`));
    expect(flagged).toHaveLength(Number(SHOWCASE_EXPECTED.badge));
    expect(new Set(flagged.map((f) => f.split("/")[0])).size).toBe(SHOWCASE_EXPECTED.accountsNeedingReauth);
  });

  it("needs re-authentication for at least one OAuth app and one key-based app", async () => {
    const authTypes = new Set<unknown>();
    for (const doc of await listing()) {
      for (const app of await apps(doc.account_id)) {
        const expired = (app.connected_accounts as { status: string }[] | undefined)?.some((c) => c.status === "expired");
        if (app.reauth_required === true || expired) authTypes.add(app.auth_type);
      }
    }
    expect([...authTypes].sort()).toEqual(["keybased", "oauth2"]);
  });

  it("serves every app's icon itself, as an image", async () => {
    const icons = new Set((await listing()).flatMap((d) => d.integrations.map((i) => i.icon)));
    expect(icons.size).toBeGreaterThan(5);
    for (const icon of icons) {
      expect(new URL(icon).origin).toBe(fake.altOrigin);
      const res = await fetch(icon);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/svg+xml");
      expect(await res.text()).toMatch(/^<svg [^>]*width="64" height="64"/);
    }
  });
});
