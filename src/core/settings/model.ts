import type { SourceId } from "./source-ids.ts";

/*
 * What the user configures: the sources to watch (a Cobalt API key, or a team relay and a member
 * token) and the preferences beside them, with their limits and defaults.
 */

export const DEFAULT_BASE_URL = "https://api.gocobalt.io";
export const SUGGESTED_BASE_URLS = ["https://api.gocobalt.io", "https://app.refold.ai"] as const;
export const INTERVAL = { min: 1, max: 60, default: 5 } as const;
/** Cobalt documents 20 requests/s in one place and 10/min per linked account in another; the
 * org's own backend shares the same limit, so the default uses a small slice of it. */
export const BUDGET = { min: 10, max: 1200, default: 120 } as const;
/** Longer labels are cut: a label names a source in a heading and a tooltip line. */
export const MAX_LABEL_LENGTH = 60;

/** What a check of one Cobalt API key needs: the check runner, the schedule, the relay. */
export interface CheckSettings {
  apiKey: string;
  baseUrl: string;
  /** Empty means every linked account of the key's environment. */
  linkedAccountIds: string[];
  intervalMinutes: number;
  /** Requests per minute, spread evenly over a check. */
  requestsPerMinute: number;
}


/** One Cobalt API key and what to watch with it (a test and a production key are two sources). */
export interface CobaltSource extends CheckSettings {
  /** Stable: part of storage keys and alarm names, never changed by an edit. */
  id: SourceId;
  kind: "cobalt";
  /** Empty: the pages name the source after its key's environment (sources.ts). */
  label: string;
}

/**
 * A team relay: a server the org runs holds the Cobalt key and serves its status; this
 * browser holds only a member token, sent to the relay's origin alone.
 */
export interface RelaySource {
  id: SourceId;
  kind: "relay";
  label: string;
  /** https, or plain http on this computer (url.ts normalizeRelayUrl); "" until set. */
  relayUrl: string;
  token: string;
  intervalMinutes: number;
  /**
   * The badge counts only the breaks nobody on the team is on (the relay's desk: "I'm on it").
   * Absent means off; stored only when on.
   */
  badgeUnclaimedOnly?: boolean;
}

export type Source = CobaltSource | RelaySource;

/** What a check, the schedule and the views are given: a Cobalt key's settings (the relay
 * server's own too) or a relay source. */
export type Watched = CheckSettings | RelaySource;

export function isRelay(source: Watched): source is RelaySource {
  return (source as { kind?: unknown }).kind === "relay";
}

/** Polling the relay is cheap (a 304 of a few bytes), so it is asked every minute by default. */
export const RELAY_INTERVAL = { min: INTERVAL.min, max: INTERVAL.max, default: 1 } as const;

export interface Settings {
  /** At least one. The first is the one a single-source user has always had. */
  sources: Source[];
  /** Desktop notifications: on only once the user turned them on in Options. */
  notifications?: boolean;
}

export const DEFAULT_CHECK_SETTINGS: CheckSettings = {
  apiKey: "",
  baseUrl: DEFAULT_BASE_URL,
  linkedAccountIds: [],
  intervalMinutes: INTERVAL.default,
  requestsPerMinute: BUDGET.default,
};

export function newSource(id: SourceId, fields: Partial<Omit<CobaltSource, "id" | "kind">> = {}): CobaltSource {
  return { id, kind: "cobalt", label: "", ...DEFAULT_CHECK_SETTINGS, linkedAccountIds: [], ...fields };
}

export function newRelaySource(id: SourceId, fields: Partial<Omit<RelaySource, "id" | "kind">> = {}): RelaySource {
  return { id, kind: "relay", label: "", relayUrl: "", token: "", intervalMinutes: RELAY_INTERVAL.default, ...fields };
}

/** Shows enough of the key to recognise it, never enough to use it. */
export function maskKey(apiKey: string): string {
  if (apiKey === "") return "";
  if (apiKey.length <= 8) return "•".repeat(apiKey.length);
  return `${apiKey.slice(0, 4)}${"•".repeat(Math.min(apiKey.length - 8, 16))}${apiKey.slice(-4)}`;
}

/** A source's settings fields (of either kind), in the order the options page shows them. */
export type SettingsField = keyof Omit<CobaltSource, "id" | "kind"> | keyof Omit<RelaySource, "id" | "kind">;

export function findSource(settings: Settings, id: SourceId): Source | undefined {
  return settings.sources.find((source) => source.id === id);
}

/** Whether the source can be checked at all: it has its key, or its member token. */
export function isSetUp(source: Watched): boolean {
  if (isRelay(source)) return source.token.trim() !== "" && source.relayUrl.trim() !== "";
  // An empty base URL is one that was saved unusable (parseSource): never Cobalt's by default.
  return source.apiKey.trim() !== "" && source.baseUrl.trim() !== "";
}

/** The address this source's requests go to (and whose origin it needs permission for). */
export function sourceUrl(source: Source): string {
  return isRelay(source) ? source.relayUrl : source.baseUrl;
}
