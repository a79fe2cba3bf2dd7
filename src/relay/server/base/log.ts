/**
 * One JSON object per line, to stdout (or wherever `write` says). Fields are data, not prose
 * assembled from errors: callers log an error's kind and status, never its message, because
 * Cobalt's messages could echo anything. As a second line of defence every line is scrubbed of
 * the secrets the logger was given (the API keys), so a mistake elsewhere cannot print one.
 */
export type Fields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
}

export const REDACTED = "[redacted]";

export function createLogger(options: { secrets: readonly string[]; write?: (line: string) => void; now?: () => number }): Logger {
  const secrets = [...options.secrets];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const emit = (level: string, event: string, fields: Fields = {}) => {
    write(escapeInvisible(scrub(JSON.stringify({ time: new Date(now()).toISOString(), level, event, ...fields }), secrets)));
  };
  return {
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
  };
}

/** `text` with every occurrence of every secret (of 4 characters or more) replaced. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * `json` with every control, format (direction marks and overrides, zero-width characters) and
 * line or paragraph separator written as a \uXXXX escape. JSON.stringify escapes only U+0000 to
 * U+001F, so U+2028 would still break a line in some readers and U+202E would turn what follows
 * around on screen; escaped, a line reads as what it holds and parses back to the same value.
 */
export function escapeInvisible(json: string): string {
  return json.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (char) => {
    let out = "";
    for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`;
    return out;
  });
}

/** What may be logged of a thrown value: its class name, nothing it says. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
