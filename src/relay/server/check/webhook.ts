import { z } from "../../../core/kit/zod.ts";
import { linkedAccountIdProblem } from "../../../core/settings/form-rules.ts";

/*
 * Cobalt's webhook events (reference §9). Only the connection events matter to the relay, and
 * only as a reason to ask Cobalt again about one linked account: nothing in an event is ever
 * shown as status, signed or not.
 */

export type ConnectionChange = "created" | "deleted" | "expired";

export interface ConnectionEvent {
  change: ConnectionChange;
  linkedAccountId: string;
  slug?: string;
  environment?: "test" | "production";
}

export type ParsedWebhook =
  /** `event` is undefined for well-formed events the relay has no use for (workflow events). */
  | { ok: true; event: ConnectionEvent | undefined }
  | { ok: false; reason: "not-json" | "not-an-event" | "no-linked-account" | "bad-linked-account" };

/**
 * Today's names are "Connection Created", "Connection Deleted", "Connection Expired"; the older
 * create-webhook page lists kebab-case ones ("connected-created" [sic], "connection-deleted").
 * Case, spaces, dashes, underscores and dots are all treated alike.
 */
export function connectionChange(eventName: string): ConnectionChange | undefined {
  const name = eventName.trim().toLowerCase().replace(/[\s_.-]+/g, " ");
  switch (name) {
    case "connection created":
    case "connected created":
      return "created";
    case "connection deleted":
      return "deleted";
    case "connection expired":
      return "expired";
    default:
      return undefined;
  }
}

const EventSchema = z.looseObject({
  event: z.string().check(z.minLength(1), z.maxLength(100)),
  linked_account_id: z.optional(z.unknown()),
  slug: z.optional(z.unknown()),
  environment: z.optional(z.unknown()),
});

export function parseWebhook(raw: string): ParsedWebhook {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, reason: "not-json" };
  }
  const parsed = EventSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: "not-an-event" };
  const change = connectionChange(parsed.data.event);
  if (!change) return { ok: true, event: undefined };
  const id = parsed.data.linked_account_id;
  if (typeof id !== "string" || id === "") return { ok: false, reason: "no-linked-account" };
  if (linkedAccountIdProblem(id)) return { ok: false, reason: "bad-linked-account" };
  const event: ConnectionEvent = { change, linkedAccountId: id };
  const { slug, environment } = parsed.data;
  if (typeof slug === "string" && slug !== "" && slug.length <= 200) event.slug = slug;
  if (environment === "test" || environment === "production") event.environment = environment;
  return { ok: true, event };
}

/**
 * Checks `x-cobalt-signature`: the hex HMAC-SHA256 of the raw body, keyed with the org API key
 * (or a secret configured instead). Web Crypto's `verify` compares in constant time, and works
 * on every runtime the web-standards handler may run on.
 */
export class SignatureVerifier {
  readonly #key: Promise<CryptoKey>;

  constructor(secret: string) {
    this.#key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  }

  async verify(rawBody: Uint8Array<ArrayBuffer>, header: string | null | undefined): Promise<boolean> {
    const signature = decodeHex(header?.trim().replace(/^sha256=/i, "") ?? "");
    if (!signature || signature.length !== 32) return false;
    return crypto.subtle.verify("HMAC", await this.#key, signature, rawBody);
  }
}

function decodeHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
