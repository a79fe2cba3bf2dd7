import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/*
 * What the relay's alerts reach in the tests, all on 127.0.0.1: a stand-in for Slack's incoming
 * webhook, a webhook receiver that checks the Standard Webhooks signature as a team's own code
 * would (with Node's crypto, not the relay's), and a real SMTP server (smtp-server) that asks for
 * a password. Each can be told to fail until told otherwise; each keeps what it accepted, in order.
 */

export interface Posted {
  headers: IncomingMessage["headers"];
  body: string;
}

export interface HttpReceiver {
  url: string;
  /** Requests answered 2xx, in order. */
  accepted: Posted[];
  /** Requests answered with a failure. */
  refused: number;
  /** Answer every request with this status from now on (undefined: accept again). */
  failWith(status: number | undefined): void;
  close(): Promise<void>;
}

async function startReceiver(path: string, accept: (posted: Posted) => boolean): Promise<HttpReceiver> {
  let failing: number | undefined;
  const receiver = { accepted: [] as Posted[], refused: 0 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const posted = { headers: request.headers, body: Buffer.concat(chunks).toString("utf8") };
      if (request.method !== "POST" || request.url !== path || failing !== undefined || !accept(posted)) {
        receiver.refused++;
        response.writeHead(failing ?? 400).end("no");
        return;
      }
      receiver.accepted.push(posted);
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}${path}`,
    failWith: (status: number | undefined) => void (failing = status),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** Slack's incoming webhook, as far as the relay can tell: a secret path, JSON with `text` and `blocks`. */
export function startSlackStandIn(): Promise<HttpReceiver> {
  return startReceiver(`/services/T0TEST/B0TEST/${randomBytes(12).toString("hex")}`, (posted) => {
    const body = JSON.parse(posted.body) as { text?: unknown; blocks?: unknown };
    return posted.headers["content-type"] === "application/json" && typeof body.text === "string" && Array.isArray(body.blocks);
  });
}

export interface WebhookReceiver extends HttpReceiver {
  /** The secret as the relay is given it: whsec_ and base64. */
  secret: string;
}

/** Accepts only what is signed with its secret, within five minutes of now (as the Standard Webhooks libraries do). */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const key = randomBytes(32);
  const receiver = await startReceiver(`/hooks/${randomBytes(6).toString("hex")}`, (posted) => verifyStandardWebhook(posted, key));
  return Object.assign(receiver, { secret: `whsec_${key.toString("base64")}` });
}

export function verifyStandardWebhook(posted: Posted, key: Buffer): boolean {
  const id = posted.headers["webhook-id"];
  const timestamp = posted.headers["webhook-timestamp"];
  const signatures = posted.headers["webhook-signature"];
  if (typeof id !== "string" || typeof timestamp !== "string" || typeof signatures !== "string") return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${posted.body}`).digest();
  return signatures.split(" ").some((each) => {
    const [version, signature] = each.split(",");
    const given = Buffer.from(signature ?? "", "base64");
    return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

export interface Mailbox {
  url: string;
  password: string;
  mails: { from: string; to: string[]; subject: string; text: string }[];
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 with a password (plain SMTP, which the relay allows only to this computer). */
export async function startMailbox(): Promise<Mailbox> {
  const password = `pw-${randomBytes(8).toString("hex")}`;
  const mails: Mailbox["mails"] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "relay" && auth.password === password) callback(null, { user: "relay" });
      else callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((to) => to.address), ...readMail(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://relay:${password}@127.0.0.1:${port}`, password, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The subject and the text of a plain-text mail as nodemailer writes it (quoted-printable when needed). */
function readMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const body = raw.slice(split + 4);
  const subject = /^Subject: (.*)$/im.exec(head)?.[1] ?? "";
  const quoted = /^Content-Transfer-Encoding: quoted-printable$/im.test(head);
  const text = quoted ? Buffer.from(body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8") : body;
  return { subject, text };
}
