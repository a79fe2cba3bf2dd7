import { z } from "./zod.ts";
import type { Notice } from "./notices.ts";
import { normalizeBaseUrl } from "./url.ts";

export const SETTINGS_VERSION = 2;
export const DEFAULT_BASE_URL = "https://api.gocobalt.io";
export const SUGGESTED_BASE_URLS = ["https://api.gocobalt.io", "https://app.refold.ai"] as const;
export const INTERVAL = { min: 1, max: 60, default: 5 } as const;
/** Cobalt documents 20 requests/s in one place and 10/min per linked account in another; the
 * org's own backend shares the same limit, so the default uses a small slice of it. */
export const BUDGET = { min: 10, max: 1200, default: 120 } as const;

export interface Settings {
  apiKey: string;
  baseUrl: string;
  /** Empty means every linked account of the key's environment. */
  linkedAccountIds: string[];
  intervalMinutes: number;
  /** Requests per minute, spread evenly over a check. */
  requestsPerMinute: number;
}

export const DEFAULT_SETTINGS: Settings = {
  apiKey: "",
  baseUrl: DEFAULT_BASE_URL,
  linkedAccountIds: [],
  intervalMinutes: INTERVAL.default,
  requestsPerMinute: BUDGET.default,
};

export type KeyEnvironment = "test" | "production" | "unknown";

/** Cobalt's documented prefixes: `tk` test keys, `pk` production keys. */
export function keyEnvironment(apiKey: string): KeyEnvironment {
  if (apiKey.startsWith("tk")) return "test";
  if (apiKey.startsWith("pk")) return "production";
  return "unknown";
}

/** Shows enough of the key to recognise it, never enough to use it. */
export function maskKey(apiKey: string): string {
  if (apiKey === "") return "";
  if (apiKey.length <= 8) return "•".repeat(apiKey.length);
  return `${apiKey.slice(0, 4)}${"•".repeat(Math.min(apiKey.length - 8, 16))}${apiKey.slice(-4)}`;
}

export function parseLinkedAccountIds(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((id) => id !== ""))];
}

const MAX_ID_LENGTH = 200;

/** Why a linked account ID cannot be used, as data (worded by settings-form.ts's problemText). */
export type IdProblem = { code: "id-too-long"; start: string; max: number } | { code: "id-control"; id: string };

/** Why an ID cannot be used, or undefined. IDs are sent percent-encoded, so any text is possible;
 * control characters and absurd lengths are typing accidents, not IDs. */
export function linkedAccountIdProblem(id: string): IdProblem | undefined {
  if (id.length > MAX_ID_LENGTH) return { code: "id-too-long", start: id.slice(0, 20), max: MAX_ID_LENGTH };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(id)) return { code: "id-control", id };
  return undefined;
}

const clampInt = (min: number, max: number) =>
  z.pipe(z.number(), z.transform((n) => Math.min(max, Math.max(min, Math.round(n)))));

/** One validator per field, so a damaged value costs that value alone. */
const fields = {
  apiKey: z.string(),
  baseUrl: z.string(),
  linkedAccountIds: z.array(z.string()),
  intervalMinutes: clampInt(INTERVAL.min, INTERVAL.max),
  requestsPerMinute: clampInt(BUDGET.min, BUDGET.max),
} satisfies { [K in keyof Settings]: z.ZodMiniType<Settings[K], unknown> };

/** The settings' fields, in the order the options page shows them. */
export type SettingsField = keyof Settings;

/**
 * Earlier layouts, oldest first. Version 1 kept the IDs as the raw text of the field; version 2
 * stores the parsed list and adds the request budget (filled from its default).
 */
function migrate(raw: Record<string, unknown>): Record<string, unknown> {
  const version = typeof raw.schemaVersion === "number" ? raw.schemaVersion : 1;
  const out = { ...raw };
  if (version < 2 && typeof out.linkedAccountIds === "string") {
    out.linkedAccountIds = parseLinkedAccountIds(out.linkedAccountIds);
  }
  return out;
}

export interface ParsedSettings {
  settings: Settings;
  /** One per stored value that could not be read and fell back to its default. */
  notices: Notice[];
}

export function parseStoredSettings(raw: unknown): ParsedSettings {
  if (raw === undefined) return { settings: { ...DEFAULT_SETTINGS }, notices: [] };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { settings: { ...DEFAULT_SETTINGS }, notices: [{ code: "settings-unreadable" }] };
  }
  const migrated = migrate(raw as Record<string, unknown>);
  const settings = { ...DEFAULT_SETTINGS };
  const notices: Notice[] = [];
  for (const key of Object.keys(fields) as SettingsField[]) {
    if (!(key in migrated)) continue;
    const result = fields[key].safeParse(migrated[key]);
    if (!result.success) {
      notices.push({ code: "field-reset", field: key });
      continue;
    }
    // A base URL that reads fine but may not be used (plain http to another computer, say)
    // carries its reason, so the user knows what to enter instead.
    const base = key === "baseUrl" ? normalizeBaseUrl(result.data as string) : undefined;
    if (base && !base.ok) notices.push({ code: "field-reset", field: key, problem: base.problem });
    else (settings as Record<SettingsField, unknown>)[key] = base ? base.value : result.data;
  }
  return { settings, notices };
}

export function serializeSettings(settings: Settings): Record<string, unknown> {
  return { schemaVersion: SETTINGS_VERSION, ...settings };
}

/** A settings change that alters which data is fetched; interval or budget changes do not. */
export function sourceKey(settings: Settings): string {
  return fnv1a(JSON.stringify([settings.baseUrl, settings.apiKey, settings.linkedAccountIds]));
}

/** A short fingerprint (not a secret-keeping hash: it only tells "same settings or not"). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
