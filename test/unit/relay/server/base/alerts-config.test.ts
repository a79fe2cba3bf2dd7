import { describe, expect, it } from "vitest";
import { alertSecrets, DEFAULT_ALERT_RULES } from "../../../../../src/relay/server/base/alerts-config.ts";
import { ConfigError, loadConfig } from "../../../../../src/relay/server/base/config.ts";
import { refuseEmail } from "../../../../../src/relay/server/workers/bindings.ts";
import { ALERTS } from "../../../../../src/relay/server/alerts/record.ts";

/*
 * Where alerts go and by which rules, from a config file's `alerts` and `alertRules` or from the
 * environment, and what is said of a mistake: the field, never the value (a webhook URL is a key).
 */

const SLACK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
const SECRET = `whsec_${Buffer.from("0123456789abcdef01234567").toString("base64")}`;
const SMTP = "smtps://relay:p%40ss-w0rd-secret@mail.example.com";

const fromFile = (file: Record<string, unknown>, env: Record<string, string> = {}) => loadConfig({ configText: JSON.stringify({ sources: [{ id: "p", apiKey: "tk_x" }], ...file }), env });

function error(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("no ConfigError");
}

describe("alert channels in the config file", () => {
  it("reads Slack, a signed webhook and email, with URLs and secrets from the environment", () => {
    const config = fromFile(
      {
        alerts: [
          { kind: "slack", webhookUrlEnv: "SLACK_WEBHOOK_URL" },
          { kind: "webhook", url: "https://ops.example.com/hooks/cobalt", secretEnv: "ALERT_WEBHOOK_SECRET" },
          { kind: "email", smtpUrlEnv: "SMTP_URL", from: "relay@example.com", to: ["support@example.com", "ops@example.com"] },
          { kind: "slack", webhookUrlEnv: "SLACK_OTHER" },
        ],
        alertRules: { reminderDays: [7, 1, 1], timeZone: "Europe/Berlin", digest: { time: "08:30", whenNothingBroken: true }, retry: { firstSeconds: 0.5, maxSeconds: 60 } },
      },
      { SLACK_WEBHOOK_URL: SLACK, SLACK_OTHER: `${SLACK}0`, ALERT_WEBHOOK_SECRET: SECRET, SMTP_URL: SMTP },
    );
    expect(config.alerts!.channels.map((channel) => channel.id)).toEqual(["slack", "webhook", "email", "slack-2"]);
    expect(config.alerts!.channels[2]).toMatchObject({ kind: "email", from: "relay@example.com", smtp: { host: "mail.example.com", port: 465, secure: true, requireTls: false, user: "relay", password: "p@ss-w0rd-secret" } });
    expect(config.alerts!.rules).toEqual({ ...DEFAULT_ALERT_RULES, reminderDays: [1, 7], timeZone: "Europe/Berlin", digest: { minutes: 510, whenNothingBroken: true }, retry: { firstMs: 500, maxMs: 60_000, giveUpMs: DEFAULT_ALERT_RULES.retry.giveUpMs } });
    expect(alertSecrets(config.alerts)).toEqual(expect.arrayContaining([SLACK, SECRET, SMTP, "p@ss-w0rd-secret", "https://ops.example.com/hooks/cobalt"]));
  });

  it("has none, and the default rules, when the file names none", () => {
    expect(fromFile({}).alerts).toEqual({ channels: [], rules: DEFAULT_ALERT_RULES });
    expect(fromFile({ alertRules: { digest: false } }).alerts!.rules.digest).toBeUndefined();
  });

  it("requires STARTTLS for plain smtp:// to another computer, and allows plain SMTP only to this one", () => {
    const smtp = (url: string) => fromFile({ alerts: [{ kind: "email", smtpUrlEnv: "S", from: "a@example.com", to: ["b@example.com"] }] }, { S: url }).alerts!.channels[0];
    expect(smtp("smtp://mail.example.com")).toMatchObject({ smtp: { port: 587, secure: false, requireTls: true } });
    expect(smtp("smtp://127.0.0.1:2525")).toMatchObject({ smtp: { port: 2525, secure: false, requireTls: false } });
  });

  it("refuses mistakes by field, never showing the value", () => {
    const messages = [
      error(() => fromFile({ alerts: [{ kind: "slack", webhookUrlEnv: "NOT_SET" }] })),
      error(() => fromFile({ alerts: [{ kind: "slack", webhookUrlEnv: "S" }] }, { S: SLACK.replace("https", "http") })),
      error(() => fromFile({ alerts: [{ kind: "slack", webhookUrlEnv: "S" }] }, { S: "hooks.slack.com/services/secret-path" })),
      error(() => fromFile({ alerts: [{ kind: "webhook", url: "https://x.example", secretEnv: "W" }] }, { W: "not-whsec-secret-value" })),
      error(() => fromFile({ alerts: [{ kind: "webhook", url: "https://x.example", secretEnv: "W" }] }, { W: "whsec_c2hvcnQ=" })),
      error(() => fromFile({ alerts: [{ kind: "webhook", url: "https://x.example", urlEnv: "U", secretEnv: "W" }] }, { W: SECRET, U: "https://y.example" })),
      error(() => fromFile({ alerts: [{ kind: "email", smtpUrlEnv: "S", from: "a@example.com", to: ["b@example.com"] }] }, { S: "https://user:p%40ss-w0rd-secret@mail.example.com" })),
      error(() => fromFile({ alerts: [{ kind: "email", smtpUrlEnv: "S", from: "a@example.com", to: ["b@example.com\r\nBcc: c@example.com"] }] }, { S: SMTP })),
      error(() => fromFile({ alerts: [{ kind: "pager", url: SLACK }] })),
      error(() => fromFile({ alertRules: { timeZone: "Mars/Olympus" } })),
      error(() => fromFile({ alertRules: { digest: { time: "9am" } } })),
    ];
    expect(messages[0]).toBe("alerts[0].webhookUrlEnv: the environment variable NOT_SET (webhookUrlEnv) is not set.");
    expect(messages[1]).toContain("must be an https:// address (plain http:// only to this computer");
    expect(messages[3]).toContain("whsec_");
    expect(messages[5]).toContain("give either url or urlEnv");
    expect(messages[9]).toContain("alertRules.timeZone is not a time zone this relay knows");
    for (const message of messages) for (const secret of ["secret-path", "p@ss-w0rd", "p%40ss", "not-whsec", "hooks.slack.com"]) expect(message).not.toContain(secret);
  });
});

