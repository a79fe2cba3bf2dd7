import type { Channel, DeliveryResult } from "./channel.ts";
import type { AlertMessage } from "./messages.ts";
import { word } from "./words.ts";

/*
 * Email: the message as a plain-text mail (subject: its one-line summary). Sending is the
 * runtime's: on Node, SMTP through nodemailer (src/relay/server/node/smtp.ts); on Workers there is
 * none, and the configuration refuses an email channel there (docs/relay.md says what to use).
 */

export interface Mail {
  from: string;
  to: readonly string[];
  subject: string;
  text: string;
  /** The message's id, for the Message-ID header's left part: the same on every attempt. */
  id: string;
}

export interface MailTransport {
  send(mail: Mail): Promise<DeliveryResult>;
}

const SUBJECT_MAX = 200;

/** A header holds one line: control characters (a name from Cobalt with a line break) become spaces. */
const oneLine = (text: string) => text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ").trim();

export function mailOf(message: AlertMessage, timeZone: string): { subject: string; text: string } {
  const words = word(message, timeZone);
  const subject = oneLine(`[Cobalt] ${words.summary}`);
  const lines = [words.title, "", ...words.fields.map((field) => `${field.label}: ${field.value}`)];
  if (words.note) lines.push("", words.note);
  if (words.list && words.list.length > 0) lines.push("", ...words.list.map((line) => `- ${line}`));
  if (words.more) lines.push(`…and ${words.more} more`);
  lines.push("", "-- ", "Sent by the Cobalt Integration Status relay.");
  return { subject: subject.length > SUBJECT_MAX ? `${subject.slice(0, SUBJECT_MAX - 1)}…` : subject, text: lines.join("\n") };
}

export function emailChannel(id: string, mail: { from: string; to: readonly string[] }, timeZone: string, transport: MailTransport): Channel {
  return {
    id,
    kind: "email",
    send: (message, delivery) => transport.send({ ...mail, ...mailOf(message, timeZone), id: delivery.id }),
  };
}
