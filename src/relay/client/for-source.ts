import { RelayClient } from "./client.ts";
import type { RelaySource } from "../../core/settings/model.ts";

/** The team relay's client with the browser's fetch: its requests go to the relay URL alone. */
export function relayClient(source: Pick<RelaySource, "relayUrl" | "token">): RelayClient {
  return new RelayClient({ relayUrl: source.relayUrl, token: source.token, fetch: (url, init) => fetch(url, init) });
}
