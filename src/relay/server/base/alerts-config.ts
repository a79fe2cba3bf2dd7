import { isLoopbackHost } from "../../../core/kit/url.ts";
import { z } from "../../../core/kit/zod.ts";
import { envNotSetText } from "./config-words.ts";

/*
 * Where the relay sends its alerts (the config file's `alerts` list, or RELAY_SLACK_WEBHOOK_URL,
 * RELAY_ALERT_WEBHOOK_URL… without one) and the rules it sends them by (`alertRules`, or
 * RELAY_ALERT_REMINDER_DAYS…). Every address and secret comes from an environment variable (a
 * webhook's own URL may be in the file): the file then holds nothing anyone could post with. A
 * problem is said by field, never by value: a value may be a webhook URL or a password.
 */

export type ChannelKind = "slack" | "webhook" | "email";

export type ChannelConfig =
  | { id: string; kind: "slack"; url: string }
  | { id: string; kind: "webhook"; url: string; /** The key of `whsec_<base64>`, decoded. */ secret: Uint8Array; secretText: string }
  | { id: string; kind: "email"; smtp: SmtpSettings; smtpUrl: string; from: string; to: string[] };

export interface SmtpSettings {
  host: string;
  port: number;
  /** smtps://: TLS from the first byte. */
  secure: boolean;
  /** STARTTLS before anything is sent: on for smtp:// to another computer, so neither password nor mail crosses a network in the clear. */
  requireTls: boolean;
  user?: string;
  password?: string;
}

export interface AlertRules {
  /** Reminders for a break still open this many days after it began, each once; empty for none. */
  reminderDays: number[];
  /** IANA time zone of the digest and of the times in messages. */
  timeZone: string;
  /** The daily digest at `minutes` after local midnight; absent: none. */
  digest?: { minutes: number; whenNothingBroken: boolean };
  /** A failing delivery is tried again after `firstMs`, doubling up to `maxMs`, for `giveUpMs`. */
  retry: { firstMs: number; maxMs: number; giveUpMs: number };
  /** More breaks (or fixes, or reminders) than this from one source at once make one summary. */
  summaryAbove: number;
  /** A source that cannot check Cobalt for this long is the relay's own trouble (a rejected key is at once). */
  troubleAfterMs: number;
}

export interface AlertsConfig {
  channels: ChannelConfig[];
  rules: AlertRules;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_ALERT_RULES: AlertRules = {
  reminderDays: [1, 7],
  timeZone: "UTC",
  digest: { minutes: 9 * 60, whenNothingBroken: false },
  retry: { firstMs: 30_000, maxMs: HOUR, giveUpMs: 24 * HOUR },
  summaryAbove: 5,
  troubleAfterMs: 15 * MINUTE,
};

/** The defaults but the digest, which each reader adds (or not: `"digest": false`). */
const { digest: _digest, ...WITHOUT_DIGEST } = DEFAULT_ALERT_RULES;

export class AlertConfigError extends Error {
  override readonly name = "AlertConfigError";
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envName = () => z.string().check(z.regex(ENV_NAME, "must be an environment variable name"));
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const FileChannelSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("slack"), webhookUrlEnv: envName() }),
  z.strictObject({ kind: z.literal("webhook"), url: z.optional(z.string()), urlEnv: z.optional(envName()), secretEnv: envName() }),
  z.strictObject({
    kind: z.literal("email"),
    smtpUrlEnv: envName(),
    from: z.string().check(z.maxLength(254)),
    to: z.array(z.string().check(z.maxLength(254))).check(z.minLength(1, "needs at least one address"), z.maxLength(50)),
  }),
]);

export const FileAlertRulesSchema = z.strictObject({
  reminderDays: z.optional(z.array(z.number().check(z.gt(0), z.lte(365))).check(z.maxLength(10))),
  timeZone: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  digest: z.optional(
    z.union([z.literal(false), z.strictObject({ time: z.string().check(z.regex(TIME, "must be a time like 09:00")), whenNothingBroken: z.optional(z.boolean()) })]),
  ),
  retry: z.optional(
    z.strictObject({
      firstSeconds: z.optional(z.number().check(z.gte(0.01), z.lte(3600))),
      maxSeconds: z.optional(z.number().check(z.gte(0.01), z.lte(86_400))),
    }),
  ),
});

type FileChannel = z.infer<typeof FileChannelSchema>;
type FileAlertRules = z.infer<typeof FileAlertRulesSchema>;
type Env = Record<string, string | undefined>;

/** From the config file's `alerts` and `alertRules`. */
export function alertsFromFile(channels: readonly FileChannel[] | undefined, rules: FileAlertRules | undefined, env: Env): AlertsConfig {
  const ids = channelIds((channels ?? []).map((channel) => channel.kind));
  return {
    channels: (channels ?? []).map((channel, index) => fileChannel(channel, ids[index]!, (field) => `alerts[${index}].${field}`, env)),
    rules: fileRules(rules),
  };
}

