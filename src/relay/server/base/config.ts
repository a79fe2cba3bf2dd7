import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { BUDGET, DEFAULT_BASE_URL, INTERVAL } from "../../../core/settings/model.ts";
import { linkedAccountIdProblem, parseLinkedAccountIds } from "../../../core/settings/form-rules.ts";
import { normalizeBaseUrl } from "../../../core/kit/url.ts";
import { z } from "../../../core/kit/zod.ts";
import { parseRange } from "./addresses.ts";
import { baseUrlProblemText, describeIssues, envNotSetText, idProblemText, jsonErrorAt, keyAsAddressText, looksLikeKey } from "./config-words.ts";

/*
 * The relay's configuration: a JSON file (`--config` or RELAY_CONFIG) and/or environment
 * variables. The file may name an environment variable for each key (`apiKeyEnv`) so the key can
 * stay out of the file. Messages about bad configuration name the field, never its value: the
 * value may be a key (config-words.ts words them).
 */

export const DEFAULT_PORT = 8788;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_DATA_DIR = "relay-data";

export interface SourceConfig {
  id: string;
  label: string;
  apiKey: string;
  baseUrl: string;
  /** Empty: every linked account of the key's environment. */
  linkedAccountIds: string[];
  intervalMinutes: number;
  requestsPerMinute: number;
  webhook: {
    /** Require a valid x-cobalt-signature. Off: events are unsigned hints, for known accounts only. */
    verify: boolean;
    /** What the signature is keyed with: the API key (as Cobalt documents) unless set otherwise. */
    secret: string;
  };
}

