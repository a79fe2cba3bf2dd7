import nodemailer from "nodemailer";
import type { ChannelConfig } from "../base/alerts-config.ts";
import { errorName } from "../base/log.ts";
import type { DeliveryResult } from "../alerts/channel.ts";
import type { Mail, MailTransport } from "../alerts/email.ts";

/*
 * Email over SMTP with nodemailer: smtps:// is TLS from the first byte; smtp:// to another
 * computer must upgrade with STARTTLS before the password or the mail is sent (requireTLS), and
 * plain SMTP is only for a server on this computer. What a failure says is its code and the
 * server's reply code, never its text (which can echo the address or the user name).
 */

const TIMEOUT_MS = 10_000;

export function smtpTransport(channel: Extract<ChannelConfig, { kind: "email" }>): MailTransport {
  const { smtp } = channel;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTls,
    ...(smtp.user !== undefined && { auth: { user: smtp.user, pass: smtp.password ?? "" } }),
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    logger: false,
    debug: false,
  });
  return {
    async send(mail: Mail): Promise<DeliveryResult> {
      try {
        await transport.sendMail({ from: mail.from, to: [...mail.to], subject: mail.subject, text: mail.text, messageId: `<${mail.id}@cobalt-relay>` });
        return { ok: true };
      } catch (error) {
        return failure(error);
      }
    },
  };
}

/** A 5xx reply to the message itself (a recipient refused, the message too big) is final; anything else is tried again. */
function failure(error: unknown): DeliveryResult {
  const { code, responseCode } = (typeof error === "object" && error !== null ? error : {}) as { code?: unknown; responseCode?: unknown };
  const result: DeliveryResult = { ok: false, permanent: false, error: typeof code === "string" && /^[A-Z_]{1,30}$/.test(code) ? code : errorName(error) };
  if (typeof responseCode === "number") {
    result.status = responseCode;
    result.permanent = responseCode >= 500 && code === "EENVELOPE";
  }
  return result;
}