describe("alert channels from the environment, without a config file", () => {
  const env = { COBALT_API_KEY: "tk_x" };

  it("reads the variables the documentation names", () => {
    const config = loadConfig({
      env: {
        ...env,
        RELAY_SLACK_WEBHOOK_URL: SLACK,
        RELAY_ALERT_WEBHOOK_URL: "https://ops.example.com/hook",
        RELAY_ALERT_WEBHOOK_SECRET: SECRET,
        RELAY_SMTP_URL: SMTP,
        RELAY_ALERT_EMAIL_FROM: "relay@example.com",
        RELAY_ALERT_EMAIL_TO: "a@example.com, b@example.com",
        RELAY_ALERT_REMINDER_DAYS: "2,14",
        RELAY_ALERT_TIME_ZONE: "America/New_York",
        RELAY_ALERT_DIGEST: "off",
      },
    });
    expect(config.alerts!.channels.map((channel) => channel.kind)).toEqual(["slack", "webhook", "email"]);
    expect(config.alerts!.channels[2]).toMatchObject({ to: ["a@example.com", "b@example.com"] });
    expect(config.alerts!.rules).toMatchObject({ reminderDays: [2, 14], timeZone: "America/New_York" });
    expect(config.alerts!.rules.digest).toBeUndefined();
    expect(loadConfig({ env: { ...env, RELAY_ALERT_DIGEST: "07:15", RELAY_ALERT_DIGEST_WHEN_NOTHING_BROKEN: "1", RELAY_ALERT_REMINDER_DAYS: "none" } }).alerts!.rules).toMatchObject({ reminderDays: [], digest: { minutes: 435, whenNothingBroken: true } });
  });

  it("says which variable goes with which", () => {
    expect(error(() => loadConfig({ env: { ...env, RELAY_ALERT_WEBHOOK_URL: "https://x.example" } }))).toContain("RELAY_ALERT_WEBHOOK_URL and RELAY_ALERT_WEBHOOK_SECRET go together");
    expect(error(() => loadConfig({ env: { ...env, RELAY_SMTP_URL: SMTP } }))).toContain("RELAY_SMTP_URL needs RELAY_ALERT_EMAIL_FROM");
    expect(error(() => loadConfig({ env: { ...env, RELAY_SLACK_WEBHOOK_URL: "http://hooks.example" } }))).toBe(
      "RELAY_SLACK_WEBHOOK_URL must be an https:// address (plain http:// only to this computer: localhost, 127.0.0.1 or [::1]); the value is not shown.",
    );
  });
});

describe("email on Cloudflare Workers", () => {
  it("is refused with what to use instead", () => {
    const config = loadConfig({ env: { COBALT_API_KEY: "tk_x", RELAY_SMTP_URL: SMTP, RELAY_ALERT_EMAIL_FROM: "r@example.com", RELAY_ALERT_EMAIL_TO: "t@example.com" } });
    expect(error(() => refuseEmail(config))).toContain("use a webhook channel");
    expect(() => refuseEmail(loadConfig({ env: { COBALT_API_KEY: "tk_x", RELAY_SLACK_WEBHOOK_URL: SLACK } }))).not.toThrow();
  });
});

describe("the alerts record read back", () => {
  it("keeps what it can read, entry by entry, and refuses what is not the record at all", () => {
    const raw = {
      version: 1,
      sources: { prod: { fingerprint: "f", open: [{ accountId: "a", slug: "s", app: "S", since: 1 }, { accountId: 5 }], trouble: { problem: "nope" } }, bad: 7 },
      digest: { lastDate: "2025-06-02" },
      outbox: [
        { id: "m1", channel: "slack", createdAt: 1, attempts: 0, nextAt: 1, message: { type: "trouble", source: { id: "prod", label: "P", environment: "test" }, problem: "key-rejected", errorKind: "unauthorized", since: 1 } },
        { id: "m2", channel: "slack", createdAt: 1, attempts: 0, nextAt: 1, message: { type: "made-up" } },
      ],
    };
    const parsed = ALERTS.parse(raw);
    expect(parsed.ok && parsed.value).toEqual({
      sources: { prod: { fingerprint: "f", open: [{ accountId: "a", slug: "s", app: "S", since: 1, remindedDays: 0 }] } },
      digest: { lastDate: "2025-06-02" },
      outbox: [expect.objectContaining({ id: "m1" })],
    });
    expect(ALERTS.parse([]).ok).toBe(false);
  });
});