/** Names a field in messages: `alerts[0].urlEnv` in a file; the variable itself without one. */
type Place = (field: string, variable: string) => string;

function fileChannel(channel: FileChannel, id: string, place: Place, env: Env): ChannelConfig {
  const from = (name: string, field: string) => {
    const value = env[name]?.trim();
    if (!value) throw new AlertConfigError(`${place(field, name)}: ${envNotSetText(name, field)}.`);
    return value;
  };
  switch (channel.kind) {
    case "slack":
      return { id, kind: "slack", url: httpsUrl(from(channel.webhookUrlEnv, "webhookUrlEnv"), place("webhookUrlEnv", channel.webhookUrlEnv)) };
    case "webhook": {
      if ((channel.url === undefined) === (channel.urlEnv === undefined)) throw new AlertConfigError(`${place("url", "")}: give either url or urlEnv (one of them).`);
      const url = channel.url ?? from(channel.urlEnv!, "urlEnv");
      const secretText = from(channel.secretEnv, "secretEnv");
      const urlPlace = channel.url !== undefined ? place("url", "") : place("urlEnv", channel.urlEnv!);
      return { id, kind: "webhook", url: httpsUrl(url, urlPlace), secret: webhookSecret(secretText, place("secretEnv", channel.secretEnv)), secretText };
    }
    case "email": {
      const smtpUrl = from(channel.smtpUrlEnv, "smtpUrlEnv");
      const to = channel.to.map((each, n) => address(each, place(`to[${n}]`, "RELAY_ALERT_EMAIL_TO")));
      return { id, kind: "email", smtpUrl, smtp: smtpSettings(smtpUrl, place("smtpUrlEnv", channel.smtpUrlEnv)), from: address(channel.from, place("from", "RELAY_ALERT_EMAIL_FROM")), to };
    }
  }
}

function fileRules(rules: FileAlertRules | undefined): AlertRules {
  const firstMs = (rules?.retry?.firstSeconds ?? DEFAULT_ALERT_RULES.retry.firstMs / 1000) * 1000;
  const maxMs = Math.max(firstMs, (rules?.retry?.maxSeconds ?? DEFAULT_ALERT_RULES.retry.maxMs / 1000) * 1000);
  const digest = rules?.digest;
  return {
    ...WITHOUT_DIGEST,
    reminderDays: reminderDays(rules?.reminderDays ?? DEFAULT_ALERT_RULES.reminderDays),
    timeZone: timeZone(rules?.timeZone ?? DEFAULT_ALERT_RULES.timeZone, "alertRules.timeZone"),
    ...digestRule(digest === false ? false : digest ? { time: digest.time, whenNothingBroken: digest.whenNothingBroken ?? false } : undefined, "alertRules.digest.time"),
    retry: { ...WITHOUT_DIGEST.retry, firstMs, maxMs },
  };
}

/** Without a config file: the channels and rules the environment names. */
export function alertsFromEnv(env: Env): AlertsConfig {
  const channels: FileChannel[] = [];
  if (env.RELAY_SLACK_WEBHOOK_URL) channels.push({ kind: "slack", webhookUrlEnv: "RELAY_SLACK_WEBHOOK_URL" });
  if (env.RELAY_ALERT_WEBHOOK_URL || env.RELAY_ALERT_WEBHOOK_SECRET) {
    if (!env.RELAY_ALERT_WEBHOOK_URL || !env.RELAY_ALERT_WEBHOOK_SECRET) throw new AlertConfigError("RELAY_ALERT_WEBHOOK_URL and RELAY_ALERT_WEBHOOK_SECRET go together: the address to post to and the secret its messages are signed with (whsec_…).");
    channels.push({ kind: "webhook", urlEnv: "RELAY_ALERT_WEBHOOK_URL", secretEnv: "RELAY_ALERT_WEBHOOK_SECRET" });
  }
  if (env.RELAY_SMTP_URL || env.RELAY_ALERT_EMAIL_TO) {
    const to = (env.RELAY_ALERT_EMAIL_TO ?? "").split(/[\s,;]+/).filter((item) => item !== "");
    if (!env.RELAY_ALERT_EMAIL_FROM || to.length === 0) throw new AlertConfigError("RELAY_SMTP_URL needs RELAY_ALERT_EMAIL_FROM (the sender) and RELAY_ALERT_EMAIL_TO (one address or several, comma-separated).");
    channels.push({ kind: "email", smtpUrlEnv: "RELAY_SMTP_URL", from: env.RELAY_ALERT_EMAIL_FROM, to });
  }
  const ids = channelIds(channels.map((channel) => channel.kind));
  const days = env.RELAY_ALERT_REMINDER_DAYS?.trim();
  const digest = env.RELAY_ALERT_DIGEST?.trim();
  return {
    channels: channels.map((channel, index) => fileChannel(channel, ids[index]!, (_field, variable) => variable, env)),
    rules: {
      ...WITHOUT_DIGEST,
      reminderDays: days ? reminderDays(envDays(days)) : DEFAULT_ALERT_RULES.reminderDays,
      timeZone: timeZone(env.RELAY_ALERT_TIME_ZONE?.trim() || DEFAULT_ALERT_RULES.timeZone, "RELAY_ALERT_TIME_ZONE"),
      ...digestRule(digest === "off" ? false : digest ? { time: digest, whenNothingBroken: /^(1|true|yes)$/i.test(env.RELAY_ALERT_DIGEST_WHEN_NOTHING_BROKEN ?? "") } : undefined, "RELAY_ALERT_DIGEST"),
    },
  };
}

