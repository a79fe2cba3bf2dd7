import { v3App, type FakeCobalt } from "../fake-cobalt/server.ts";

/** Every 50th account (2 %) has one app that needs re-authentication. */
export const REAUTH_EVERY = 50;

/** A synthetic org: three connected apps per linked account, the first flagged on every 50th. */
export function seedOrg(fake: FakeCobalt, accounts: number): void {
  fake.clearAccounts();
  for (let i = 0; i < accounts; i++) {
    fake.setAccount({
      account_id: `acct-${String(i).padStart(5, "0")}`,
      name: `Customer ${i}`,
      apps: [
        v3App("slack", { name: "Slack", connected: true, status: "active", reauthRequired: i % REAUTH_EVERY === 0, icon: fake.iconUrl("slack") }),
        v3App("hubspot", { name: "Hubspot", status: "active", icon: fake.iconUrl("hubspot") }),
        v3App("google_drive", { name: "Drive", status: "active", icon: fake.iconUrl("google_drive") }),
      ],
    });
  }
}
