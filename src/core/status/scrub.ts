import { scrubbed } from "../api/errors.ts";
import { isRelay, type Source } from "../settings/model.ts";
import type { Status } from "./model.ts";

/*
 * A server's words in stored failures never carry the source's secret: a Cobalt (or a proxy, or a
 * relay) that echoes the request puts the key or the member token in its error text, which would
 * then be stored and shown in a banner. Applied before the results are stored and when they are
 * read back (for results an older version stored).
 */

/** What a source sends that must never come back in a server's words. */
export function secretsOf(source: Source): string[] {
  return [isRelay(source) ? source.token : source.apiKey];
}

/** The status with every failure's words scrubbed of `secrets` and cut short (api/errors.ts scrubbed). */
export function scrubStatus(status: Status, secrets: readonly string[]): Status {
  const hasWords = (error: Status["error"]) => error !== undefined && (error.detail !== undefined || error.path !== undefined);
  if (!hasWords(status.error) && !status.accounts.some((account) => hasWords(account.error))) return status;
  const out: Status = { ...status, accounts: status.accounts.map((account) => (account.error && hasWords(account.error) ? { ...account, error: scrubbed(account.error, secrets) } : account)) };
  if (status.error) out.error = scrubbed(status.error, secrets);
  return out;
}
