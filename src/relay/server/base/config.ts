import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { BUDGET, DEFAULT_BASE_URL, INTERVAL } from "../../../core/settings/model.ts";
import { linkedAccountIdProblem, parseLinkedAccountIds } from "../../../core/settings/form-rules.ts";
import { problemText } from "../../../core/words/problems.ts";
import { normalizeBaseUrl } from "../../../core/kit/url.ts";
import { englishText } from "./english.ts";
import { z } from "../../../core/kit/zod.ts";

/*
 * The relay's configuration: a JSON file (`--config` or RELAY_CONFIG) and/or environment
 * variables. The file may name an environment variable for each key (`apiKeyEnv`) so the key can
 * stay out of the file. Messages about bad configuration name the field, never its value: the
 * value may be a key.
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
  /** Peers whose X-Forwarded-For is believed (the TLS proxy); everyone else is their own address. */
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
    const ids = new Set<string>();
    for (const source of sources) {
      if (ids.has(source.id)) throw new ConfigError(`${where}: two sources have the id "${source.id}"; each needs its own.`);
      ids.add(source.id);
    }
  } else {
    sources = [sourceFromEnv(env)];
  }
  const port = input.port ?? envPort(env) ?? file?.listen?.port ?? DEFAULT_PORT;
  return {
    host: input.host ?? env.RELAY_HOST ?? file?.listen?.host ?? DEFAULT_HOST,
    port,
    behindTlsProxy: input.behindTlsProxy ?? envFlag(env, "RELAY_BEHIND_TLS_PROXY") ?? file?.behindTlsProxy ?? false,
    trustedProxies: env.RELAY_TRUSTED_PROXIES ? splitList(env.RELAY_TRUSTED_PROXIES) : (file?.trustedProxies ?? ["127.0.0.1", "::1"]),
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
    throw new ConfigError(`${where} (${source.id}): give either apiKey or apiKeyEnv, not both.`);
  }
  const apiKey = source.apiKeyEnv !== undefined ? env[source.apiKeyEnv] : source.apiKey;
  if (!apiKey || apiKey.trim() === "") {
    const from = source.apiKeyEnv !== undefined ? `the environment variable ${source.apiKeyEnv} is not set` : "it has no apiKey or apiKeyEnv";
    throw new ConfigError(`${where} (${source.id}): no Cobalt API key: ${from}.`);
  }
  let secret = apiKey.trim();
  if (source.webhookSecretEnv !== undefined) {
    const value = env[source.webhookSecretEnv];
    if (!value) throw new ConfigError(`${where} (${source.id}): the environment variable ${source.webhookSecretEnv} (webhookSecretEnv) is not set.`);
    secret = value;
  }
  return {
    id: source.id,
    label: source.label ?? source.id,
    apiKey: apiKey.trim(),
    baseUrl: baseUrl(source.baseUrl, `${where} (${source.id}).baseUrl`),
    linkedAccountIds: accountIds(source.linkedAccountIds === "all" || source.linkedAccountIds === undefined ? [] : source.linkedAccountIds, `${where} (${source.id})`),
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
    baseUrl: baseUrl(env.COBALT_BASE_URL, "COBALT_BASE_URL"),
    linkedAccountIds: accountIds(ids === "all" || ids === "" ? [] : parseLinkedAccountIds(ids), "COBALT_LINKED_ACCOUNT_IDS"),
    intervalMinutes: envInt(env, "RELAY_INTERVAL_MINUTES", INTERVAL) ?? INTERVAL.default,
    requestsPerMinute: envInt(env, "RELAY_REQUESTS_PER_MINUTE", BUDGET) ?? BUDGET.default,
    webhook: { verify: env.RELAY_WEBHOOK_SIGNATURE !== "off", secret: env.RELAY_WEBHOOK_SECRET || apiKey },
  };
}

function baseUrl(value: string | undefined, where: string): string {
  const result = normalizeBaseUrl(value ?? DEFAULT_BASE_URL);
  if (!result.ok) throw new ConfigError(`${where}: ${problemText(englishText, result.problem)}`);
  return result.value;
}

function accountIds(ids: string[], where: string): string[] {
  for (const id of ids) {
    const problem = linkedAccountIdProblem(id);
    if (problem) throw new ConfigError(`${where}: ${problemText(englishText, problem)}`);
  }
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
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError(`The config file ${where} is not valid JSON.`);
  }
}

function describeIssues(path: string, issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, 10).map((issue) => `  ${issue.path.map(String).join(".") || "(top level)"}: ${describeIssue(issue)}`);
  return `The config file ${path} is not valid:\n${lines.join("\n")}`;
}

/** zod/mini carries no message texts; these say what is expected, never what was given. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")} (check the spelling)`;
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "too_small":
      return issue.origin === "array" ? `needs at least ${issue.minimum} item(s)` : `must be at least ${issue.minimum}`;
    case "too_big":
      return `must be at most ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "invalid_union":
      return "has the wrong form (see the README for this field)";
    default:
      return issue.message && issue.message !== "Invalid input" ? issue.message : "is not valid";
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