export interface RelayConfig {
  host: string;
  port: number;
  behindTlsProxy: boolean;
  /** Peers whose X-Forwarded-For is believed (the TLS proxy, a CDN): addresses or CIDR ranges, each checked to be one. */
  trustedProxies: string[];
  /** Members, audit log and last status are kept here: beside the config file by default. */
  dataDir: string;
  sources: SourceConfig[];
  /** RELAY_ADMIN_TOKEN: turns the admin API on (members and audit log over HTTP). */
  adminToken?: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const SOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const FileSourceSchema = z.strictObject({
  id: z.string().check(z.regex(SOURCE_ID, "must be 1 to 40 letters, digits, - or _")),
  label: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  apiKey: z.optional(z.string()),
  apiKeyEnv: z.optional(z.string().check(z.regex(ENV_NAME, "must be an environment variable name"))),
  baseUrl: z.optional(z.string()),
  linkedAccountIds: z.optional(z.union([z.literal("all"), z.array(z.string())])),
  intervalMinutes: z.optional(z.number().check(z.int(), z.gte(INTERVAL.min), z.lte(INTERVAL.max))),
  requestsPerMinute: z.optional(z.number().check(z.int(), z.gte(BUDGET.min), z.lte(BUDGET.max))),
  webhookSignature: z.optional(z.enum(["required", "off"])),
  webhookSecretEnv: z.optional(z.string().check(z.regex(ENV_NAME, "must be an environment variable name"))),
});

const FileSchema = z.strictObject({
  listen: z.optional(
    z.strictObject({
      host: z.optional(z.string().check(z.minLength(1))),
      port: z.optional(z.number().check(z.int(), z.gte(0), z.lte(65535))),
    }),
  ),
  behindTlsProxy: z.optional(z.boolean()),
  trustedProxies: z.optional(z.array(z.string())),
  dataDir: z.optional(z.string().check(z.minLength(1))),
  sources: z.array(FileSourceSchema).check(z.minLength(1, "needs at least one source")),
});

type FileSource = z.infer<typeof FileSourceSchema>;
type Env = Record<string, string | undefined>;

export interface ConfigInput {
  /** Path of the JSON config file, if any (flag or RELAY_CONFIG). */
  configPath?: string;
  /** The config file's content itself, where there are no files (a Worker's RELAY_CONFIG_JSON). */
  configText?: string;
  env: Env;
  /** Command-line overrides. */
  host?: string;
  port?: number;
  behindTlsProxy?: boolean;
}

export function configPathOf(input: { configPath?: string; env: Env }): string | undefined {
  const path = input.configPath ?? input.env.RELAY_CONFIG;
  return path ? resolve(path) : undefined;
}

/** Where members, the audit log and the last status live; needs no key (for the member commands). */
export function resolveDataDir(input: { configPath?: string; env: Env }): string {
  const path = configPathOf(input);
  if (input.env.RELAY_DATA_DIR) return resolve(input.env.RELAY_DATA_DIR);
  if (!path) return resolve(DEFAULT_DATA_DIR);
  const raw = readJson(path);
  const dataDir = typeof raw === "object" && raw !== null ? (raw as { dataDir?: unknown }).dataDir : undefined;
  if (typeof dataDir === "string" && dataDir !== "") return isAbsolute(dataDir) ? dataDir : resolve(dirname(path), dataDir);
  return dirname(path);
}

export function loadConfig(input: ConfigInput): RelayConfig {
  const path = configPathOf(input);
  const { env } = input;
  let sources: SourceConfig[];
  let file: z.infer<typeof FileSchema> | undefined;
  if (path || input.configText !== undefined) {
    const where = path ?? "RELAY_CONFIG_JSON";
    const parsed = FileSchema.safeParse(input.configText !== undefined ? parseJson(input.configText, where) : readJson(where));
    if (!parsed.success) throw new ConfigError(describeIssues(where, parsed.error.issues));
    file = parsed.data;
    sources = file.sources.map((source, index) => resolveSource(source, `sources[${index}]`, env));
    const ids = new Map<string, number>();
    sources.forEach((source, index) => {
      const first = ids.get(source.id);
      if (first !== undefined) throw new ConfigError(`${where}: sources[${first}] and sources[${index}] have the same id; each needs its own.`);
      ids.set(source.id, index);
    });
  } else {
    sources = [sourceFromEnv(env)];
  }
  const port = input.port ?? envPort(env) ?? file?.listen?.port ?? DEFAULT_PORT;
  return {
    host: input.host ?? env.RELAY_HOST ?? file?.listen?.host ?? DEFAULT_HOST,
    port,
    behindTlsProxy: input.behindTlsProxy ?? envFlag(env, "RELAY_BEHIND_TLS_PROXY") ?? file?.behindTlsProxy ?? false,
    trustedProxies: env.RELAY_TRUSTED_PROXIES
      ? proxies(splitList(env.RELAY_TRUSTED_PROXIES), "RELAY_TRUSTED_PROXIES")
      : proxies(file?.trustedProxies ?? ["127.0.0.1", "::1"], "trustedProxies"),
    dataDir: resolveDataDir(input),
    sources,
    ...adminToken(env),
  };
}

/** Long enough that guessing it within the rate limit is hopeless; never printed. */
const ADMIN_TOKEN_MIN = 32;

function adminToken(env: Env): { adminToken?: string } {
  const token = env.RELAY_ADMIN_TOKEN?.trim();
  if (!token) return {};
  if (token.length < ADMIN_TOKEN_MIN || /\s/.test(token)) {
    throw new ConfigError(`RELAY_ADMIN_TOKEN must be at least ${ADMIN_TOKEN_MIN} characters without spaces (for example the output of: openssl rand -base64 32).`);
  }
  return { adminToken: token };
}

function resolveSource(source: FileSource, where: string, env: Env): SourceConfig {
  if (source.apiKey !== undefined && source.apiKeyEnv !== undefined) {
    throw new ConfigError(`${where}: give either apiKey or apiKeyEnv, not both.`);
  }
  const apiKey = source.apiKeyEnv !== undefined ? env[source.apiKeyEnv] : source.apiKey;
  if (!apiKey || apiKey.trim() === "") {
    const from = source.apiKeyEnv !== undefined ? envNotSetText(source.apiKeyEnv, "apiKeyEnv") : "it has no apiKey or apiKeyEnv";
    throw new ConfigError(`${where}: no Cobalt API key: ${from}.`);
  }
  let secret = apiKey.trim();
  if (source.webhookSecretEnv !== undefined) {
    const value = env[source.webhookSecretEnv];
    if (!value) throw new ConfigError(`${where}: ${envNotSetText(source.webhookSecretEnv, "webhookSecretEnv")}.`);
    secret = value;
  }
  return {
    id: source.id,
    label: source.label ?? source.id,
    apiKey: apiKey.trim(),
    baseUrl: baseUrl(source.baseUrl, `${where}.baseUrl`, apiKey.trim(), source.apiKeyEnv ?? "apiKey"),
    linkedAccountIds: accountIds(source.linkedAccountIds === "all" || source.linkedAccountIds === undefined ? [] : source.linkedAccountIds, `${where}.linkedAccountIds`),
    intervalMinutes: source.intervalMinutes ?? INTERVAL.default,
    requestsPerMinute: source.requestsPerMinute ?? BUDGET.default,
    webhook: { verify: source.webhookSignature !== "off", secret },
  };
}

/** Without a config file: one source, entirely from the environment. */
function sourceFromEnv(env: Env): SourceConfig {
  const apiKey = env.COBALT_API_KEY?.trim();
  if (!apiKey) {
    throw new ConfigError("No configuration: set COBALT_API_KEY (and optionally COBALT_BASE_URL, COBALT_LINKED_ACCOUNT_IDS), or give a config file with --config or RELAY_CONFIG.");
  }
  const id = env.RELAY_SOURCE_ID ?? "default";
  if (!SOURCE_ID.test(id)) throw new ConfigError("RELAY_SOURCE_ID must be 1 to 40 letters, digits, - or _.");
  const ids = env.COBALT_LINKED_ACCOUNT_IDS?.trim() ?? "all";
  return {
    id,
    label: env.RELAY_SOURCE_LABEL ?? id,
    apiKey,
    baseUrl: baseUrl(env.COBALT_BASE_URL, "COBALT_BASE_URL", apiKey, "COBALT_API_KEY"),
    linkedAccountIds: accountIds(ids === "all" || ids === "" ? [] : parseLinkedAccountIds(ids), "COBALT_LINKED_ACCOUNT_IDS"),
    intervalMinutes: envInt(env, "RELAY_INTERVAL_MINUTES", INTERVAL) ?? INTERVAL.default,
    requestsPerMinute: envInt(env, "RELAY_REQUESTS_PER_MINUTE", BUDGET) ?? BUDGET.default,
    webhook: { verify: env.RELAY_WEBHOOK_SIGNATURE !== "off", secret: env.RELAY_WEBHOOK_SECRET || apiKey },
  };
}

/** `keyField` says where the key belongs, for a key pasted here instead. */
function baseUrl(value: string | undefined, where: string, apiKey: string, keyField: string): string {
  if (value !== undefined && looksLikeKey(value, apiKey)) throw new ConfigError(keyAsAddressText(where, keyField));
  const result = normalizeBaseUrl(value ?? DEFAULT_BASE_URL);
  if (!result.ok) throw new ConfigError(baseUrlProblemText(where, result.problem));
  return result.value;
}

/** Each entry an address or a CIDR range: one that is neither would never match, and the proxy's clients would all share its limit. */
function proxies(entries: string[], field: string): string[] {
  entries.forEach((entry, index) => {
    if (!parseRange(entry)) throw new ConfigError(`${field}: entry number ${index + 1} is not an IP address or a CIDR range (like 10.0.0.0/8 or fd00::/8).`);
  });
  return entries;
}

function accountIds(ids: string[], where: string): string[] {
  ids.forEach((id, index) => {
    const problem = linkedAccountIdProblem(id);
    if (problem) throw new ConfigError(idProblemText(where, index + 1, problem));
  });
  return [...new Set(ids)];
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`The config file ${path} could not be read (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
  }
  return parseJson(text, path);
}

function parseJson(text: string, where: string): unknown {
  // A byte order mark, as some editors write, is not part of the JSON.
  const json = text.replace(/^\uFEFF/, "");
  try {
    return JSON.parse(json) as unknown;
  } catch {
    const at = jsonErrorAt(json);
    const place = at ? ` at line ${at.line}, column ${at.column}` : "";
    throw new ConfigError(`The config file ${where} is not valid JSON${place} (JSON has no comments, and no comma after the last item).`);
  }
}

function envPort(env: Env): number | undefined {
  const raw = env.RELAY_PORT;
  if (raw === undefined || raw === "") return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError("RELAY_PORT must be a port number (0 to 65535).");
  return port;
}

function envInt(env: Env, name: string, range: { min: number; max: number }): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(`${name} must be a whole number from ${range.min} to ${range.max}.`);
  }
  return value;
}

function envFlag(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return undefined;
  if (["1", "true", "yes"].includes(raw)) return true;
  if (["0", "false", "no"].includes(raw)) return false;
  throw new ConfigError(`${name} must be 1 or 0 (true or false).`);
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== "");
}