function envDays(text: string): number[] {
  if (text === "none") return [];
  const days = text.split(/[\s,]+/).filter((item) => item !== "").map(Number);
  if (days.some((day) => !Number.isFinite(day) || day <= 0 || day > 365)) throw new AlertConfigError("RELAY_ALERT_REMINDER_DAYS must be days after a break began, comma-separated (like 1,7), or none.");
  return days;
}

/** A channel's id (logs, /v1/health): its kind, numbered from the second of a kind on. */
function channelIds(kinds: readonly ChannelKind[]): string[] {
  const seen = new Map<ChannelKind, number>();
  return kinds.map((kind) => {
    const count = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, count);
    return count === 1 ? kind : `${kind}-${count}`;
  });
}

function reminderDays(days: readonly number[]): number[] {
  return [...new Set(days)].sort((a, b) => a - b);
}

function digestRule(digest: { time: string; whenNothingBroken: boolean } | false | undefined, where: string): { digest?: AlertRules["digest"] } {
  if (digest === false) return {};
  if (digest === undefined) return { digest: DEFAULT_ALERT_RULES.digest! };
  const match = TIME.exec(digest.time);
  if (!match) throw new AlertConfigError(`${where} must be a time like 09:00 (24-hour clock), or off.`);
  return { digest: { minutes: Number(match[1]) * 60 + Number(match[2]), whenNothingBroken: digest.whenNothingBroken } };
}

/** Whether the runtime knows this IANA time zone (Europe/Berlin, America/New_York, UTC…). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function timeZone(name: string, where: string): string {
  if (!isTimeZone(name)) throw new AlertConfigError(`${where} is not a time zone this relay knows: give an IANA name like Europe/Berlin, America/New_York or UTC.`);
  return name;
}

/** https, or plain http to this computer only (as for Cobalt's address): what is posted names customers. */
function httpsUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AlertConfigError(`${where} is not a URL (the value is not shown).`);
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname))) return value;
  throw new AlertConfigError(`${where} must be an https:// address (plain http:// only to this computer: localhost, 127.0.0.1 or [::1]); the value is not shown.`);
}

/** Standard Webhooks' secret: `whsec_` and the base64 of 24 to 64 random bytes. */
function webhookSecret(text: string, where: string): Uint8Array {
  const hint = "must be whsec_ followed by the base64 of 24 to 64 random bytes (for example: echo whsec_$(openssl rand -base64 32))";
  if (!text.startsWith("whsec_")) throw new AlertConfigError(`${where}: the secret ${hint}.`);
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(text.slice("whsec_".length)), (char) => char.charCodeAt(0));
  } catch {
    throw new AlertConfigError(`${where}: the secret is not valid base64; it ${hint}.`);
  }
  if (bytes.length < 24 || bytes.length > 64) throw new AlertConfigError(`${where}: the secret ${hint}.`);
  return bytes;
}

/** smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS). */
function smtpSettings(value: string, where: string): SmtpSettings {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AlertConfigError(`${where}: the SMTP address is not a URL like smtps://user:password@mail.example.com:465 (the value is not shown).`);
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new AlertConfigError(`${where}: the SMTP address must start with smtps:// (TLS) or smtp:// (STARTTLS).`);
  if (!url.hostname) throw new AlertConfigError(`${where}: the SMTP address has no host.`);
  const secure = url.protocol === "smtps:";
  const settings: SmtpSettings = {
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTls: !secure && !isLoopbackHost(url.hostname),
  };
  if (url.username) settings.user = decodeURIComponent(url.username);
  if (url.password) settings.password = decodeURIComponent(url.password);
  return settings;
}

/** One plain address: a header can carry nothing else (no line break, no second address). */
function address(value: string, where: string): string {
  const trimmed = value.trim();
  if (!/^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/.test(trimmed)) throw new AlertConfigError(`${where} is not an email address like team@example.com.`);
  return trimmed;
}

/** Everything of the alerts that must never be printed: URLs (a Slack webhook's is its key), secrets, SMTP URL and password. */
export function alertSecrets(alerts: AlertsConfig | undefined): string[] {
  return (alerts?.channels ?? []).flatMap((channel) => {
    if (channel.kind === "slack") return [channel.url];
    if (channel.kind === "webhook") return [channel.url, channel.secretText];
    return [channel.smtpUrl, ...(channel.smtp.password ? [channel.smtp.password, encodeURIComponent(channel.smtp.password)] : [])];
  });
}
