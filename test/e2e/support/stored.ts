import type { HealthyApps, Status } from "../../../src/core/status/model.ts";
import { decodeResults, planResultsWrite } from "../../../src/core/store/codec.ts";
import type { CobaltSource } from "../../../src/core/settings/model.ts";
import { resultKeys, sourceKeys } from "../../../src/core/store/keys.ts";
import { encodeOrder, shardOf } from "../../../src/core/store/shards.ts";
import type { ExtensionSession } from "./browsers.ts";

/*
 * The stored check results as the extension reads them, for tests that look behind the pages.
 * The layout itself is core/store/codec.ts; tests go through it rather than spell out keys.
 */

export const RESULT_KEYS = resultKeys();
/** The first source's keys: `progress.main`, `pendingBackoff.main`, `lastDecision.main`. */
export const MAIN_KEYS = sourceKeys("main");

/** A source as stored (the first one unless told), read as it is, without the extension's parser. */
export async function storedSource(ext: ExtensionSession, index = 0): Promise<CobaltSource> {
  const { settings } = (await ext.storageGet("settings")) as { settings?: { sources?: CobaltSource[] } };
  const source = settings?.sources?.[index];
  if (!source) throw new Error(`No stored source ${index}: ${JSON.stringify(settings)}`);
  return source;
}

export async function storedResults(ext: ExtensionSession): Promise<{ status: Status; healthy: HealthyApps }> {
  return decodeResults(await ext.storageGet());
}

export async function storedStatus(ext: ExtensionSession): Promise<Status> {
  return (await storedResults(ext)).status;
}

/** Everything stored, with the results decoded from that same read: the other keys and the status always agree. */
export async function storedWithStatus(ext: ExtensionSession): Promise<{ items: Record<string, unknown>; status: Status }> {
  const items = await ext.storageGet();
  return { items, status: decodeResults(items).status };
}

/** The fields of the results kept in their small header: every Status field but the accounts. */
export type HeaderFields = Partial<Omit<Status, "schemaVersion" | "accounts">>;

/**
 * Changes fields of the stored results' header in place (a backoff as an earlier check would
 * have left it, say), the accounts untouched: what the pages and the background then read.
 */
export async function patchStoredHeader(ext: ExtensionSession, fields: HeaderFields): Promise<void> {
  const { [RESULT_KEYS.header]: header } = await ext.storageGet(RESULT_KEYS.header);
  if (typeof header !== "object" || header === null) throw new Error(`patchStoredHeader: no ${RESULT_KEYS.header} stored`);
  await ext.storageSet({ [RESULT_KEYS.header]: { ...header, ...fields } });
}

/** Every key of the results as the extension would write them from scratch. */
export function encodedResults(status: Status, healthy: HealthyApps): Record<string, unknown> {
  return planResultsWrite({}, status, healthy).set;
}

/** Removes keys from storage.local (the harness only gets and sets). */
export async function storageRemove(ext: ExtensionSession, keys: string[]): Promise<void> {
  await ext.evalInBackground(`(globalThis.browser ?? chrome).storage.local.remove(${JSON.stringify(keys)})`);
}

/**
 * The same results spread over `shards` shards, as the extension lays out a larger org: lets a
 * test with three accounts damage one shard and keep the others.
 */
export function reshard(items: Record<string, unknown>, shards: number): Record<string, unknown> {
  const isShard = (key: string) => key.startsWith(`${RESULT_KEYS.header}.acc.`);
  const shardKeys = Object.keys(items).filter(isShard);
  if (shardKeys.length !== 1) throw new Error(`reshard expects the results in one shard, not ${shardKeys.length}`);
  const rows = items[shardKeys[0]!] as { i: string }[];
  const out = Object.fromEntries(Object.entries(items).filter(([key]) => !isShard(key)));
  const order = rows.map((row) => shardOf(row.i, shards));
  rows.forEach((row, index) => {
    const key = RESULT_KEYS.shard(order[index]!);
    out[key] = [...((out[key] as unknown[] | undefined) ?? []), row];
  });
  out[RESULT_KEYS.order] = encodeOrder(order, shards);
  out[RESULT_KEYS.header] = { ...(items[RESULT_KEYS.header] as object), shards };
  return out;
}
